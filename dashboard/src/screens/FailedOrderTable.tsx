// The failed-orders screen's counts (each a filter) and its page of orders with the pager.
import { cursorOf, type Schemas } from "../api/client";
import { Link } from "../router";
import { formatTime, timeZoneName } from "../time";
import type { Filters } from "./FailedOrders";

export type Kind = "transient" | "action_required" | "exhausted";
export const KINDS: { value: Kind; label: string; short: string }[] = [
  { value: "transient", label: "Transient (retried automatically)", short: "Transient" },
  { value: "action_required", label: "Action required", short: "Action required" },
  { value: "exhausted", label: "Retry exhausted", short: "Retry exhausted" },
];

/** "failed order(s)" on erred orders, "order(s)" on a resubmit's others (executing, done). */
export function ordersNoun(count: number, failed: boolean): string {
  return `${failed ? "failed " : ""}${count === 1 ? "order" : "orders"}`;
}

export function Facets({
  facets,
  onPick,
  failed = true,
}: {
  facets: Schemas["OrderFacets"];
  onPick: (filters: Partial<Filters>) => void;
  /** The orders are erred ones (the default state filter). */
  failed?: boolean;
}) {
  return (
    <div className="facets" id="failure-counts">
      <p>
        <strong>{facets.total}</strong> {ordersNoun(facets.total, failed)} match.
      </p>
      <div className="facet-groups">
        <div>
          <h2 id="by-kind">By failure kind</h2>
          <ul aria-labelledby="by-kind">
            {facets.by_failure_kind.map((kind) => (
              <li key={kind.failure_kind || "none"}>
                {kind.failure_kind && kind.count > 0 ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => onPick({ failure_kind: kind.failure_kind })}
                  >
                    {kind.label}
                  </button>
                ) : (
                  <span>{kind.label || "No failure kind"}</span>
                )}
                : {kind.count}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h2 id="by-integration">By integration</h2>
          <ul aria-labelledby="by-integration">
            {facets.by_integration.length === 0 && <li>None</li>}
            {facets.by_integration.map((integration) => (
              <li key={integration.id ?? "manual"}>
                {integration.id !== null ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => onPick({ integration: String(integration.id) })}
                  >
                    {integration.name}
                  </button>
                ) : (
                  <span>Done by hand (no integration)</span>
                )}
                : {integration.count}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** The table's checkboxes (FailedOrdersResubmit and resubmitSelection hold the logic). */
export type RowSelection = {
  isSelected: (uuid: string) => boolean;
  pageSelected: boolean;
  onToggle: (uuid: string) => void;
  onTogglePage: () => void;
};

export function OrderTable({
  page,
  onPage,
  select,
  newestFirst = "Newest failure first",
  failed = true,
}: {
  page: Schemas["PaginatedOrderList"];
  onPage: (cursor: string | undefined) => void;
  select?: RowSelection;
  newestFirst?: string;
  /** The orders are erred ones (the default state filter). */
  failed?: boolean;
}) {
  if (page.results.length === 0) {
    return <p id="no-orders">No {ordersNoun(2, failed)} match these filters.</p>;
  }
  const previous = cursorOf(page.previous);
  const next = cursorOf(page.next);
  return (
    <>
      <table className="list orders" id="failed-orders">
        <caption className="muted">
          {newestFirst}; times in {timeZoneName()}
        </caption>
        <thead>
          <tr>
            {select && (
              <th scope="col" className="select">
                <input
                  type="checkbox"
                  aria-label={`Select this page's ${page.results.length} orders`}
                  checked={select.pageSelected}
                  onChange={select.onTogglePage}
                />
              </th>
            )}
            <th scope="col">Order</th>
            <th scope="col">Customer</th>
            <th scope="col">Offering</th>
            <th scope="col">Integration</th>
            <th scope="col">Failure</th>
            <th scope="col">Failed</th>
            <th scope="col">Next retry</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {page.results.map((order) => (
            <tr key={order.uuid}>
              {select && (
                <td className="select">
                  <input
                    type="checkbox"
                    aria-label={`Select ${order.number}`}
                    checked={select.isSelected(order.uuid)}
                    onChange={() => select.onToggle(order.uuid)}
                  />
                </td>
              )}
              <td className="nowrap">
                <Link to={`/orders/${order.uuid}`}>{order.number}</Link>
              </td>
              <td>
                {order.customer_name || "—"}
                {order.customer_email && <div className="muted small">{order.customer_email}</div>}
              </td>
              <td>{order.offering.name}</td>
              <td>
                {order.failed_integrations.length > 0
                  ? order.failed_integrations.join(", ")
                  : (order.integration ?? "by hand")}
              </td>
              <td>
                {KINDS.find((kind) => kind.value === order.failure_kind)?.short ?? "—"}
                {order.needs_fix_first && <div className="warning small">needs a fix first</div>}
              </td>
              <td>{order.erred_at ? formatTime(order.erred_at) : "—"}</td>
              <td>{order.next_retry_at ? formatTime(order.next_retry_at) : "none"}</td>
              <td className="error-text">{order.error_message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages" className="pager">
        <button type="button" className="secondary" disabled={!previous} onClick={() => onPage(previous)}>
          Previous page
        </button>{" "}
        <button type="button" className="secondary" disabled={!next} onClick={() => onPage(next)}>
          Next page
        </button>
      </nav>
    </>
  );
}
