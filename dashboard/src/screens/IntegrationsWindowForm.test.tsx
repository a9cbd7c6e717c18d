import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../api/client";
import { toLocalInput, windowBody, windowChanges, windowProblems, WindowForm } from "./IntegrationsWindowForm";
import { phaseOf, windowsShown } from "./IntegrationsWindows";

const NOW = new Date(2026, 11, 3, 10, 0);

afterEach(cleanup);

describe("a maintenance window's checks", () => {
  it("accepts a start and a later end in the future", () => {
    expect(windowProblems({ starts: "2026-12-03T12:00", ends: "2026-12-03T14:00", note: "" }, NOW)).toEqual({});
  });

  it("names each field's problem", () => {
    expect(windowProblems({ starts: "", ends: "", note: "" }, NOW)).toEqual({
      starts_at: "Give the start.",
      ends_at: "Give the end.",
    });
    expect(windowProblems({ starts: "2026-12-03T14:00", ends: "2026-12-03T14:00", note: "" }, NOW)).toEqual({
      ends_at: "Must be later than the start.",
    });
    expect(windowProblems({ starts: "2026-12-03T08:00", ends: "2026-12-03T09:59", note: "" }, NOW)).toEqual({
      ends_at: "Must be in the future.",
    });
    expect(windowProblems({ starts: "soon", ends: "2026-12-03T12:00", note: "x".repeat(501) }, NOW)).toEqual({
      starts_at: "Not a date and time.",
      note: "At most 500 characters.",
    });
  });

  it("lets a running window (started in the past) be extended", () => {
    expect(windowProblems({ starts: "2026-12-03T09:00", ends: "2026-12-03T11:00", note: "" }, NOW)).toEqual({});
  });

  it("sends local times as UTC and shows UTC times locally", () => {
    const body = windowBody({ starts: "2026-12-03T12:00", ends: "2026-12-03T14:30", note: " db upgrade " });
    expect(body).toEqual({
      starts_at: new Date(2026, 11, 3, 12, 0).toISOString(),
      ends_at: new Date(2026, 11, 3, 14, 30).toISOString(),
      note: "db upgrade",
    });
    expect(toLocalInput(body.ends_at)).toBe("2026-12-03T14:30");
  });
});

describe("an edit of a window", () => {
  it("sends only what changed", () => {
    const initial = { starts: "2026-12-03T12:00", ends: "2026-12-03T14:00", note: "db" };
    expect(windowChanges(initial, { ...initial, ends: "2026-12-03T15:00" })).toEqual({
      ends_at: new Date(2026, 11, 3, 15, 0).toISOString(),
    });
    expect(windowChanges(initial, { ...initial, note: " db " })).toEqual({});
    expect(windowChanges(initial, { ...initial, note: "db and cache" })).toEqual({ note: "db and cache" });
  });
});

describe("WindowForm", () => {
  it("does not send a window that ends before it starts, and shows the API's refusal by its field", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, {
        code: "invalid",
        message: "This maintenance window is already over; ends_at must be in the future.",
        details: { ends_at: ["Must be in the future."] },
      });
    });
    render(<WindowForm submitLabel="Plan the window" onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText("Starts"), { target: { value: "2099-01-02T10:00" } });
    fireEvent.change(screen.getByLabelText("Ends"), { target: { value: "2099-01-02T09:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Plan the window" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Must be later than the start.");
    expect(onSubmit).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText("Ends"), { target: { value: "2099-01-02T11:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Plan the window" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledOnce());
    expect((await screen.findByRole("alert")).textContent).toBe("Must be in the future.");
    expect(screen.getByText(/Times are in/).textContent).toContain(
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    );
  });
});

describe("the windows shown", () => {
  const at = (hours: number) => new Date(NOW.getTime() + hours * 3600_000).toISOString();
  const window = (id: number, starts: number, ends: number, released = false) => ({
    id,
    starts_at: at(starts),
    ends_at: at(ends),
    note: "",
    created_by: null,
    created: at(-100),
    released_at: released ? at(ends) : null,
  });

  it("puts running and planned ones first by start, then the latest ended ones", () => {
    const ended = Array.from({ length: 12 }, (_, i) => window(100 + i, -50 + i, -49 + i, true));
    const planned = window(1, 5, 6);
    const running = window(2, -1, 1);
    const shown = windowsShown([...ended, planned, running], NOW);

    expect(shown.map((w) => w.id)).toEqual([2, 1, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102]);
    expect(shown.map((w) => phaseOf(w, NOW)).slice(0, 3)).toEqual(["running", "planned", "ended"]);
  });
});
