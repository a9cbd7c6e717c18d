// The order page's tab panels: Details (the attributes as a readable list), Error details
// (message and traceback, copyable), Deliveries (one row per integration, ⋮ → Retry for a
// failed one), Attempts (every try) and History (who, when, from, to, why).
import { useState } from "react";

import type { Schemas } from "../api/client";
import { MenuButton } from "../components/MenuButton";
import { formatTime, timeZoneName } from "../time";
import { isObject } from "./OrderAttributes";
import { STATE_LABELS } from "./OrderRules";

type Order = Schemas["OrderDetail"];

const when = (iso: string | null | undefined) => (iso ? formatTime(iso) : "—");

function label(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Attributes as nested definition lists: keys as words, values as text, "empty" for "". */
export function AttributeList({ value }: { value: unknown }) {
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return <span className="muted">none</span>;
    return (
      <dl className="attributes">
        {entries.map(([key, inner]) => (
          <div key={key}>
            <dt>{label(key)}</dt>
            <dd>
              <AttributeList value={inner} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (value === "" || value === null || value === undefined) {
    return <span className="muted">empty</span>;
  }
  return <span>{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

export function DetailsTab({ order }: { order: Order }) {
  return (
    <>
      <dl className="order-details">
        <div><dt>Type</dt><dd>{order.type}</dd></div>
        <div><dt>Consumer organization</dt><dd>{order.consumer_organization.name}</dd></div>
        <div><dt>Customer e-mail</dt><dd>{order.customer_email || "—"}</dd></div>
        <div><dt>Integration</dt><dd>{order.integration ?? "done by hand"}</dd></div>
        <div><dt>Resource</dt><dd>{order.resource ? `${order.resource.name} (${order.resource.state})` : "none yet"}</dd></div>
        <div><dt>Placed</dt><dd>{when(order.created)}</dd></div>
        <div><dt>Completed</dt><dd>{when(order.completed_at)}</dd></div>
        {order.rejection_reason && (
          <div><dt>Rejection reason</dt><dd id="rejection-reason">{order.rejection_reason}</dd></div>
        )}
      </dl>
      <h3>Attributes</h3>
      <div id="attributes">
        <AttributeList value={order.attributes} />
      </div>
      <p className="help">Times in {timeZoneName()}.</p>
    </>
  );
}

export function ErrorTab({ order }: { order: Order }) {
  const [copied, setCopied] = useState("");
  if (!order.error_message && !order.error_traceback) {
    return <p id="no-error">No current error: the order is {STATE_LABELS[order.state].toLowerCase()}.</p>;
  }
  const text = [order.error_message, order.error_traceback].filter(Boolean).join("\n\n");
  return (
    <>
      <p>
        Failed {when(order.erred_at)}
        {order.failure_kind ? ` (${order.failure_kind.replace("_", " ")})` : ""}; next automatic
        retry: {order.next_retry_at ? formatTime(order.next_retry_at) : "none"}.
      </p>
      {order.needs_fix_first && (
        <p className="callout warning-box">The last error needs a fix first: edit the order before retrying it.</p>
      )}
      <h3>Message</h3>
      <pre className="error-message" id="error-message">{order.error_message || "—"}</pre>
      <h3>Traceback</h3>
      <pre className="traceback" id="error-traceback" tabIndex={0}>{order.error_traceback || "—"}</pre>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard?.writeText(text).then(
            () => setCopied("Copied the message and the traceback."),
            () => setCopied("Could not copy: select the text instead."),
          )
        }
      >
        Copy the error
      </button>{" "}
      <span role="status">{copied}</span>
    </>
  );
}

export function DeliveriesTab({
  deliveries,
  onRetry,
}: {
  deliveries: Schemas["Delivery"][];
  onRetry: (delivery: Schemas["Delivery"]) => void;
}) {
  if (deliveries.length === 0) return <p id="no-deliveries">Nothing has been sent for this order.</p>;
  return (
    <table className="list" id="deliveries">
      <caption className="muted">Times in {timeZoneName()}</caption>
      <thead>
        <tr>
          <th scope="col">Integration</th>
          <th scope="col">Route</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last result</th>
          <th scope="col">Next attempt</th>
          <th scope="col"><span className="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id}>
            <td>{delivery.integration.name}</td>
            <td>
              {delivery.required ? "required" : "optional"}
              {delivery.waits_for && (
                <div className="muted small">after {delivery.waits_for.name}</div>
              )}
            </td>
            <td>
              {delivery.state === "waiting" && delivery.waits_for
                ? `waiting for ${delivery.waits_for.name}`
                : delivery.state.replace("_", " ")}
              {delivery.held_reason && <div className="muted small">held: {delivery.held_reason}</div>}
            </td>
            <td>{delivery.attempt_count}</td>
            <td>
              {delivery.last_outcome?.replace("_", " ") ?? "no attempt yet"}
              {delivery.last_message && <div className="error-text">{delivery.last_message}</div>}
            </td>
            <td>{when(delivery.next_attempt_at)}</td>
            <td className="actions">
              {delivery.state === "failed" ? (
                <MenuButton
                  label="⋮"
                  ariaLabel={`Actions for the delivery to ${delivery.integration.name}`}
                  items={[{ key: "retry", label: "Retry", onSelect: () => onRetry(delivery) }]}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AttemptsTab({ attempts }: { attempts: Schemas["Attempt"][] }) {
  if (attempts.length === 0) return <p id="no-attempts">No attempt yet.</p>;
  return (
    <table className="list" id="attempts">
      <caption className="muted">Oldest first; times in {timeZoneName()}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Started</th>
          <th scope="col">Trigger</th>
          <th scope="col">Outcome</th>
          <th scope="col">Remote answer</th>
          <th scope="col">Error</th>
          <th scope="col">Then</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt) => (
          <tr key={attempt.number}>
            <td>{attempt.number}</td>
            <td>{when(attempt.started_at)}</td>
            <td>{attempt.trigger}{attempt.actor ? ` by ${attempt.actor}` : ""}</td>
            <td>{attempt.outcome.replace("_", " ")}</td>
            <td>{attempt.remote_status ?? "—"}{attempt.error_code && <div className="muted small">{attempt.error_code}</div>}</td>
            <td className="error-text">{attempt.message}</td>
            <td className="small">{attempt.decision}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HistoryTab({ transitions }: { transitions: Schemas["OrderTransition"][] }) {
  if (transitions.length === 0) return <p>No history.</p>;
  return (
    <table className="list" id="history">
      <caption className="muted">Oldest first; times in {timeZoneName()}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {transitions.map((step, index) => (
          <tr key={`${step.created}-${index}`}>
            <td>{when(step.created)}</td>
            <td>{step.actor}</td>
            <td>{step.source || "—"}</td>
            <td>{step.target}</td>
            <td>{step.reason || <span className="muted">{step.transition}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
