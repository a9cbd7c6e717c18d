// The dashboard's one way to the API: same origin, the session cookie, and Django's CSRF
// token (the csrftoken cookie) in X-CSRFToken on every write. Every API error has one shape,
// {"code", "message", "details"}; anything else (a proxy's HTML page, a dropped connection)
// becomes an ApiError too, with a code that says so, so a screen has one thing to show.
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type ErrorBody = Schemas["Error"];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }

  /** Field errors from a 400 ({field: [messages]}), for a form to show beside its fields. */
  fieldErrors(field: string): string[] {
    const errors = this.details[field];
    return Array.isArray(errors) ? errors.map(String) : [];
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function csrfToken(cookies: string = document.cookie): string {
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(value.join("="));
  }
  return "";
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== "object" || body === null) return false;
  const { code, message, details } = body as Record<string, unknown>;
  return (
    typeof code === "string" &&
    typeof message === "string" &&
    typeof details === "object" &&
    details !== null
  );
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  options: { body?: unknown; query?: Query } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) headers["X-CSRFToken"] = csrfToken();
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(0, {
      code: "network_error",
      message: `The server could not be reached (${String(error)}). Check the connection and try again.`,
      details: {},
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  if (isErrorBody(body)) throw new ApiError(response.status, body);
  throw new ApiError(response.status, {
    code: "unexpected_response",
    message: `The server answered ${response.status} ${response.statusText} without the API's error shape.`,
    details: {},
  });
}

export type Page<T> = { next?: string | null; previous?: string | null; results: T[] };

/** The cursor of a page link ("next"/"previous" are absolute URLs with ?cursor=...). */
export function cursorOf(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  return new URL(link, "http://x").searchParams.get("cursor") ?? undefined;
}

export const endpoints = {
  me: () => api<Schemas["Me"]>("GET", "/api/me/"),
  tokens: (cursor?: string) =>
    api<Schemas["PaginatedApiTokenList"]>("GET", "/api/tokens/", { query: { cursor } }),
  tokenCreate: (body: Schemas["ApiTokenCreate"]) =>
    api<Schemas["IssuedApiToken"]>("POST", "/api/tokens/", { body }),
  tokenRevoke: (id: number) => api<void>("DELETE", `/api/tokens/${id}/`),
};

type Operations = import("./schema").operations;
export type OrderQuery = NonNullable<Operations["orders_list"]["parameters"]["query"]>;
export type FacetQuery = NonNullable<Operations["orders_facets_retrieve"]["parameters"]["query"]>;

export const orderEndpoints = {
  orders: (query: OrderQuery) =>
    api<Schemas["PaginatedOrderList"]>("GET", "/api/orders/", { query }),
  facets: (query: FacetQuery) =>
    api<Schemas["OrderFacets"]>("GET", "/api/orders/facets/", { query }),
  integrations: () =>
    api<Schemas["PaginatedIntegrationList"]>("GET", "/api/integrations/", {
      query: { page_size: 200 },
    }),
  offerings: () =>
    api<Schemas["PaginatedOfferingList"]>("GET", "/api/offerings/", { query: { page_size: 200 } }),
};
