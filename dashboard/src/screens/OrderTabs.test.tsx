import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Schemas } from "../api/client";
import { DeliveriesTab } from "./OrderTabs";

afterEach(cleanup);

function delivery(overrides: Partial<Schemas["Delivery"]>): Schemas["Delivery"] {
  return {
    id: 1,
    integration: { id: 4, name: "Warehouse" },
    state: "succeeded",
    required: true,
    waits_for: null,
    held_reason: "",
    attempt_count: 1,
    last_outcome: "success",
    last_error_code: "",
    last_message: "",
    next_attempt_at: null,
    created: "2030-03-04T20:00:00Z",
    modified: "2030-03-04T20:00:01Z",
    ...overrides,
  };
}

describe("the Deliveries tab", () => {
  it("shows each route: required or optional, what it waits for, and Retry only where it failed", () => {
    const onRetry = vi.fn();
    render(
      <DeliveriesTab
        deliveries={[
          delivery({}),
          delivery({ id: 2, integration: { id: 5, name: "ERP" }, state: "waiting", waits_for: { id: 4, name: "Warehouse" }, attempt_count: 0, last_outcome: null }),
          delivery({ id: 3, integration: { id: 6, name: "CRM" }, state: "failed", required: false, last_outcome: "action_required", last_message: "No such street" }),
        ]}
        onRetry={onRetry}
      />,
    );

    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[1].textContent)).toEqual([
      "required",
      "requiredafter Warehouse",
      "optional",
    ]);
    expect(within(rows[1]).getByText("waiting for Warehouse")).toBeTruthy();
    expect(screen.getAllByRole("button", { name: /Actions for the delivery/ })).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Actions for the delivery to CRM" })).toBeTruthy();
  });
});
