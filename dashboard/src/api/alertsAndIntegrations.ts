// The Alerts and Integrations screens' calls: /api/alerts/ and /api/integrations/ with their
// health, maintenance windows and resend_waiting, typed from the schema.
import { api, type Schemas } from "./client";

type Operations = import("./schema").operations;
export type AlertQuery = NonNullable<Operations["alerts_list"]["parameters"]["query"]>;
export type Alert = Schemas["Alert"];
export type Problem = Schemas["Problem"];
export type ProblemQuery = NonNullable<Operations["problems_list"]["parameters"]["query"]>;
export type Health = Schemas["IntegrationHealth"];
export type Window = Schemas["MaintenanceWindow"];
export type WindowBody = { starts_at: string; ends_at: string; note: string };

const windows = (integration: number) => `/api/integrations/${integration}/maintenance_windows/`;

export const alertEndpoints = {
  alerts: (query: AlertQuery) => api<Schemas["PaginatedAlertList"]>("GET", "/api/alerts/", { query }),
  alert: (id: number) => api<Alert>("GET", `/api/alerts/${id}/`),
  problems: (query: ProblemQuery) =>
    api<Schemas["PaginatedProblemList"]>("GET", "/api/problems/", { query }),
  dismiss: (id: number, note: string) =>
    api<Alert>("POST", `/api/alerts/${id}/dismiss/`, { body: note ? { note } : {} }),
};

export const integrationEndpoints = {
  integration: (id: number) => api<Schemas["Integration"]>("GET", `/api/integrations/${id}/`),
  health: (id: number) => api<Health>("GET", `/api/integrations/${id}/health/`),
  windows: (id: number, cursor?: string) =>
    api<Schemas["PaginatedMaintenanceWindowList"]>("GET", windows(id), {
      query: { page_size: 100, cursor },
    }),
  windowCreate: (id: number, body: WindowBody) => api<Window>("POST", windows(id), { body }),
  windowUpdate: (id: number, window: number, body: Partial<WindowBody>) =>
    api<Window>("PATCH", `${windows(id)}${window}/`, { body }),
  windowEnd: (id: number, window: number) =>
    api<Schemas["WindowEnd"]>("POST", `${windows(id)}${window}/end/`),
  windowDelete: (id: number, window: number) => api<void>("DELETE", `${windows(id)}${window}/`),
  resendWaiting: (id: number) =>
    api<Schemas["ResendWaitingResult"]>("POST", `/api/integrations/${id}/resend_waiting/`),
};
