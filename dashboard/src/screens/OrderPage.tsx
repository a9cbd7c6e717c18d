// One order (/orders/{uuid}; alert e-mails link here): a header with its number, state,
// offering and customer; tabs for Details, Error details, Deliveries, Attempts and History;
// an Actions menu with what the order's state and the user's role allow. Every action says
// what happened: the state it left the order in, or the API's refusal.
import { useCallback, useEffect, useState, type KeyboardEvent } from "react";

import { ApiError, type Schemas } from "../api/client";
import { orderPageEndpoints as endpoints, type OrderAction } from "../api/orderPage";
import { ErrorNote } from "../components/ErrorNote";
import { MenuButton } from "../components/MenuButton";
import { Link } from "../router";
import type { Attributes } from "./OrderAttributes";
import { CancelDialog, ConfirmDialog, RejectDialog, RetryDialog } from "./OrderDialogs";
import { OrderEditDialog } from "./OrderEditDialog";
import { STATE_LABELS, actionsFor, type ActionName } from "./OrderRules";
import { AttemptsTab, DeliveriesTab, DetailsTab, ErrorTab, HistoryTab } from "./OrderTabs";

const ORDER_ROUTE = /^\/orders\/([0-9a-f-]{36})$/i;

export function orderUuidOf(route: string): string | null {
  return ORDER_ROUTE.exec(route)?.[1] ?? null;
}

type Loaded = {
  order: Schemas["OrderDetail"];
  offering: Schemas["Offering"] | null;
  deliveries: Schemas["Delivery"][];
  attempts: Schemas["Attempt"][];
  transitions: Schemas["OrderTransition"][];
};

const TABS = [
  { key: "details", title: "Details" },
  { key: "error", title: "Error details" },
  { key: "deliveries", title: "Deliveries" },
  { key: "attempts", title: "Attempts" },
  { key: "history", title: "History" },
] as const;
type Tab = (typeof TABS)[number]["key"];

const ACTION_LABELS: Record<ActionName, string> = {
  approve: "Approve",
  reject: "Reject…",
  retry: "Retry…",
  set_done: "Mark done…",
  edit: "Edit attributes…",
  cancel: "Cancel order…",
};

type Open = { kind: ActionName } | { kind: "delivery"; delivery: Schemas["Delivery"] } | null;

async function load(uuid: string): Promise<Loaded> {
  const [order, deliveries, attempts, transitions] = await Promise.all([
    endpoints.order(uuid),
    endpoints.deliveries(uuid),
    endpoints.attempts(uuid),
    endpoints.transitions(uuid),
  ]);
  const offering = await endpoints.offering(order.offering.uuid).catch(() => null);
  return {
    order,
    offering,
    deliveries: deliveries.results,
    attempts: attempts.results,
    transitions: transitions.results,
  };
}

/** What an action left the order in, in a sentence. */
export function outcomeOf(action: ActionName | "delivery", order: Schemas["Order"]): string {
  const state = STATE_LABELS[order.state].toLowerCase();
  const byHand = order.offering.type === "basic";
  const next = byHand ? "; it is done by hand: mark it done once delivered" : "; it is queued for sending";
  const sent = order.state === "executing" ? next : "";
  const done: Record<ActionName | "delivery", string> = {
    approve: "Approved",
    reject: "Rejected",
    retry: "Retried",
    delivery: "Retried the delivery",
    set_done: "Marked done",
    edit: "Saved the attributes",
    cancel: "Canceled",
  };
  return `${done[action]}: order ${order.number} is ${state}${sent}.`;
}

export function OrderPage({ uuid, me }: { uuid: string; me: Schemas["Me"] }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tab, setTab] = useState<Tab>("details");
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState("");
  const [refusal, setRefusal] = useState<ApiError | null>(null);

  const reload = useCallback(async () => {
    try {
      setLoaded(await load(uuid));
      setError(null);
    } catch (failure) {
      setError(failure as ApiError);
    }
  }, [uuid]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (loaded) document.title = `Order ${loaded.order.number} · Redrive`;
  }, [loaded]);

  if (error && !loaded) {
    return (
      <section aria-labelledby="screen-title">
        <h1 id="screen-title">{error.status === 404 ? "No such order" : "The order could not be shown"}</h1>
        {error.status === 404 ? (
          <p id="not-found">
            There is no order {uuid} among yours: it belongs to an organization or offering you
            have no role in, or the address is wrong. <Link to="/failed-orders">Go to Failed orders</Link>.
          </p>
        ) : (
          <ErrorNote error={error} />
        )}
      </section>
    );
  }
  if (!loaded) return <p aria-busy="true">Loading…</p>;
  const { order, offering } = loaded;
  const actions = actionsFor(me, order, offering);

  async function finish(action: ActionName | "delivery", run: () => Promise<Schemas["Order"]>) {
    let after: Schemas["Order"];
    try {
      after = await run();
    } catch (failure) {
      void reload(); // the page shows the order as it is now, behind the dialog's refusal
      throw failure; // the dialog shows it and stays open
    }
    setOpen(null);
    setRefusal(null);
    await reload(); // the notice comes with the page as the action left it
    setNotice(outcomeOf(action, after));
  }

  async function act(action: OrderAction, body: Record<string, string> = {}) {
    await finish(action, () => endpoints.act(uuid, action, body));
  }

  async function approve() {
    try {
      await act("approve");
    } catch (failure) {
      setNotice("");
      setRefusal(failure as ApiError);
    }
  }

  function onTabKey(event: KeyboardEvent, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length].key;
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  }

  const counts: Partial<Record<Tab, number>> = {
    deliveries: loaded.deliveries.length,
    attempts: loaded.attempts.length,
    history: loaded.transitions.length,
  };

  return (
    <section aria-labelledby="screen-title" className="order-page">
      <p className="muted small">
        <Link to="/failed-orders">Failed orders</Link> › Order
      </p>
      <div className="order-header">
        <div>
          <h1 id="screen-title">Order {order.number}</h1>
          <p className="order-facts">
            <span className={`state state-${order.state}`} id="order-state">{STATE_LABELS[order.state]}</span>{" "}
            <span>{order.offering.name}</span> ·{" "}
            <span>{order.customer_name || "no customer name"}</span>{" "}
            <span className="muted">({order.consumer_organization.name})</span>
          </p>
        </div>
        <MenuButton
          label="Actions ▾"
          className="primary"
          items={actions.map((kind) => ({
            key: kind,
            label: ACTION_LABELS[kind],
            onSelect: () => (kind === "approve" ? void approve() : setOpen({ kind })),
          }))}
        />
      </div>
      {actions.length === 0 && (
        <p className="muted" id="no-actions">
          No action applies to this order ({STATE_LABELS[order.state].toLowerCase()}) for your
          role.
        </p>
      )}
      <div role="status" className="notice" id="order-notice">{notice}</div>
      {refusal && <ErrorNote error={refusal} />}
      {error && <ErrorNote error={error} />}
      <div role="tablist" aria-label="Order" className="tabs">
        {TABS.map((item, index) => (
          <button
            key={item.key}
            type="button"
            role="tab"
            id={`tab-${item.key}`}
            aria-selected={tab === item.key}
            aria-controls={tab === item.key ? `panel-${item.key}` : undefined}
            tabIndex={tab === item.key ? 0 : -1}
            onClick={() => setTab(item.key)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {item.title}
            {counts[item.key] !== undefined ? ` (${counts[item.key]})` : ""}
            {item.key === "error" && order.error_message && (
              <>
                <span aria-hidden="true" className="error-dot"> ●</span>
                <span className="visually-hidden"> (has an error)</span>
              </>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="card" tabIndex={0}>
        {tab === "details" && <DetailsTab order={order} />}
        {tab === "error" && <ErrorTab order={order} />}
        {tab === "deliveries" && (
          <DeliveriesTab deliveries={loaded.deliveries} onRetry={(delivery) => setOpen({ kind: "delivery", delivery })} />
        )}
        {tab === "attempts" && <AttemptsTab attempts={loaded.attempts} />}
        {tab === "history" && <HistoryTab transitions={loaded.transitions} />}
      </div>
      {open?.kind === "retry" && (
        <RetryDialog order={order} onClose={() => setOpen(null)} onRetry={() => act("retry")} />
      )}
      {open?.kind === "delivery" && (
        <RetryDialog
          order={order}
          delivery={open.delivery.integration.name}
          onClose={() => setOpen(null)}
          onRetry={() =>
            finish("delivery", async () => {
              await endpoints.retryDelivery(uuid, open.delivery.id);
              return endpoints.order(uuid);
            })
          }
        />
      )}
      {open?.kind === "reject" && (
        <RejectDialog order={order} onClose={() => setOpen(null)} onReject={(reason) => act("reject", { reason })} />
      )}
      {open?.kind === "set_done" && (
        <ConfirmDialog
          title={`Mark order ${order.number} done?`}
          confirm="Mark done"
          keep="Not yet"
          onClose={() => setOpen(null)}
          onConfirm={() => act("set_done")}
        >
          <p>{order.offering.name} is fulfilled by hand: mark it done once you have delivered it.</p>
        </ConfirmDialog>
      )}
      {open?.kind === "cancel" && (
        <CancelDialog order={order} onClose={() => setOpen(null)} onCancel={(reason) => act("cancel", { reason })} />
      )}
      {open?.kind === "edit" && (
        <OrderEditDialog
          order={order}
          required={offering?.required_attributes ?? []}
          onClose={() => setOpen(null)}
          onSave={(patch: Attributes) =>
            finish("edit", () => endpoints.edit(uuid, { attributes: patch }))
          }
        />
      )}
    </section>
  );
}
