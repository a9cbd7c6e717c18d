import { csrfToken } from "../api/client";

/** Django's LogoutView takes a POST with the CSRF token (a GET would let any page log you out). */
export function LogoutButton() {
  return (
    <form method="post" action="/accounts/logout/" className="logout">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
      <button type="submit" className="secondary">
        Log out
      </button>
    </form>
  );
}
