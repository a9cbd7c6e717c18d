// Alerts: the caller's alerts (GET /api/alerts/), open by default, filtered by status, kind and
// integration (kept in the address), each linked to its order (the Order page) and its
// integration; one alert's page at /alerts/{id} (alert e-mails link there); dismiss with a note.
// ?problem={id} (where problem e-mails link) shows the orders under one problem, any status.
import { useEffect, useState, type FormEvent } from "react";

import { alertEndpoints, type Alert, type AlertQuery, type Problem } from "../api/alertsAndIntegrations";
import { ApiError, cursorOf, orderEndpoints, type Schemas } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { Link } from "../router";
import { formatTime, timeZoneName } from "../time";
import { DismissDialog } from "./AlertsDismiss";

type Kind = NonNullable<AlertQuery["kind"]>[number];
type Status = Alert["status"];
export const STATUSES: { value: Status; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "resolved", label: "Resolved" },
  { value: "dismissed", label: "Dismissed" },
];
export const ALERT_KINDS: { value: Kind; label: string }[] = [
  { value: "address_invalid", label: "Invalid address" },
  { value: "mapping_missing", label: "Mapping missing" },
  { value: "credentials", label: "Credentials refused" },
  { value: "validation", label: "Rejected by the remote system" },
  { value: "unavailable", label: "Remote system unavailable" },
  { value: "retry_exhausted", label: "Retries exhausted" },
  { value: "giving_up", label: "Orders about to be given up" },
  { value: "sync_failed", label: "Sync failed" },
];

export type AlertFilters = { status: Status[]; kind: string; integration: string; problem: string };

/** The filters an address holds; no status at all means the open ones (every status for the
 * orders of one problem, as its e-mail counts them). */
export function alertFiltersFrom(search: string): AlertFilters {
  const params = new URLSearchParams(search);
  const status = params.getAll("status").filter((s) => STATUSES.some((one) => one.value === s));
  const problem = /^\d+$/.test(params.get("problem") ?? "") ? (params.get("problem") as string) : "";
  const fallback: Status[] = problem ? STATUSES.map((one) => one.value) : ["open"];
  return {
    status: status.length ? (status as Status[]) : fallback,
    kind: params.get("kind") ?? "",
    integration: params.get("integration") ?? "",
    problem,
  };
}

export function alertAddress(filters: AlertFilters): string {
  const params = new URLSearchParams();
  for (const status of filters.status) params.append("status", status);
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.integration) params.set("integration", filters.integration);
  if (filters.problem) params.set("problem", filters.problem);
  return `?${params.toString()}`;
}

export function alertQuery(filters: AlertFilters, cursor?: string): AlertQuery {
  return {
    status: filters.status,
    kind: filters.kind ? [filters.kind as Kind] : undefined,
    integration: filters.integration || undefined,
    problem: filters.problem ? Number(filters.problem) : undefined,
    cursor,
  };
}

export function Alerts({ route }: { route: string }) {
  const id = /^\/alerts\/(\d+)$/.exec(route)?.[1];
  return id ? <AlertPage id={Number(id)} /> : <AlertList />;
}

function AlertList() {
  const [filters, setFilters] = useState(() => alertFiltersFrom(window.location.search));
  const [draft, setDraft] = useState(filters);
  const [cursor, setCursor] = useState<string | undefined>();
  const [page, setPage] = useState<Schemas["PaginatedAlertList"] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [integrations, setIntegrations] = useState<Schemas["Integration"][]>([]);
  const [dismissing, setDismissing] = useState<Alert | null>(null);
  const [notice, setNotice] = useState("");
  const [reload, setReload] = useState(0);

  useEffect(() => {
    orderEndpoints.integrations().then(
      (found) => setIntegrations(found.results),
      (failure: ApiError) => setError(failure),
    );
  }, []);

  useEffect(() => {
    let current = true;
    alertEndpoints.alerts(alertQuery(filters, cursor)).then(
      (found) => {
        if (!current) return;
        setPage(found);
        setError(null);
      },
      (failure: ApiError) => {
        if (!current) return;
        setPage(null);
        setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [filters, cursor, reload]);

  function submit(event: FormEvent) {
    event.preventDefault();
    window.history.replaceState(null, "", window.location.pathname + alertAddress(draft));
    setFilters(draft);
    setCursor(undefined);
  }

  function toggle(status: Status, on: boolean) {
    const chosen = on ? [...draft.status, status] : draft.status.filter((s) => s !== status);
    setDraft({ ...draft, status: STATUSES.map((s) => s.value).filter((s) => chosen.includes(s)) });
  }

  const problems = (name: string) =>
    (error?.fieldErrors(name) ?? []).map((message) => (
      <div key={message} className="error" role="alert">
        {message}
      </div>
    ));
  const choice = (
    name: "kind" | "integration",
    label: string,
    options: { value: string; label: string }[],
  ) => (
    <div>
      <label htmlFor={`alert-${name}`}>{label}</label>
      <select
        id={`alert-${name}`}
        value={draft[name]}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
      >
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {problems(name)}
    </div>
  );
  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">Alerts</h1>
      {filters.problem ? (
        <p id="problem-filter">
          The orders under problem #{filters.problem}, one alert each.{" "}
          <Link to="/alerts">All alerts</Link>
        </p>
      ) : (
        <OpenProblems />
      )}
      <form className="card filters" onSubmit={submit} role="search" aria-label="Alerts">
        <div className="fields">
          <fieldset className="statuses">
            <legend>Status</legend>
            {STATUSES.map((status) => (
              <label key={status.value} className="check">
                <input
                  type="checkbox"
                  checked={draft.status.includes(status.value)}
                  onChange={(event) => toggle(status.value, event.target.checked)}
                />{" "}
                {status.label}
              </label>
            ))}
            {problems("status")}
          </fieldset>
          {choice("kind", "Kind", ALERT_KINDS)}
          {choice(
            "integration",
            "Integration",
            integrations.map((one) => ({ value: String(one.id), label: one.name })),
          )}
        </div>
        <button type="submit">Apply</button>
      </form>
      <div role="status" className="notice">
        {notice}
      </div>
      {error && <ErrorNote error={error} />}
      {page === null ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : page.results.length === 0 ? (
        <p id="no-alerts">No alerts match these filters.</p>
      ) : (
        <AlertTable alerts={page.results} onDismiss={setDismissing} />
      )}
      {page && (page.previous || page.next) && (
        <div className="pager">
          {page.previous && (
            <button type="button" className="secondary" onClick={() => setCursor(cursorOf(page.previous))}>
              Newer
            </button>
          )}{" "}
          {page.next && (
            <button type="button" className="secondary" onClick={() => setCursor(cursorOf(page.next))}>
              Older
            </button>
          )}
        </div>
      )}
      {dismissing && (
        <DismissDialog
          alert={dismissing}
          onClose={() => setDismissing(null)}
          onDone={(alert) => {
            setDismissing(null);
            setNotice(`Dismissed alert ${alert.id}${alert.dismissed_note ? ` with the note “${alert.dismissed_note}”` : ""}.`);
            setReload((count) => count + 1);
          }}
        />
      )}
    </section>
  );
}

/** Problems first: the open ones, each the orders that failed the same way at an integration,
 * counted, linking to its orders (the list below, filtered by ?problem=). */
function OpenProblems() {
  const [problems, setProblems] = useState<Problem[] | null>(null);
  useEffect(() => {
    let current = true;
    alertEndpoints.problems({ status: ["open"], page_size: 20 }).then(
      (found) => current && setProblems(found.results),
      () => current && setProblems([]),
    );
    return () => {
      current = false;
    };
  }, []);
  if (!problems || problems.length === 0) return null;
  return (
    <section className="card" aria-labelledby="problems-title">
      <h2 id="problems-title">Open problems</h2>
      <table className="list problems" id="problems">
        <thead>
          <tr>
            <th scope="col">Problem</th>
            <th scope="col">Integration</th>
            <th scope="col">Orders</th>
            <th scope="col">Last seen</th>
            <th scope="col">Latest message</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem) => (
            <tr key={problem.id} data-problem={problem.id}>
              <td>
                <a href={`/dashboard/alerts?problem=${problem.id}`}>{problem.kind_label}</a>
                {problem.code && <div className="small muted">{problem.code}</div>}
              </td>
              <td>{problem.integration.name}</td>
              <td>
                {problem.open_orders} open
                <div className="small muted">of {problem.orders}</div>
              </td>
              <td className="nowrap">{formatTime(problem.last_seen_at)}</td>
              <td className="message">{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Subject({ alert }: { alert: Alert }) {
  return (
    <>
      {alert.order ? (
        <Link to={`/orders/${alert.order.uuid}`}>{alert.order.number}</Link>
      ) : (
        <span className="muted">no order</span>
      )}
      <div className="small">
        <Link to={`/integrations/${alert.integration.id}`}>{alert.integration.name}</Link>
      </div>
    </>
  );
}

function statusText(alert: Alert): string {
  if (alert.status === "dismissed")
    return `Dismissed by ${alert.dismissed_by ?? "someone"}${alert.dismissed_at ? `, ${formatTime(alert.dismissed_at)}` : ""}`;
  if (alert.status === "resolved")
    return `Resolved${alert.resolved_at ? ` ${formatTime(alert.resolved_at)}` : ""}`;
  return "Open";
}

function AlertTable({ alerts, onDismiss }: { alerts: Alert[]; onDismiss: (alert: Alert) => void }) {
  return (
    <table className="list alerts" id="alerts">
      <caption className="muted">Times in {timeZoneName()}</caption>
      <thead>
        <tr>
          <th scope="col">Alert</th>
          <th scope="col">Order and integration</th>
          <th scope="col">Message</th>
          <th scope="col">Last seen</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((alert) => (
          <tr key={alert.id} data-alert={alert.id}>
            <td>
              <Link to={`/alerts/${alert.id}`}>{alert.kind_label}</Link>
              <div className="small muted">
                {alert.severity}
                {alert.needs_action ? ", needs action" : ""}
              </div>
            </td>
            <td>
              <Subject alert={alert} />
            </td>
            <td className="message">{alert.message}</td>
            <td className="nowrap">
              {formatTime(alert.last_seen_at)}
              <div className="small muted">{alert.occurrences}× seen</div>
            </td>
            <td>
              {statusText(alert)}
              {alert.dismissed_note && <div className="small">“{alert.dismissed_note}”</div>}
            </td>
            <td className="actions">
              {alert.status === "open" && (
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Dismiss alert ${alert.id}`}
                  onClick={() => onDismiss(alert)}
                >
                  Dismiss
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertPage({ id }: { id: number }) {
  const [alert, setAlert] = useState<Alert | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [dismissing, setDismissing] = useState(false);

  useEffect(() => {
    alertEndpoints.alert(id).then(setAlert, (failure: ApiError) => setError(failure));
  }, [id]);

  return (
    <section aria-labelledby="screen-title">
      <p className="small">
        <Link to="/alerts">← All alerts</Link>
      </p>
      <h1 id="screen-title">{alert ? `Alert ${alert.id}: ${alert.kind_label}` : `Alert ${id}`}</h1>
      {error && <ErrorNote error={error} />}
      {!alert && !error && <p aria-busy="true">Loading…</p>}
      {alert && (
        <div className="card">
          <dl className="facts">
            <dt>Status</dt>
            <dd id="alert-status">{statusText(alert)}</dd>
            {alert.dismissed_note && (
              <>
                <dt>Note</dt>
                <dd>{alert.dismissed_note}</dd>
              </>
            )}
            {alert.resolved_reason && (
              <>
                <dt>Closed because</dt>
                <dd>{alert.resolved_reason}</dd>
              </>
            )}
            <dt>Order</dt>
            <dd>
              {alert.order ? (
                <Link to={`/orders/${alert.order.uuid}`}>{alert.order.number}</Link>
              ) : (
                "none (about the integration)"
              )}
            </dd>
            <dt>Integration</dt>
            <dd>
              <Link to={`/integrations/${alert.integration.id}`}>{alert.integration.name}</Link>
            </dd>
            <dt>Message</dt>
            <dd>{alert.message || "none"}</dd>
            {alert.product_code && (
              <>
                <dt>Product code</dt>
                <dd>{alert.product_code}</dd>
              </>
            )}
            <dt>Seen</dt>
            <dd>
              {alert.occurrences}×, first {formatTime(alert.first_seen_at)}, last{" "}
              {formatTime(alert.last_seen_at)} ({timeZoneName()})
              {alert.reopen_count > 0 && `; opened again ${alert.reopen_count}×`}
            </dd>
          </dl>
          {alert.status === "open" && (
            <button type="button" onClick={() => setDismissing(true)}>
              Dismiss…
            </button>
          )}
        </div>
      )}
      {alert && dismissing && (
        <DismissDialog
          alert={alert}
          onClose={() => setDismissing(false)}
          onDone={(dismissed) => {
            setDismissing(false);
            setAlert(dismissed);
          }}
        />
      )}
    </section>
  );
}
