// Failed orders, first version: the erred orders in the caller's scope, newest failure first,
// with counts by failure kind and integration (GET /api/orders/facets/), one search and the
// filters of GET /api/orders/ (failure kind, integration, offering, failure time in the
// browser's time zone, which the screen names). The filters live in the address, so a link
// or a reload keeps them. Rows, a page or all that match are selected for Resubmit
// (FailedOrdersResubmit); a resubmit's outcome opens this screen on `bulk_operation` and a state.
import { useEffect, useState, type FormEvent } from "react";

import {
  ApiError,
  orderEndpoints,
  type FacetQuery,
  type OrderQuery,
  type Schemas,
} from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { timeZoneName } from "../time";
import { Facets, KINDS, OrderTable, type Kind } from "./FailedOrderTable";
import { ResubmitDialog, SelectionBar } from "./FailedOrdersResubmit";
import {
  NOTHING,
  isSelected,
  pageSelected,
  selectAll,
  toggle,
  togglePage,
  type Selection,
} from "./resubmitSelection";

/** The screen's filters as the address holds them (times as the browser's local time). */
export type Filters = {
  search: string;
  failure_kind: string;
  integration: string;
  offering: string;
  failed_after: string;
  failed_before: string;
  /** A resubmit's orders (its outcome's link). */
  bulk_operation: string;
  /** Empty for erred (the default); executing or done for a resubmit's outcome. */
  state: string;
};

/** The State filter's choices: erred, and the states a resubmit's outcome links open. */
export const STATES = [
  { value: "erred", label: "Erred (failed)" },
  { value: "executing", label: "Executing (still in flight)" },
  { value: "done", label: "Done" },
] as const;
const NONE: Filters = {
  search: "",
  failure_kind: "",
  integration: "",
  offering: "",
  failed_after: "",
  failed_before: "",
  bulk_operation: "",
  state: "",
};

export function filtersFrom(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters = { ...NONE };
  for (const name of Object.keys(NONE) as (keyof Filters)[]) {
    filters[name] = params.get(name) ?? "";
  }
  return filters;
}

function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

/** The API's query for these filters: erred orders only, times sent as UTC. */
export function queryOf(filters: Filters): FacetQuery {
  return {
    state: [(filters.state || "erred") as "erred"],
    bulk_operation: Number(filters.bulk_operation) || undefined,
    search: filters.search.trim() || undefined,
    failure_kind: filters.failure_kind ? [filters.failure_kind as Kind] : undefined,
    integration: filters.integration || undefined,
    offering: filters.offering || undefined,
    failed_after: localToIso(filters.failed_after),
    failed_before: localToIso(filters.failed_before),
  };
}

/** The screen lists erred orders (the default), not a resubmit's executing or done ones. */
export function failedOnly(filters: Filters): boolean {
  return !filters.state || filters.state === "erred";
}

function addressOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const text = params.toString();
  return window.location.pathname + (text ? `?${text}` : "");
}

function Options({ choices }: { choices: readonly { value: string; label: string }[] }) {
  return choices.map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
}

type Listing = {
  page: Schemas["PaginatedOrderList"];
  facets: Schemas["OrderFacets"];
};

export function FailedOrders() {
  const [filters, setFilters] = useState<Filters>(() => filtersFrom(window.location.search));
  const [draft, setDraft] = useState<Filters>(filters);
  const [cursor, setCursor] = useState<string | undefined>();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [choices, setChoices] = useState<{
    integrations: Schemas["Integration"][];
    offerings: Schemas["Offering"][];
  }>({ integrations: [], offerings: [] });
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const [resubmitting, setResubmitting] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let current = true;
    const query = queryOf(filters);
    // orders in another state than erred have no failure time to order by
    const ordering = failedOnly(filters) ? "-erred_at" : "-created";
    const listQuery: OrderQuery = { ...query, ordering, cursor };
    Promise.all([orderEndpoints.orders(listQuery), orderEndpoints.facets(query)]).then(
      ([page, facets]) => {
        if (!current) return;
        setListing({ page, facets });
        setError(null);
      },
      (failure: ApiError) => {
        if (!current) return;
        setListing(null); // the rows of other filters would pass for these
        setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [filters, cursor, reloads]);

  // after the listing's requests: the filters' choices are not needed for the first rows
  useEffect(() => {
    Promise.all([orderEndpoints.integrations(), orderEndpoints.offerings()]).then(
      ([integrations, offerings]) =>
        setChoices({ integrations: integrations.results, offerings: offerings.results }),
      (failure: ApiError) => setError(failure),
    );
  }, []);

  useEffect(() => {
    // the dialog gives the focus back to Resubmit, which is disabled once the run cleared the
    // selection: the keyboard goes on from the selection's count instead
    if (!resubmitting && document.activeElement === document.body) {
      document.getElementById("selection-count")?.focus();
    }
  }, [resubmitting]);

  function apply(given: Filters) {
    // erred is the default: the address leaves it out, so either spelling is one address
    const next = given.state === "erred" ? { ...given, state: "" } : given;
    window.history.replaceState(null, "", addressOf(next));
    setDraft(next);
    setFilters(next);
    setCursor(undefined);
    setSelection(NOTHING); // "all that match" meant the old filters
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    apply(draft);
  }

  const field = (name: keyof Filters) => ({
    id: `filter-${name}`,
    value: draft[name],
    "aria-invalid": (error?.fieldErrors(name).length ?? 0) > 0,
    onChange: (event: { target: { value: string } }) =>
      setDraft({ ...draft, [name]: event.target.value }),
  });
  const problems = (name: keyof Filters) =>
    (error?.fieldErrors(name) ?? []).map((message) => (
      <div key={message} className="error" role="alert">
        {message}
      </div>
    ));
  const fieldProblem = error
    ? Object.keys(NONE).some((name) => error.fieldErrors(name).length > 0)
    : false;

  const failed = failedOnly(filters);
  const pageUuids = listing ? listing.page.results.map((order) => order.uuid) : [];

  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">Failed orders</h1>
      {filters.bulk_operation && (
        <p className="callout" id="bulk-operation-filter">
          Showing the orders of resubmit #{filters.bulk_operation} that are now{" "}
          {filters.state || "erred"}. Clear shows every failed order again.
        </p>
      )}
      <form className="card filters" onSubmit={submit} role="search" aria-label="Failed orders">
        <div className="fields">
          <div className="wide">
            <label htmlFor="filter-search">Search</label>
            <input type="search" {...field("search")} aria-describedby="search-help" />
            <div id="search-help" className="help">
              Part of an order number (with or without RD-), a customer's name or e-mail; at
              least 3 characters.
            </div>
            {problems("search")}
          </div>
          <div>
            <label htmlFor="filter-state">State</label>
            <select {...field("state")} value={draft.state || "erred"}>
              <Options choices={STATES} />
            </select>
            {problems("state")}
          </div>
          <div>
            <label htmlFor="filter-failure_kind">Failure kind</label>
            <select {...field("failure_kind")}>
              <option value="">Any</option>
              <Options choices={KINDS} />
            </select>
            {problems("failure_kind")}
          </div>
          <div>
            <label htmlFor="filter-integration">Integration</label>
            <select {...field("integration")}>
              <option value="">Any</option>
              {choices.integrations.map((integration) => (
                <option key={integration.id} value={String(integration.id)}>
                  {integration.name}
                </option>
              ))}
            </select>
            {problems("integration")}
          </div>
          <div>
            <label htmlFor="filter-offering">Offering</label>
            <select {...field("offering")}>
              <option value="">Any</option>
              {choices.offerings.map((offering) => (
                <option key={offering.uuid} value={offering.uuid}>
                  {offering.name}
                </option>
              ))}
            </select>
            {problems("offering")}
          </div>
          <div>
            <label htmlFor="filter-failed_after">Failed at or after</label>
            <input type="datetime-local" {...field("failed_after")} aria-describedby="zone" />
            {problems("failed_after")}
          </div>
          <div>
            <label htmlFor="filter-failed_before">Failed before</label>
            <input type="datetime-local" {...field("failed_before")} aria-describedby="zone" />
            {problems("failed_before")}
          </div>
        </div>
        <p id="zone" className="help">
          Times are in {timeZoneName()}.
        </p>
        <button type="submit">Apply</button>{" "}
        <button type="button" className="secondary" onClick={() => apply(NONE)}>
          Clear
        </button>
      </form>
      {error && !fieldProblem && <ErrorNote error={error} />}
      {listing && <Facets facets={listing.facets} failed={failed} onPick={(more) => apply({ ...filters, ...more })} />}
      {listing && (
        <SelectionBar
          selection={selection}
          total={listing.facets.total}
          onSelectAll={() => setSelection(selectAll())}
          onClear={() => setSelection(NOTHING)}
          onResubmit={() => setResubmitting(true)}
        />
      )}
      {listing && (
        <OrderTable
          page={listing.page}
          onPage={setCursor}
          failed={failed}
          newestFirst={failed ? undefined : "Newest order first"}
          select={{
            isSelected: (uuid) => isSelected(selection, uuid),
            pageSelected: pageSelected(selection, pageUuids),
            onToggle: (uuid) => setSelection(toggle(selection, uuid)),
            onTogglePage: () => setSelection(togglePage(selection, pageUuids)),
          }}
        />
      )}
      {resubmitting && (
        <ResubmitDialog
          selection={selection}
          total={listing?.facets.total ?? 0}
          query={queryOf(filters)}
          onClose={() => setResubmitting(false)}
          onDone={() => {
            setSelection(NOTHING);
            setReloads((n) => n + 1);
          }}
          onShow={(address) => {
            setResubmitting(false);
            apply({ ...NONE, ...address });
          }}
        />
      )}
      {!listing && !error && <p aria-busy="true">Loading…</p>}
    </section>
  );
}
