import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { alertAddress, alertFiltersFrom, alertQuery, Alerts } from "./Alerts";

const ALERT = {
  id: 12,
  kind: "address_invalid",
  kind_label: "Invalid address",
  severity: "warning",
  needs_action: true,
  status: "open",
  message: "postal_code: this field is required",
  integration: { id: 3, name: "Acme VMs", url: "/api/integrations/3/" },
  order: { uuid: "0b7f6d1e-8a53-4a6e-9d6f-1f0a7a3c9e11", number: "RD-000042", url: "/api/orders/x/" },
  product_code: "",
  occurrences: 2,
  first_seen_at: "2026-12-03T08:00:00Z",
  last_seen_at: "2026-12-03T09:00:00Z",
  opened_at: "2026-12-03T08:00:00Z",
  reopen_count: 0,
  resolved_at: null,
  resolved_by: null,
  resolved_reason: "",
  dismissed_at: null,
  dismissed_by: null,
  dismissed_note: "",
};

const PROBLEM = {
  id: 5,
  kind: "address_invalid",
  kind_label: "Invalid address",
  code: "E-ADDR",
  severity: "error",
  needs_action: true,
  status: "open",
  message: "postal_code: this field is required",
  integration: { id: 3, name: "Acme VMs", url: "/api/integrations/3/" },
  incident: null,
  orders: 12,
  open_orders: 9,
  first_seen_at: "2026-12-03T08:00:00Z",
  last_seen_at: "2026-12-03T09:00:00Z",
  resolved_at: null,
  resolved_reason: "",
  alerts_url: "/api/alerts/?problem=5",
};

/** A fake of /api/alerts/ and /api/integrations/ that refuses a note over 500 characters. */
function alertsApi() {
  let alerts: Record<string, unknown>[] = [{ ...ALERT }];
  const calls: { method: string; url: string; body?: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      const method = init.method ?? "GET";
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      if (url.startsWith("/api/problems/"))
        return Response.json({ next: null, previous: null, results: [PROBLEM] });
      if (url.startsWith("/api/integrations/"))
        return Response.json({ next: null, previous: null, results: [{ id: 3, name: "Acme VMs" }] });
      if (method === "POST") {
        if ((body.note ?? "").length > 500)
          return Response.json(
            { code: "invalid", message: "The request has invalid fields; see details.", details: { note: ["Ensure this field has no more than 500 characters."] } },
            { status: 400 },
          );
        alerts = alerts.map((a) => ({ ...a, status: "dismissed", dismissed_by: "owner", dismissed_note: body.note ?? "" }));
        return Response.json(alerts[0]);
      }
      const open = new URL(url, "http://x").searchParams.getAll("status").includes("open");
      return Response.json({ next: null, previous: null, results: alerts.filter((a) => (a.status === "open") === open) });
    }),
  );
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("the alerts' filters", () => {
  it("are the open alerts when the address names no status, and survive the address", () => {
    expect(alertFiltersFrom("")).toEqual({ status: ["open"], kind: "", integration: "", problem: "" });
    const filters = alertFiltersFrom("?status=resolved&status=dismissed&status=bogus&kind=credentials&integration=3");
    expect(filters).toEqual({ status: ["resolved", "dismissed"], kind: "credentials", integration: "3", problem: "" });
    expect(alertFiltersFrom(alertAddress(filters))).toEqual(filters);
    expect(alertQuery(filters)).toEqual({
      status: ["resolved", "dismissed"],
      kind: ["credentials"],
      integration: "3",
      problem: undefined,
      cursor: undefined,
    });
  });

  it("are the orders of one problem, of every status, where a problem e-mail links", () => {
    const filters = alertFiltersFrom("?problem=7");
    expect(filters).toEqual({ status: ["open", "resolved", "dismissed"], kind: "", integration: "", problem: "7" });
    expect(alertFiltersFrom(alertAddress(filters))).toEqual(filters);
    expect(alertQuery(filters).problem).toBe(7);
    expect(alertFiltersFrom("?problem=7x").problem).toBe("");
  });
});

describe("Alerts", () => {
  it("shows the open problems first, counted, each linking to its orders", async () => {
    alertsApi();
    render(<Alerts route="/alerts" />);
    const row = (await screen.findByText("E-ADDR")).closest("tr") as HTMLElement;
    expect(within(row).getByRole("link", { name: "Invalid address" }).getAttribute("href")).toBe(
      "/dashboard/alerts?problem=5",
    );
    expect(row.textContent).toContain("9 open");
    expect(row.textContent).toContain("of 12");
  });

  it("links each alert to its order and integration, and dismisses one with a note after a refusal", async () => {
    const calls = alertsApi();
    render(<Alerts route="/alerts" />);
    const row = (await screen.findByText("RD-000042")).closest("tr") as HTMLElement;
    expect(within(row).getByRole("link", { name: "RD-000042" }).getAttribute("href")).toBe(
      `/dashboard/orders/${ALERT.order.uuid}`,
    );
    expect(within(row).getByRole("link", { name: "Acme VMs" }).getAttribute("href")).toBe("/dashboard/integrations/3");

    fireEvent.click(within(row).getByRole("button", { name: "Dismiss alert 12" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Note (optional)"), { target: { value: "x".repeat(501) } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Dismiss the alert" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Ensure this field has no more than 500 characters.");

    fireEvent.change(within(dialog).getByLabelText("Note (optional)"), { target: { value: " customer moved " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Dismiss the alert" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("status").textContent).toBe("Dismissed alert 12 with the note “customer moved”.");
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.url, c.body])).toEqual([
      ["/api/alerts/12/dismiss/", { note: "x".repeat(501) }],
      ["/api/alerts/12/dismiss/", { note: "customer moved" }],
    ]);
    expect(await screen.findByText("No alerts match these filters.")).toBeTruthy();
  });
});
