import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { App } from "./App";
import type { Schemas } from "./api/client";
import { homeFor, isConsumerOnly, screensFor } from "./screens/screens";

const ME = {
  id: 1,
  username: "shop",
  email: "shop@example.com",
  is_staff: false,
  roles: [],
  dashboard_access: false,
  organizations_owned: [],
  offerings_managed: [],
};

afterEach(() => {
  cleanup();
  document.getElementById("redrive-me")?.remove();
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("App", () => {
  it("starts from who the page says is logged in, without asking /api/me/", async () => {
    const script = document.createElement("script");
    script.id = "redrive-me";
    script.type = "application/json";
    script.textContent = JSON.stringify(ME);
    document.head.append(script);
    const fetch = vi.fn().mockResolvedValue(Response.json({ detail: "unexpected" }, { status: 500 }));
    vi.stubGlobal("fetch", fetch);
    render(<App />);

    expect(screen.getByRole("heading", { name: "You have no access to the provider dashboard" })).toBeTruthy();
    expect(fetch).not.toHaveBeenCalledWith("/api/me/", expect.anything());
  });

  it("asks /api/me/ when the page carries a broken record", async () => {
    const script = document.createElement("script");
    script.id = "redrive-me";
    script.type = "application/json";
    script.textContent = "{not json";
    document.head.append(script);
    const fetch = vi.fn().mockResolvedValue(Response.json(ME));
    vi.stubGlobal("fetch", fetch);
    render(<App />);

    expect(await screen.findByRole("heading", { name: "You have no access to the provider dashboard" })).toBeTruthy();
    expect(fetch.mock.calls[0][0]).toBe("/api/me/");
  });

  it("tells a user without a provider role they have no access, instead of broken screens", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(Response.json(ME)));
    render(<App />);

    expect(await screen.findByRole("heading", { name: "You have no access to the provider dashboard" })).toBeTruthy();
    expect(screen.queryByRole("navigation")).toBeNull();
  });

  it("shows the navigation and opens an alert e-mail's link to the alert's own page", async () => {
    window.history.replaceState(null, "", "/dashboard/alerts/12");
    const owner = { ...ME, username: "owner", roles: ["Organization owners"], dashboard_access: true };
    const alert = {
      id: 12,
      kind_label: "Invalid address",
      status: "open",
      message: "postal_code: this field is required",
      order: { uuid: "0b7f6d1e-8a53-4a6e-9d6f-1f0a7a3c9e11", number: "RD-000042" },
      integration: { id: 3, name: "Acme VMs" },
      occurrences: 1,
      first_seen_at: "2026-12-03T08:00:00Z",
      last_seen_at: "2026-12-03T08:00:00Z",
      reopen_count: 0,
      resolved_reason: "",
      dismissed_note: "",
      product_code: "",
    };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => Response.json(url === "/api/me/" ? owner : alert)),
    );
    render(<App />);

    expect(await screen.findByRole("heading", { name: "Alert 12: Invalid address" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "RD-000042" }).getAttribute("href")).toBe(
      "/dashboard/orders/0b7f6d1e-8a53-4a6e-9d6f-1f0a7a3c9e11",
    );
    const nav = screen.getByRole("navigation", { name: "Dashboard" });
    expect([...nav.querySelectorAll("a")].map((a) => a.textContent)).toEqual([
      "Failed orders",
      "Alerts",
      "Integrations",
      "Consumers' orders",
      "My API tokens",
    ]);
    expect(nav.querySelector("[aria-current=page]")?.textContent).toBe("Alerts");
  });

  it("sends a visitor whose session ended to the login page, coming back here", async () => {
    window.history.replaceState(null, "", "/dashboard/tokens");
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, pathname: "/dashboard/tokens", search: "", assign });
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(
        Response.json({ code: "not_authenticated", message: "Authentication credentials were not provided.", details: {} }, { status: 401 }),
      ),
    );
    render(<App />);

    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith("/accounts/login/?next=%2Fdashboard%2Ftokens"));
  });

  it("shows a consumer only the consumer screens, and a provider screen's address says so", async () => {
    window.history.replaceState(null, "", "/dashboard/alerts");
    const shop = {
      ...ME,
      roles: ["Organization owners"],
      dashboard_access: true,
      organizations_owned: [{ uuid: "5d0c9a4e-1f2b-4c3d-8e9f-0a1b2c3d4e5f", name: "Globex Shop", is_provider: false }],
    };
    vi.stubGlobal("fetch", vi.fn(async () => Response.json(shop)));
    render(<App />);

    expect(await screen.findByRole("heading", { name: "This screen is for providers" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Dashboard" });
    expect([...nav.querySelectorAll("a")].map((a) => a.textContent)).toEqual(["Consumers' orders", "My API tokens"]);
  });
});

describe("isConsumerOnly", () => {
  const shopOrg = { uuid: "5d0c9a4e-1f2b-4c3d-8e9f-0a1b2c3d4e5f", name: "Globex Shop", is_provider: false };
  const acmeOrg = { uuid: "6e1d0b5f-2a3c-4d4e-9f0a-1b2c3d4e5f60", name: "Acme", is_provider: true };
  const vms = { uuid: "7f2e1c60-3b4d-4e5f-8a1b-2c3d4e5f6071", name: "Cloud VM", provider: "Acme" };
  const consumer: Schemas["Me"] = {
    ...ME,
    roles: ["Organization owners"],
    dashboard_access: true,
    organizations_owned: [shopOrg],
  };

  it("is a user whose organizations only place orders, who manages nothing and is not staff", () => {
    expect(isConsumerOnly(consumer)).toBe(true);
    expect(screensFor(consumer).map((s) => s.route)).toEqual(["/consumer-orders", "/tokens"]);
    expect(homeFor(consumer)).toBe("/consumer-orders");
  });

  it("keeps every screen for a provider, a manager, staff and a user who is both", () => {
    const provider = { ...consumer, organizations_owned: [acmeOrg] };
    const both = { ...consumer, organizations_owned: [acmeOrg, shopOrg] };
    const manager = { ...consumer, organizations_owned: [shopOrg], offerings_managed: [vms] };
    const staff = { ...consumer, is_staff: true };
    const noOrganization = { ...consumer, organizations_owned: [] };
    for (const me of [provider, both, manager, staff, noOrganization]) {
      expect(isConsumerOnly(me)).toBe(false);
      expect(screensFor(me)).toHaveLength(5);
      expect(homeFor(me)).toBe("/failed-orders");
    }
  });
});
