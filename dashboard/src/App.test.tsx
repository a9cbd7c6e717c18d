import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { App } from "./App";

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
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("App", () => {
  it("tells a user without a provider role they have no access, instead of broken screens", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(Response.json(ME)));
    render(<App />);

    expect(await screen.findByRole("heading", { name: "You have no access to the provider dashboard" })).toBeTruthy();
    expect(screen.queryByRole("navigation")).toBeNull();
  });

  it("shows the navigation and an honest 'coming' state for a screen not built yet", async () => {
    window.history.replaceState(null, "", "/dashboard/alerts");
    const owner = { ...ME, username: "owner", roles: ["Organization owners"], dashboard_access: true };
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(Response.json(owner)));
    render(<App />);

    expect(await screen.findByRole("heading", { name: "Alerts" })).toBeTruthy();
    expect(screen.getByText(/This screen is coming; it is not built yet/)).toBeTruthy();
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
});
