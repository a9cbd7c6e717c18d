// Which order actions the dashboard offers: those the order's state allows and the user's
// role and side allow, as the API's rules have them (orders/models/order.py, orders/roles.py).
// The API still decides; an action refused anyway (someone else changed the order) shows the
// API's message.
import type { Schemas } from "../api/client";

type Me = Pick<Schemas["Me"], "is_staff" | "roles" | "organizations_owned" | "offerings_managed">;
type OrderRef = Pick<Schemas["Order"], "state" | "offering" | "consumer_organization">;
type OfferingRef = Pick<Schemas["Offering"], "uuid" | "type" | "provider">;

export type ActionName = "approve" | "reject" | "retry" | "set_done" | "edit" | "cancel";

export const STATE_LABELS: Record<Schemas["OrderStateEnum"], string> = {
  pending_consumer: "Pending consumer approval",
  pending_provider: "Pending provider approval",
  executing: "Executing",
  done: "Done",
  erred: "Erred",
  canceled: "Canceled",
  rejected: "Rejected",
};

/** The provider side: staff, the offering's managers, the owners of its provider. */
export function isProviderSide(me: Me, order: OrderRef, offering: OfferingRef | null): boolean {
  if (me.is_staff) return true;
  if (me.offerings_managed.some((mine) => mine.uuid === order.offering.uuid)) return true;
  return (
    offering !== null &&
    me.organizations_owned.some((organization) => organization.uuid === offering.provider.uuid)
  );
}

/** The consumer side: staff, the owners of the organization that placed the order. */
export function isConsumerSide(me: Me, order: OrderRef): boolean {
  return (
    me.is_staff ||
    me.organizations_owned.some((mine) => mine.uuid === order.consumer_organization.uuid)
  );
}

/** Cancelling needs orders.cancel_order: staff and organization owners, not managers. */
export function mayCancelByRole(me: Me): boolean {
  return me.roles.includes("Staff") || me.roles.includes("Organization owners");
}

const EDITABLE_STATES = new Set(["pending_consumer", "pending_provider", "executing", "erred"]);

/** Cancel: pending orders, and executing ones of a manual (basic) offering (nothing sent). */
export function cancelAllowed(me: Me, order: OrderRef, offeringType?: string): boolean {
  const pending = order.state === "pending_consumer" || order.state === "pending_provider";
  const manualExecuting = order.state === "executing" && offeringType === "basic";
  return mayCancelByRole(me) && isConsumerSide(me, order) && (pending || manualExecuting);
}

export function actionsFor(me: Me, order: OrderRef, offering: OfferingRef | null): ActionName[] {
  if (me.roles.length === 0) return [];
  const provider = isProviderSide(me, order, offering);
  const consumer = isConsumerSide(me, order);
  const type = offering?.type ?? order.offering.type;
  const actions: ActionName[] = [];
  const reviews =
    (order.state === "pending_consumer" && consumer) ||
    (order.state === "pending_provider" && provider);
  if (reviews) actions.push("approve", "reject");
  if (order.state === "erred" && provider) actions.push("retry");
  if (order.state === "executing" && type === "basic" && provider) actions.push("set_done");
  if (EDITABLE_STATES.has(order.state) && provider) actions.push("edit");
  if (cancelAllowed(me, order, type)) actions.push("cancel");
  return actions;
}
