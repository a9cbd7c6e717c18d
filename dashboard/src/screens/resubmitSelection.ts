// What the Failed orders screen has selected for Resubmit: rows by uuid (checkboxes, or a whole
// page), or every order that matches the filters. Rows go to the API as `uuids` (at most
// 1000), "all that match" as `filters`: the list's own query, so the server selects the same
// orders the screen counts, however many.
import type { FacetQuery } from "../api/client";
import type { ResubmitRequest } from "../api/resubmit";

export const UUID_LIMIT = 1000;

export type Selection = { all: boolean; uuids: string[] };
export const NOTHING: Selection = { all: false, uuids: [] };

export function isSelected(selection: Selection, uuid: string): boolean {
  return selection.all || selection.uuids.includes(uuid);
}

export function toggle(selection: Selection, uuid: string): Selection {
  if (selection.all) return NOTHING;
  const uuids = selection.uuids.includes(uuid)
    ? selection.uuids.filter((one) => one !== uuid)
    : [...selection.uuids, uuid];
  return { all: false, uuids };
}

/** Whether every row of the page is selected. */
export function pageSelected(selection: Selection, page: string[]): boolean {
  return page.length > 0 && page.every((uuid) => isSelected(selection, uuid));
}

/** The page's checkbox: selects the page's rows, or takes them out when all were in. */
export function togglePage(selection: Selection, page: string[]): Selection {
  if (selection.all) return NOTHING;
  if (pageSelected(selection, page)) {
    return { all: false, uuids: selection.uuids.filter((uuid) => !page.includes(uuid)) };
  }
  return { all: false, uuids: [...selection.uuids, ...page.filter((u) => !selection.uuids.includes(u))] };
}

export const selectAll = (): Selection => ({ all: true, uuids: [] });

export function countOf(selection: Selection, total: number): number {
  return selection.all ? total : selection.uuids.length;
}

/** The resubmit request's selection: `filters` (the list's query without empty values) for
 * "all that match", else the rows' `uuids`. */
export function selectionRequest(
  selection: Selection,
  query: FacetQuery,
): Pick<ResubmitRequest, "uuids" | "filters"> {
  if (!selection.all) return { uuids: [...selection.uuids] };
  const filters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    filters[name] = value;
  }
  return { filters };
}

/** Why the selection cannot be sent as it is, or null. */
export function selectionProblem(selection: Selection): string | null {
  if (!selection.all && selection.uuids.length > UUID_LIMIT) {
    return `At most ${UUID_LIMIT} orders can be named one by one; use “Select all that match” instead.`;
  }
  return null;
}
