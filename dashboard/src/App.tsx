// Who is logged in decides what the dashboard shows: the login page when nobody is (the
// session expired), "no access" for a user without a provider role, the shell otherwise. The
// page Django serves carries it (what /api/me/ answers, in <script id="redrive-me">): the
// screen's own requests start at once; without it (a dev server) the app asks.
import { useEffect, useState } from "react";

import { ApiError, endpoints, type Schemas } from "./api/client";
import { Shell } from "./Shell";
import { ErrorNote } from "./components/ErrorNote";
import { NoAccess } from "./screens/NoAccess";

type State =
  | { kind: "loading" }
  | { kind: "failed"; error: ApiError }
  | { kind: "ready"; me: Schemas["Me"] };

export function loginUrl(location: Location = window.location): string {
  return `/accounts/login/?next=${encodeURIComponent(location.pathname + location.search)}`;
}

export function embeddedMe(doc: Document = document): Schemas["Me"] | null {
  const text = doc.getElementById("redrive-me")?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as Schemas["Me"];
  } catch {
    return null; // a broken page: ask the API instead
  }
}

export function App() {
  const [state, setState] = useState<State>(() => {
    const me = embeddedMe();
    return me ? { kind: "ready", me } : { kind: "loading" };
  });

  useEffect(() => {
    if (state.kind === "ready") return;
    endpoints.me().then(
      (me) => setState({ kind: "ready", me }),
      (error: ApiError) => {
        if (error.status === 401 || error.status === 403) {
          window.location.assign(loginUrl());
          return;
        }
        setState({ kind: "failed", error });
      },
    );
  }, []);

  if (state.kind === "loading") {
    return (
      <main className="centered" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  }
  if (state.kind === "failed") {
    return (
      <main className="centered">
        <h1>The dashboard could not start</h1>
        <ErrorNote error={state.error} />
      </main>
    );
  }
  if (!state.me.dashboard_access) return <NoAccess me={state.me} />;
  return <Shell me={state.me} />;
}
