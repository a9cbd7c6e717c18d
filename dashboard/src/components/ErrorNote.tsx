import { ApiError } from "../api/client";

/** An API error as a person reads it: the message, and the code for a support request. */
export function ErrorNote({ error }: { error: ApiError }) {
  return (
    <p className="error" role="alert">
      {error.message} <span className="code">({error.code})</span>
    </p>
  );
}
