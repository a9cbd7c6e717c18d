import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { OrderPage, orderUuidOf, outcomeOf } from "./OrderPage";

const UUID = "0d7c1b1e-0000-4000-8000-000000000001";
const ORDER = {
  uuid: UUID,
  number: "RD-ABC123",
  state: "erred",
  type: "create",
  offering: { uuid: "off-vm", name: "Cloud VM", type: "remote" },
  consumer_organization: { uuid: "org-globex", name: "Globex Shop" },
  integration: "Acme VMs",
  failed_integrations: ["Acme VMs"],
  customer_name: "Jane Roe",
  customer_email: "",
  created: "2030-03-04T20:00:00Z",
  modified: "2030-03-04T23:30:00Z",
  erred_at: "2030-03-04T23:30:00Z",
  failure_kind: "action_required",
  next_retry_at: null,
  error_message: "HTTP 422: postal code missing",
  needs_fix_first: true,
  rejection_reason: "",
  error_traceback: "",
  attributes: { sku: "CLOUD-VM" },
  resource: null,
  completed_at: null,
};
const OFFERING = { uuid: "off-vm", name: "Cloud VM", type: "remote", provider: { uuid: "org-acme", name: "Acme" }, required_attributes: [] };
const MANAGER = {
  id: 2, username: "manager", email: "", is_staff: false, roles: ["Offering managers" as const], dashboard_access: true,
  organizations_owned: [], offerings_managed: [{ uuid: "off-vm", name: "Cloud VM", provider: "Acme" }],
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function fakeApi(retry: Response) {
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      if (url.endsWith("/retry/")) return retry.clone();
      if (url === `/api/orders/${UUID}/`) return Response.json(ORDER);
      if (url === "/api/offerings/off-vm/") return Response.json(OFFERING);
      return Response.json({ next: null, previous: null, results: [] });
    }),
  );
  return calls;
}

describe("the order page", () => {
  it("reads the order's uuid off its route", () => {
    expect(orderUuidOf(`/orders/${UUID}`)).toBe(UUID);
    expect(orderUuidOf("/orders/12")).toBeNull();
    expect(orderUuidOf("/failed-orders")).toBeNull();
  });

  it("says what an action left the order in", () => {
    expect(outcomeOf("retry", { ...ORDER, state: "executing" } as never)).toBe(
      "Retried: order RD-ABC123 is executing; it is queued for sending.",
    );
    expect(outcomeOf("reject", { ...ORDER, state: "rejected" } as never)).toBe("Rejected: order RD-ABC123 is rejected.");
  });

  it("offers a manager retry and edit on an erred order, and the retry warns and shows a refusal", async () => {
    const refusal = Response.json(
      { code: "conflict", message: "Cannot retry order RD-ABC123: it is executing.", details: {} },
      { status: 409 },
    );
    const calls = fakeApi(refusal);
    render(<OrderPage uuid={UUID} me={MANAGER} />);

    fireEvent.click(await screen.findByRole("button", { name: "Actions ▾" }));
    expect(screen.getAllByRole("menuitem").map((item) => item.textContent)).toEqual(["Retry…", "Edit attributes…"]);
    fireEvent.click(screen.getByRole("menuitem", { name: "Retry…" }));
    expect(screen.getByText(/The last error needs a fix first\./)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Retry anyway" }));

    expect((await screen.findByRole("alert")).textContent).toContain("it is executing");
    expect(calls).toContain(`POST /api/orders/${UUID}/retry/`);
  });
});
