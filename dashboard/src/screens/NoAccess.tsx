import type { Schemas } from "../api/client";
import { LogoutButton } from "../components/LogoutButton";

export function NoAccess({ me }: { me: Schemas["Me"] }) {
  return (
    <main className="centered" id="no-access">
      <h1>You have no access to the provider dashboard</h1>
      <p>
        You are logged in as <strong>{me.username}</strong>, who holds no provider role: the
        dashboard is for organization owners and offering managers.
      </p>
      <p>
        Ask your organization's owner or a Redrive administrator to add you as an owner of your
        organization or a manager of an offering, then log in again.
      </p>
      <LogoutButton />
    </main>
  );
}
