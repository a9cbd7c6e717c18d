import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { FailedOrders, filtersFrom, queryOf } from "./FailedOrders";

const ORDER = {
  uuid: "0d7c1b1e-0000-4000-8000-000000000001",
  number: "RD-ABC123",
  state: "erred",
  type: "create",
  offering: { uuid: "0d7c1b1e-0000-4000-8000-0000000000aa", name: "Cloud VM" },
  consumer_organization: { uuid: "0d7c1b1e-0000-4000-8000-0000000000bb", name: "Globex" },
  integration: "Acme VMs",
  failed_integrations: ["Acme ERP", "Acme VMs"],
  customer_name: "Jane Roe",
  customer_email: "jane@example.test",
  created: "2030-03-04T20:00:00Z",
  modified: "2030-03-04T23:30:00Z",
  erred_at: "2030-03-04T23:30:00Z",
  failure_kind: "action_required",
  next_retry_at: null,
  error_message: "HTTP 422: postal code missing",
  needs_fix_first: true,
};
const FACETS = {
  total: 1,
  by_failure_kind: [
    { failure_kind: "transient", label: "Transient (retried automatically)", count: 0 },
    { failure_kind: "action_required", label: "Action required", count: 1 },
    { failure_kind: "exhausted", label: "Retry exhausted", count: 0 },
  ],
  by_integration: [{ id: 4, name: "Acme VMs", count: 1 }],
};

function fakeApi() {
  const urls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      urls.push(url);
      const path = url.split("?")[0];
      const search = new URL(url, "http://x").searchParams.get("search") ?? "";
      if (search && search.length < 3) {
        return Response.json(
          { code: "invalid", message: "The request has invalid fields; see details.", details: { search: ["Give at least 3 characters."] } },
          { status: 400 },
        );
      }
      if (path === "/api/orders/facets/") return Response.json(FACETS);
      if (path === "/api/orders/") return Response.json({ next: null, previous: null, results: [ORDER] });
      if (path === "/api/integrations/") return Response.json({ results: [{ id: 4, name: "Acme VMs" }] });
      return Response.json({ results: [{ uuid: ORDER.offering.uuid, name: "Cloud VM" }] });
    }),
  );
  return urls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("Failed orders", () => {
  it("asks for erred orders only, with the times as UTC and empty filters left out", () => {
    const filters = filtersFrom("?search=%20jane%20&failure_kind=exhausted&failed_after=2030-03-04T22:00");

    const query = queryOf(filters);

    expect(query.state).toEqual(["erred"]);
    expect(query.search).toBe("jane");
    expect(query.failure_kind).toEqual(["exhausted"]);
    expect(query.failed_after).toBe(new Date("2030-03-04T22:00").toISOString());
    expect(query.integration).toBeUndefined();
    expect(query.failed_before).toBeUndefined();
  });

  it("lists the orders with their counts, and a count filters by its kind", async () => {
    window.history.replaceState(null, "", "/dashboard/failed-orders");
    const urls = fakeApi();
    render(<FailedOrders />);

    expect(await screen.findByText("RD-ABC123")).toBeTruthy();
    expect(screen.getByText("needs a fix first")).toBeTruthy();
    // an order that failed at two integrations: one row, naming both
    expect(screen.getAllByText("RD-ABC123")).toHaveLength(1);
    expect(screen.getByText("Acme ERP, Acme VMs")).toBeTruthy();
    expect(document.querySelector("#failure-counts")?.textContent).toContain("1 failed order match.");
    expect(urls.some((url) => url.startsWith("/api/orders/?state=erred&ordering=-erred_at"))).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Action required" }));

    await vi.waitFor(() => expect(window.location.search).toBe("?failure_kind=action_required"));
    expect(urls.at(-1)).toContain("failure_kind=action_required");
  });

  it("shows a refused filter beside its field and no rows that belong to other filters", async () => {
    fakeApi();
    render(<FailedOrders />);
    await screen.findByText("RD-ABC123");

    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "ab" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));

    expect((await screen.findByText("Give at least 3 characters.")).getAttribute("role")).toBe("alert");
    expect(screen.queryByText("RD-ABC123")).toBeNull();
  });

  it("filters by state, kept in the address, with the copy of orders that are not failed", async () => {
    window.history.replaceState(null, "", "/dashboard/failed-orders?bulk_operation=7&state=executing");
    const urls = fakeApi();
    render(<FailedOrders />);
    await screen.findByText("RD-ABC123");

    // then: the outcome link's state is the filter's, and the copy says orders, not failed ones
    const state = screen.getByLabelText("State") as HTMLSelectElement;
    expect(state.value).toBe("executing");
    expect([...state.options].map((option) => option.value)).toEqual(["erred", "executing", "done"]);
    expect(document.querySelector("#failure-counts")?.textContent).toContain("1 order match.");
    expect(urls.some((url) => url.includes("state=executing") && url.includes("ordering=-created"))).toBe(true);

    // when: done is chosen
    fireEvent.change(state, { target: { value: "done" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    await vi.waitFor(() => expect(window.location.search).toBe("?bulk_operation=7&state=done"));
    expect(urls.at(-1)).toContain("state=done");

    // and erred, the default, leaves the address (and the failure copy comes back)
    fireEvent.change(state, { target: { value: "erred" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    await vi.waitFor(() => expect(window.location.search).toBe("?bulk_operation=7"));
    expect(urls.at(-1)).toContain("state=erred");
    await vi.waitFor(() =>
      expect(document.querySelector("#failure-counts")?.textContent).toContain("1 failed order match."),
    );
  });
});
