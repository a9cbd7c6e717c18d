// Consumers' orders: the orders a consumer organization's owners placed (GET /api/orders/
// ?organization=), their states, the reason of a rejection, and Cancel where the API allows it
// (pending orders, and executing ones of a manual offering). A user who owns no consumer
// organization is told so.
import { useCallback, useEffect, useState } from "react";

import { ApiError, cursorOf, type Schemas } from "../api/client";
import { orderPageEndpoints as endpoints } from "../api/orderPage";
import { ErrorNote } from "../components/ErrorNote";
import { Link } from "../router";
import { formatTime, timeZoneName } from "../time";
import { CancelDialog } from "./OrderDialogs";
import { STATE_LABELS, cancelAllowed } from "./OrderRules";

type Order = Schemas["Order"];

/** The organizations that place orders: owned and offering nothing (a shop, not a provider). */
export function consumerOrganizations(me: Schemas["Me"]): Schemas["MyOrganization"][] {
  return me.organizations_owned.filter((organization) => !organization.is_provider);
}

export function ConsumerOrders({ me }: { me: Schemas["Me"] }) {
  const organizations = consumerOrganizations(me);
  const [organization, setOrganization] = useState(organizations[0]?.uuid ?? "");
  const [page, setPage] = useState<Schemas["PaginatedOrderList"] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [canceling, setCanceling] = useState<Order | null>(null);
  const [notice, setNotice] = useState("");

  const load = useCallback(async () => {
    if (!organization) return;
    try {
      setPage(await endpoints.consumerOrders({ organization, cursor }));
      setError(null);
    } catch (failure) {
      setPage(null);
      setError(failure as ApiError);
    }
  }, [organization, cursor]);

  useEffect(() => {
    void load();
  }, [load]);

  if (organizations.length === 0) {
    return (
      <section aria-labelledby="screen-title">
        <h1 id="screen-title">Consumers' orders</h1>
        <p id="no-consumer-organization" className="card">
          You own no consumer organization, so there are no orders of yours to show here. This
          screen is for the users of an organization that places orders (a shop). The orders
          placed with your offerings are under <Link to="/failed-orders">Failed orders</Link>.
        </p>
      </section>
    );
  }

  async function cancel(order: Order, reason: string) {
    const after = await endpoints.act(order.uuid, "cancel", { reason });
    setCanceling(null);
    setNotice(`Canceled order ${after.number}: it is ${STATE_LABELS[after.state].toLowerCase()}.`);
    await load();
  }

  const previous = cursorOf(page?.previous);
  const next = cursorOf(page?.next);
  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">Consumers' orders</h1>
      <p className="muted">The orders your organization placed, newest first.</p>
      {organizations.length > 1 && (
        <div className="narrow">
          <label htmlFor="consumer-organization">Organization</label>
          <select
            id="consumer-organization"
            value={organization}
            onChange={(event) => {
              setOrganization(event.target.value);
              setCursor(undefined);
            }}
          >
            {organizations.map((item) => (
              <option key={item.uuid} value={item.uuid}>{item.name}</option>
            ))}
          </select>
        </div>
      )}
      <div role="status" className="notice" id="consumer-notice">{notice}</div>
      {error && <ErrorNote error={error} />}
      {!page && !error && <p aria-busy="true">Loading…</p>}
      {page && page.results.length === 0 && <p id="no-orders">Your organization has placed no orders.</p>}
      {page && page.results.length > 0 && (
        <table className="list" id="consumer-orders">
          <caption className="muted">Newest first; times in {timeZoneName()}</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Offering</th>
              <th scope="col">Placed</th>
              <th scope="col">For</th>
              <th scope="col">State</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {page.results.map((order) => (
              <tr key={order.uuid}>
                <td className="nowrap"><Link to={`/orders/${order.uuid}`}>{order.number}</Link></td>
                <td>{order.offering.name}</td>
                <td>{formatTime(order.created)}</td>
                <td>{order.customer_name || "—"}</td>
                <td>
                  {STATE_LABELS[order.state]}
                  {order.state === "rejected" && (
                    <div className="small">Reason: {order.rejection_reason || "none given"}</div>
                  )}
                </td>
                <td className="actions">
                  {cancelAllowed(me, order, order.offering.type) && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Cancel ${order.number}`}
                      onClick={() => setCanceling(order)}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(previous || next) && (
        <nav aria-label="Pages" className="pager">
          <button type="button" className="secondary" disabled={!previous} onClick={() => setCursor(previous)}>
            Previous page
          </button>{" "}
          <button type="button" className="secondary" disabled={!next} onClick={() => setCursor(next)}>
            Next page
          </button>
        </nav>
      )}
      {canceling && (
        <CancelDialog
          order={canceling}
          onClose={() => setCanceling(null)}
          onCancel={(reason) => cancel(canceling, reason)}
        />
      )}
    </section>
  );
}
