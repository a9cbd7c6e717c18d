// One integration's page: health (GET /api/integrations/{id}/health/), the last day's attempts
// by outcome, its limits, its maintenance windows and "resend the orders waiting on it".
import { useCallback, useEffect, useState } from "react";

import { integrationEndpoints, type Health } from "../api/alertsAndIntegrations";
import type { ApiError, Schemas } from "../api/client";
import { AttemptsChart } from "../components/AttemptsChart";
import { ErrorNote } from "../components/ErrorNote";
import { Link } from "../router";
import { formatTime, timeZoneName } from "../time";
import { BREAKER_LABEL } from "./Integrations";
import { MaintenanceWindows } from "./IntegrationsWindows";

/** Who may plan windows: staff and organization owners (the API checks the integration too). */
export function mayPlanWindows(me: Schemas["Me"]): boolean {
  return me.is_staff || me.roles.includes("Organization owners");
}

const when = (iso: string | null) => (iso ? formatTime(iso) : "never");

export function IntegrationPage({ id, me }: { id: number; me: Schemas["Me"] }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    integrationEndpoints.health(id).then(
      (found) => {
        setHealth(found);
        setError(null);
      },
      (failure: ApiError) => setError(failure),
    );
  }, [id]);

  useEffect(load, [load]);

  return (
    <section aria-labelledby="screen-title">
      <p className="small">
        <Link to="/integrations">← All integrations</Link>
      </p>
      <h1 id="screen-title">{health ? health.name : `Integration ${id}`}</h1>
      {error && <ErrorNote error={error} />}
      {!health && !error && <p aria-busy="true">Loading…</p>}
      {health && <HealthCards health={health} />}
      {health && (
        <>
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Attempts in the last 24 hours, by outcome</h2>
            <p className="help">One bar an hour, the current hour last; hours in {timeZoneName()}.</p>
            <AttemptsChart hours={health.attempts_per_hour} />
          </section>
          <MaintenanceWindows integration={id} canPlan={mayPlanWindows(me)} onChange={load} />
          <ResendWaiting integration={id} name={health.name} onDone={load} />
        </>
      )}
    </section>
  );
}

function HealthCards({ health }: { health: Health }) {
  const { breaker, held, failing_orders: failing } = health;
  return (
    <div className="cards">
      <section className="card" aria-labelledby="breaker-title">
        <h2 id="breaker-title">Breaker</h2>
        <p id="breaker-state" className={breaker.state === "closed" ? "" : "warning"}>
          {BREAKER_LABEL[breaker.state]}
          {!health.enabled && " · the integration is disabled"}
        </p>
        <dl className="facts">
          {breaker.since && (
            <>
              <dt>Since</dt>
              <dd>{formatTime(breaker.since)}</dd>
            </>
          )}
          {breaker.reason && (
            <>
              <dt>Why</dt>
              <dd>{breaker.reason}</dd>
            </>
          )}
          <dt>Failures in a row</dt>
          <dd>
            {breaker.failures} (opens at {breaker.threshold})
          </dd>
          {breaker.next_probe_at && (
            <>
              <dt>Next probe</dt>
              <dd>{formatTime(breaker.next_probe_at)}</dd>
            </>
          )}
          <dt>Last success</dt>
          <dd>{when(health.last_success_at)}</dd>
          <dt>Last failure</dt>
          <dd>{when(health.last_failure_at)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="held-title">
        <h2 id="held-title">Deliveries</h2>
        <dl className="facts" id="held">
          <dt>Held</dt>
          <dd>
            {held.total}
            <div className="small muted">
              breaker {held.breaker}, maintenance {held.maintenance}, disabled {held.disabled}
            </div>
          </dd>
          <dt>In flight</dt>
          <dd>{health.in_flight}</dd>
          <dt>Queued</dt>
          <dd>{health.queued}</dd>
          <dt>Limits</dt>
          <dd id="limits">
            at most {health.limits.max_in_flight} in flight, {health.limits.max_per_second} a
            second
          </dd>
          <dt>Maintenance</dt>
          <dd>
            {health.maintenance_window
              ? `running until ${formatTime(health.maintenance_window.ends_at)}`
              : health.next_maintenance_window
                ? `next from ${formatTime(health.next_maintenance_window.starts_at)}`
                : "none planned"}
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="failing-title">
        <h2 id="failing-title">Your failed orders here</h2>
        <dl className="facts" id="failing">
          <dt>All</dt>
          <dd>
            {failing.total ? (
              <Link to={`/failed-orders?integration=${health.id}`}>{failing.total}</Link>
            ) : (
              0
            )}
          </dd>
          <dt>Retried automatically</dt>
          <dd>{failing.transient}</dd>
          <dt>Action required</dt>
          <dd>{failing.action_required}</dd>
          <dt>No retry left</dt>
          <dd>{failing.exhausted}</dd>
        </dl>
      </section>
    </div>
  );
}

type ResendProps = { integration: number; name: string; onDone: () => void };

function ResendWaiting({ integration, name, onDone }: ResendProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Schemas["ResendWaitingResult"] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function resend() {
    setBusy(true);
    try {
      setResult(await integrationEndpoints.resendWaiting(integration));
      setError(null);
      setConfirming(false);
      onDone();
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const skipped = result ? Object.entries(result.skipped_by_reason) : [];
  return (
    <section className="card" aria-labelledby="resend-title">
      <h2 id="resend-title">Resend the orders waiting on this integration</h2>
      <p className="help">
        For a fix made outside Redrive (a new credential, a mapping fixed on the remote side):
        your failed orders here that wait on a credentials, configuration or mapping error are
        sent again.
      </p>
      {confirming ? (
        <div role="group" aria-label="Confirm the resend">
          <p>Send your waiting orders to {name} again now?</p>
          <button type="button" disabled={busy} onClick={() => void resend()}>
            Yes, resend them
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Resend the waiting orders…
        </button>
      )}
      {error && <ErrorNote error={error} />}
      <div role="status" id="resend-result">
        {result && (
          <>
            <p>
              Sent again <strong>{result.count}</strong> of {result.matched} waiting orders
              {result.skipped ? `; ${result.skipped} skipped` : ""}.
            </p>
            {skipped.length > 0 && (
              <ul>
                {skipped.map(([reason, count]) => (
                  <li key={reason}>
                    {reason}: {count}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
