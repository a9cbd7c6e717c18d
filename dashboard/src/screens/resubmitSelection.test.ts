import { describe, expect, it } from "vitest";

import {
  NOTHING,
  countOf,
  isSelected,
  pageSelected,
  selectAll,
  selectionProblem,
  selectionRequest,
  toggle,
  togglePage,
} from "./resubmitSelection";

const PAGE = ["a", "b", "c"];
const QUERY = {
  state: ["erred" as const],
  search: "jane",
  failure_kind: ["transient" as const],
  integration: undefined,
  offering: "",
};

describe("Resubmit's selection", () => {
  it("sends the checked rows as uuids, in the order they were checked", () => {
    const selection = toggle(toggle(toggle(NOTHING, "b"), "a"), "c");

    expect(selectionRequest(toggle(selection, "c"), QUERY)).toEqual({ uuids: ["b", "a"] });
    expect(countOf(selection, 50)).toBe(3);
  });

  it("selects a page, and its checkbox again takes only that page's rows out", () => {
    const before = toggle(NOTHING, "elsewhere");

    const page = togglePage(before, PAGE);

    expect(pageSelected(page, PAGE)).toBe(true);
    expect(selectionRequest(page, QUERY)).toEqual({ uuids: ["elsewhere", "a", "b", "c"] });
    expect(togglePage(page, PAGE).uuids).toEqual(["elsewhere"]);
    expect(pageSelected(toggle(page, "b"), PAGE)).toBe(false);
  });

  it("sends all that match as the list's filters, without the empty ones, and counts the total", () => {
    const all = selectAll();

    expect(selectionRequest(all, QUERY)).toEqual({
      filters: { state: ["erred"], search: "jane", failure_kind: ["transient"] },
    });
    expect(countOf(all, 1234)).toBe(1234);
    expect(isSelected(all, "anything")).toBe(true);
    expect(pageSelected(all, PAGE)).toBe(true);
  });

  it("unchecking a row or the page of all that match clears the selection", () => {
    expect(toggle(selectAll(), "a")).toEqual(NOTHING);
    expect(togglePage(selectAll(), PAGE)).toEqual(NOTHING);
  });

  it("refuses more than 1000 rows by uuid, and names the way out", () => {
    const many = { all: false, uuids: Array.from({ length: 1001 }, (_, n) => String(n)) };

    expect(selectionProblem(many)).toContain("Select all that match");
    expect(selectionProblem({ all: false, uuids: ["a"] })).toBeNull();
    expect(selectionProblem(selectAll())).toBeNull();
  });
});
