import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { AttemptsChart, axisTop, stack, ticks } from "./AttemptsChart";

const hour = (start: number, success: number, transient: number, action_required: number) => ({
  hour_start: new Date(Date.UTC(2026, 11, 3, start)).toISOString(),
  success,
  transient,
  action_required,
});

afterEach(cleanup);

describe("the attempts chart's scale", () => {
  it("rounds the top up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 10, 11, 26, 99, 120, 5001].map(axisTop)).toEqual([
      1, 1, 5, 10, 10, 20, 50, 100, 200, 10000,
    ]);
  });

  it("puts a gridline at the half when it is whole", () => {
    expect(ticks(20)).toEqual([0, 10, 20]);
    expect(ticks(5)).toEqual([0, 5]);
    expect(ticks(1)).toEqual([0, 1]);
  });

  it("stacks outcomes from the bottom in proportion, leaving out empty ones", () => {
    // 10 attempts on an axis of 20, in a plot 100 px high: half of it, success lowest
    expect(stack(hour(0, 6, 0, 4), 20, 100)).toEqual([
      { key: "success", y: 70, height: 30 },
      { key: "action_required", y: 50, height: 20 },
    ]);
    expect(stack(hour(0, 0, 0, 0), 1, 100)).toEqual([]);
  });
});

describe("AttemptsChart", () => {
  it("draws a bar segment per outcome and hour and sums each outcome", () => {
    const hours = [hour(0, 3, 1, 0), hour(1, 0, 0, 0), hour(2, 2, 0, 5)];
    const { container, getByRole } = render(<AttemptsChart hours={hours} />);

    expect(container.querySelectorAll("rect")).toHaveLength(4);
    expect(container.querySelectorAll('rect[data-outcome="action_required"]')).toHaveLength(1);
    expect(getByRole("img").getAttribute("aria-label")).toBe(
      "Attempts in the last 3 hours: 5 succeeded, 1 failed, retried automatically, 5 failed, action required.",
    );
    // the tallest bar (7) fills 7/10 of the plot
    const tallest = [...container.querySelectorAll("g[transform] rect")].filter(
      (rect) => rect.parentElement === container.querySelectorAll("g[transform]")[2],
    );
    const height = tallest.reduce((sum, rect) => sum + Number(rect.getAttribute("height")), 0);
    expect(height).toBeCloseTo(0.7 * (180 - 22 - 8));
  });
});
