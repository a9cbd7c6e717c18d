import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ResubmitDialog } from "./FailedOrdersResubmit";
import { selectAll } from "./resubmitSelection";

function preview(leaveOut: boolean) {
  return {
    matched: leaveOut ? 3 : 5,
    would_resubmit: leaveOut ? 3 : 5,
    would_send_deliveries: leaveOut ? 4 : 7,
    skipped_count: 1,
    skipped_by_reason: { "not erred (executing)": 1 },
    skipped: [],
    dry_run: true,
    left_out_action_required: leaveOut ? 2 : 0,
    bulk_operation: null,
    preview_token: `token-${leaveOut}`,
    preview_expires_at: "2026-12-03T12:15:00Z",
    breakdown: {
      failure_kind: leaveOut
        ? [{ name: "transient", count: 3 }]
        : [{ name: "transient", count: 3 }, { name: "action_required", count: 2 }],
      integration: [{ name: "Acme VMs", count: leaveOut ? 3 : 5 }],
      backend: [{ name: "http", count: leaveOut ? 3 : 5 }],
    },
    action_required: { count: leaveOut ? 0 : 2, unchanged_since_failure: leaveOut ? 0 : 1 },
    sample: [{ uuid: "u1", number: "RD-AAA111", failure_kind: "transient", error_message: "timeout" }],
  };
}

const OPERATION = {
  id: 12,
  state: "done",
  total: 3,
  processed: 3,
  resubmitted: 3,
  progress_percent: 100,
  skipped: 0,
  skipped_by_reason: {},
  cancel_requested_at: null,
  error: "",
  outcomes: [
    { label: "done", state: "done", count: 0, orders: "/api/orders/?bulk_operation=12&state=done" },
    { label: "failed again", state: "erred", count: 0, orders: "/api/orders/?bulk_operation=12&state=erred" },
    { label: "still in flight", state: "executing", count: 3, orders: "/api/orders/?bulk_operation=12&state=executing" },
  ],
};

type Body = Record<string, unknown>;

/** A fake API: the bulk operation 12, and each resubmit's body kept and answered by `answer`. */
function recordingApi(answer: (body: Body) => Response) {
  const bodies: Body[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === "/api/bulk-operations/12/") return Response.json(OPERATION);
      const body = JSON.parse(String(init?.body));
      bodies.push(body);
      return answer(body);
    }),
  );
  return bodies;
}

function fakeApi() {
  return recordingApi((body) =>
    body.dry_run
      ? Response.json(preview(Boolean(body.leave_out_action_required)))
      : Response.json({ ...preview(true), dry_run: false, resubmitted: 3, would_resubmit: undefined, bulk_operation: 12 }),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const QUERY = { state: ["erred" as const], failure_kind: ["transient" as const, "action_required" as const] };

describe("Resubmit's preview", () => {
  it("warns of action-required orders, leaves them out on request (asked again), and sends the same", async () => {
    const bodies = fakeApi();
    const onShow = vi.fn();
    render(
      <ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={onShow} onDone={() => {}} />,
    );

    expect((await screen.findByText(/would be sent again/)).textContent).toContain("5 orders would be sent again");
    expect(document.querySelector("#preview-count")?.textContent).toContain(
      "5 orders would be sent again: 7 deliveries (only the failed ones; an order may go to several systems).",
    );
    expect(screen.getByRole("note").textContent).toContain("2 orders failed as action required");
    expect(screen.getByRole("note").textContent).toContain("1 of them have not been edited since they failed");
    expect(document.querySelector("#skipped")?.textContent).toContain("1 — not erred (executing)");
    expect(bodies[0]).toEqual({ filters: QUERY, leave_out_action_required: false, dry_run: true });

    fireEvent.click(screen.getByLabelText("Leave out the orders that failed as action required"));

    expect((await screen.findByText(/Left out:/)).textContent).toContain("2 orders that failed as action required");
    expect(document.querySelector("#preview-count")?.textContent).toContain("3 orders would be sent again");
    expect(document.querySelector("#preview-deliveries")?.textContent).toBe("4 deliveries");
    expect(bodies[1]).toEqual({ filters: QUERY, leave_out_action_required: true, dry_run: true });

    fireEvent.click(screen.getByRole("button", { name: "Confirm: resubmit 3 orders" }));

    expect((await screen.findByText(/Resubmitted 3 orders/)).textContent).toContain("queued for sending (resubmit #12)");
    // confirmed with the token of the preview shown (the one with them left out)
    expect(bodies[2]).toEqual({ preview_token: "token-true", dry_run: false, leave_out_action_required: false });
    const inFlight = screen.getByRole("link", { name: "still in flight: 3" });
    expect(inFlight.getAttribute("href")).toBe("/dashboard/failed-orders?bulk_operation=12&state=executing");
    fireEvent.click(inFlight);
    expect(onShow).toHaveBeenCalledWith({ bulk_operation: "12", state: "executing" });
  });

  it("shows the API's refusal and sends nothing for real", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        Response.json(
          { code: "invalid", message: "Invalid selection: search: Give at least 3 characters.", details: { search: ["Give at least 3 characters."] } },
          { status: 400 },
        ),
      ),
    );
    render(<ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={() => {}} onDone={() => {}} />);

    expect((await screen.findByRole("alert")).textContent).toContain("Invalid selection: search");
    expect((screen.getByRole("button", { name: "Confirm" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("polls a background run about once a second until it is done, then shows the outcome", async () => {
    const gets: number[] = [];
    const states = ["running", "done"];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === "/api/bulk-operations/12/") {
          gets.push(Date.now());
          const state = states.shift() ?? "done";
          return Response.json({ ...OPERATION, state, processed: state === "done" ? 3 : 1 });
        }
        const body = JSON.parse(String(init?.body));
        if (body.dry_run) return Response.json(preview(false));
        return Response.json({ ...OPERATION, state: "queued", processed: 0, resubmitted: 0, progress_percent: 0 }, { status: 202 });
      }),
    );
    render(<ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={() => {}} onDone={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Confirm: resubmit 5 orders" }));

    expect((await screen.findByText(/Resubmit #12 is queued/)).textContent).toContain("0 of 3 processed");
    expect(await screen.findByText(/Resubmit #12 is running/, {}, { timeout: 3000 })).toBeTruthy();
    expect(await screen.findByText(/Resubmitted 3 orders/, {}, { timeout: 3000 })).toBeTruthy();
    expect(gets).toHaveLength(2);
    expect(gets[1] - gets[0]).toBeGreaterThanOrEqual(900);
  });

  it("cancels a running resubmit and says what it left", async () => {
    const posts: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === "/api/bulk-operations/12/cancel/") {
          posts.push(url);
          return Response.json({ ...OPERATION, state: "cancelled", processed: 1, resubmitted: 1, cancel_requested_at: "2026-12-03T12:00:01Z" });
        }
        if (url === "/api/bulk-operations/12/") return Response.json({ ...OPERATION, state: "running", processed: 1 });
        const body = JSON.parse(String(init?.body));
        if (body.dry_run) return Response.json(preview(false));
        return Response.json({ ...OPERATION, state: "running", processed: 1, resubmitted: 1, progress_percent: 33 }, { status: 202 });
      }),
    );
    render(<ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={() => {}} onDone={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Confirm: resubmit 5 orders" }));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel the resubmit" }));

    expect((await screen.findByText(/was cancelled after 1 of 3/)).textContent).toContain("what it sent again (1 order) stays sent");
    expect(posts).toEqual(["/api/bulk-operations/12/cancel/"]);
    expect(screen.queryByRole("button", { name: "Cancel the resubmit" })).toBeNull();
  });
});

describe("Edit many, then resend", () => {
  const PATCH = { shipping_method: "GROUND" };
  const REFUSED = "the attributes patch would leave sku missing: not patched, not resubmitted";

  function patchedApi() {
    return recordingApi((body) => {
      if (body.dry_run && body.attributes_patch) {
        return Response.json({
          ...preview(false),
          would_resubmit: 4,
          skipped_count: 2,
          skipped_by_reason: { "not erred (executing)": 1, [REFUSED]: 1 },
          attributes_patch: body.attributes_patch,
          preview_token: "token-patched",
        });
      }
      if (body.dry_run) return Response.json(preview(false));
      return Response.json({ ...OPERATION, state: "queued", processed: 0, resubmitted: 0, progress_percent: 0 }, { status: 202 });
    });
  }

  it("checks the patch before asking, previews with it, and confirms with the patched preview's token", async () => {
    const bodies = patchedApi();
    render(<ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={() => {}} onDone={() => {}} />);
    await screen.findByRole("button", { name: "Confirm: resubmit 5 orders" });
    fireEvent.click(screen.getByRole("button", { name: /Edit their attributes first/ }));
    const box = screen.getByLabelText("Attributes patch (JSON Merge Patch)");

    // a typo, then a list: named, and no preview asked for
    fireEvent.change(box, { target: { value: "{shipping_method: GROUND}" } });
    fireEvent.click(screen.getByRole("button", { name: "Preview with this patch" }));
    expect(screen.getByRole("alert").textContent).toContain("The attributes patch is not valid JSON");
    expect(box.getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(box, { target: { value: '["GROUND"]' } });
    fireEvent.click(screen.getByRole("button", { name: "Preview with this patch" }));
    expect(screen.getByRole("alert").textContent).toContain("must be a JSON object");
    expect(bodies).toHaveLength(1);

    // a patch: the dry run is asked again with it, and the preview shows it and who it refuses
    fireEvent.change(box, { target: { value: JSON.stringify(PATCH) } });
    fireEvent.click(screen.getByRole("button", { name: "Preview with this patch" }));
    const confirm = await screen.findByRole("button", { name: "Confirm: patch and resubmit 4 orders" });
    expect(bodies[1]).toEqual({ filters: QUERY, leave_out_action_required: false, attributes_patch: PATCH, dry_run: true });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.querySelector("#preview-patch")?.textContent).toContain('shipping_method → "GROUND"');
    expect(document.querySelector("#skipped")?.textContent).toContain(`1 — ${REFUSED}`);

    // confirmed: the token alone, which carries the patch
    fireEvent.click(confirm);
    expect(await screen.findByText(/Resubmit #12 is queued/)).toBeTruthy();
    expect(bodies[2]).toEqual({ preview_token: "token-patched", dry_run: false, leave_out_action_required: false });
  });

  it("asks for the preview without the patch once it is removed", async () => {
    const bodies = patchedApi();
    render(<ResubmitDialog selection={selectAll()} total={6} query={QUERY} onClose={() => {}} onShow={() => {}} onDone={() => {}} />);
    await screen.findByRole("button", { name: "Confirm: resubmit 5 orders" });
    fireEvent.click(screen.getByRole("button", { name: /Edit their attributes first/ }));
    fireEvent.change(screen.getByLabelText("Attributes patch (JSON Merge Patch)"), {
      target: { value: JSON.stringify(PATCH) },
    });
    fireEvent.click(screen.getByRole("button", { name: "Preview with this patch" }));
    await screen.findByRole("button", { name: "Confirm: patch and resubmit 4 orders" });

    fireEvent.click(screen.getByRole("button", { name: "Remove the patch" }));

    await screen.findByRole("button", { name: "Confirm: resubmit 5 orders" });
    expect(bodies[2]).toEqual({ filters: QUERY, leave_out_action_required: false, dry_run: true });
    expect(document.querySelector("#preview-patch")).toBeNull();
  });
});
