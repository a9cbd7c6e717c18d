// My API tokens: list, create (name, optional expiry; the key is shown this once), revoke.
// On /api/tokens/ (core/api/token_apis.py): a person sees and revokes only their own keys.
import { useCallback, useEffect, useState, type FormEvent } from "react";

import { ApiError, cursorOf, endpoints, type Schemas } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { formatTime, timeZoneName } from "../time";

type Token = Schemas["ApiToken"];

export function Tokens() {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [issued, setIssued] = useState<Schemas["IssuedApiToken"] | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [notice, setNotice] = useState("");

  const load = useCallback(async (cursor?: string) => {
    try {
      const page = await endpoints.tokens(cursor);
      setTokens((shown) => (cursor && shown ? [...shown, ...page.results] : page.results));
      setNext(cursorOf(page.next));
      setError(null);
    } catch (failure) {
      setError(failure as ApiError);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(token: Token) {
    try {
      await endpoints.tokenRevoke(token.id);
      setRevoking(null);
      setNotice(`Revoked “${token.name}”: it no longer opens the API.`);
      await load();
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">My API tokens</h1>
      <p className="muted">
        A key lets your own tooling use the API as you: send it as{" "}
        <code>Authorization: Token &lt;key&gt;</code>. Only its digest is kept, so it is shown
        once, when you create it.
      </p>
      <CreateToken
        onIssued={(token) => {
          setIssued(token);
          setNotice("");
          void load();
        }}
      />
      {issued && <IssuedKey token={issued} onDone={() => setIssued(null)} />}
      <div role="status" className="notice">
        {notice}
      </div>
      {error && <ErrorNote error={error} />}
      <h2>Your keys</h2>
      {tokens === null ? (
        <p aria-busy="true">Loading…</p>
      ) : tokens.length === 0 ? (
        <p id="no-tokens">You have no API tokens.</p>
      ) : (
        <table className="list" id="tokens">
          <caption className="muted">Times in {timeZoneName()}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{formatTime(token.created)}</td>
                <td>{token.last_used_at ? formatTime(token.last_used_at) : "never"}</td>
                <td>{token.expires_at ? formatTime(token.expires_at) : "never"}</td>
                <td className="actions">
                  {revoking?.id === token.id ? (
                    <span role="group" aria-label={`Revoke ${token.name}?`}>
                      <button type="button" className="danger" onClick={() => void revoke(token)}>
                        Yes, revoke “{token.name}”
                      </button>{" "}
                      <button type="button" className="secondary" onClick={() => setRevoking(null)}>
                        Keep it
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => setRevoking(token)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" className="secondary" onClick={() => void load(next)}>
          Show more
        </button>
      )}
    </section>
  );
}

function CreateToken({ onIssued }: { onIssued: (token: Schemas["IssuedApiToken"]) => void }) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const expires_at = expires ? new Date(expires).toISOString() : null;
      onIssued(await endpoints.tokenCreate({ name, expires_at }));
      setName("");
      setExpires("");
      setError(null);
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const nameErrors = error?.fieldErrors("name") ?? [];
  const expiryErrors = error?.fieldErrors("expires_at") ?? [];
  return (
    <form className="card create-token" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Create a token</h2>
      <div className="fields">
        <div>
          <label htmlFor="token-name">Name</label>
          <input
            id="token-name"
            value={name}
            maxLength={100}
            required
            aria-describedby="token-name-help"
            aria-invalid={nameErrors.length > 0}
            onChange={(event) => setName(event.target.value)}
          />
          <div id="token-name-help" className="help">
            What it is for, e.g. “shop sync”.
          </div>
          {nameErrors.map((message) => (
            <div key={message} className="error" role="alert">
              {message}
            </div>
          ))}
        </div>
        <div>
          <label htmlFor="token-expires">Expires (optional)</label>
          <input
            id="token-expires"
            type="datetime-local"
            value={expires}
            aria-describedby="token-expires-help"
            aria-invalid={expiryErrors.length > 0}
            onChange={(event) => setExpires(event.target.value)}
          />
          <div id="token-expires-help" className="help">
            In {timeZoneName()}; leave empty for a key that does not expire.
          </div>
          {expiryErrors.map((message) => (
            <div key={message} className="error" role="alert">
              {message}
            </div>
          ))}
        </div>
      </div>
      {error && !nameErrors.length && !expiryErrors.length && <ErrorNote error={error} />}
      <button type="submit" disabled={busy}>
        Create token
      </button>
    </form>
  );
}

function IssuedKey({ token, onDone }: { token: Schemas["IssuedApiToken"]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="card issued" role="region" aria-labelledby="issued-title">
      <h2 id="issued-title">Your new key “{token.name}”</h2>
      <p>Copy it now: it is shown this once and cannot be shown again.</p>
      <p>
        <code id="issued-key" className="key">
          {token.key}
        </code>
      </p>
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard?.writeText(token.key).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        Copy the key
      </button>{" "}
      <button type="button" className="secondary" onClick={onDone}>
        I have copied it
      </button>
      <span role="status">{copied ? " Copied." : ""}</span>
    </div>
  );
}
