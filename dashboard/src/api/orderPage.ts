// The order page's and the consumers' screen's calls: one order, its deliveries, attempts and
// history, its offering (provider, type, required attributes) and the order actions. Every one
// answers the order (or delivery) as it is now, or throws the API's one error shape.
import { api, type Query, type Schemas } from "./client";

const order = (uuid: string) => `/api/orders/${uuid}`;

export type OrderAction = "approve" | "reject" | "retry" | "set_done" | "cancel";

export const orderPageEndpoints = {
  order: (uuid: string) => api<Schemas["OrderDetail"]>("GET", `${order(uuid)}/`),
  offering: (uuid: string) => api<Schemas["Offering"]>("GET", `/api/offerings/${uuid}/`),
  deliveries: (uuid: string) =>
    api<Schemas["PaginatedDeliveryList"]>("GET", `${order(uuid)}/deliveries/`),
  attempts: (uuid: string, cursor?: string) =>
    api<Schemas["PaginatedAttemptList"]>("GET", `${order(uuid)}/attempts/`, { query: { cursor } }),
  transitions: (uuid: string, cursor?: string) =>
    api<Schemas["PaginatedOrderTransitionList"]>("GET", `${order(uuid)}/transitions/`, {
      query: { cursor },
    }),
  retryDelivery: (uuid: string, id: number) =>
    api<Schemas["Delivery"]>("POST", `${order(uuid)}/deliveries/${id}/retry/`, { body: {} }),
  act: (uuid: string, action: OrderAction, body: Record<string, string> = {}) =>
    api<Schemas["OrderDetail"]>("POST", `${order(uuid)}/${action}/`, { body }),
  edit: (uuid: string, body: Schemas["PatchedOrderEdit"]) =>
    api<Schemas["OrderDetail"]>("PATCH", `${order(uuid)}/`, { body }),
  consumerOrders: (query: Query) =>
    api<Schemas["PaginatedOrderList"]>("GET", "/api/orders/", { query }),
};
