// Integrations: the ones the caller's offerings use (GET /api/integrations/) with the breaker's
// state, held deliveries and the caller's failing orders at each (the orders facets); an
// integration's page at /integrations/{id}: health, the last day's attempts, limits,
// maintenance windows and resending the orders waiting on it.
import { useEffect, useState } from "react";

import { ApiError, orderEndpoints, type Schemas } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { Link } from "../router";
import { IntegrationPage } from "./IntegrationsDetail";

export const BREAKER_LABEL: Record<Schemas["BreakerStateEnum"], string> = {
  closed: "Closed (sending)",
  open: "Open (holding deliveries)",
  half_open: "Half open (probing)",
};

export function Integrations({ route, me }: { route: string; me: Schemas["Me"] }) {
  const id = /^\/integrations\/(\d+)$/.exec(route)?.[1];
  return id ? <IntegrationPage id={Number(id)} me={me} /> : <IntegrationList />;
}

type Listing = { integrations: Schemas["Integration"][]; failing: Map<number, number> };

function IntegrationList() {
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    Promise.all([orderEndpoints.integrations(), orderEndpoints.facets({ state: ["erred"] })]).then(
      ([page, facets]) =>
        setListing({
          integrations: page.results,
          failing: new Map(
            facets.by_integration.flatMap((row) => (row.id === null ? [] : [[row.id, row.count]])),
          ),
        }),
      (failure: ApiError) => setError(failure),
    );
  }, []);

  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">Integrations</h1>
      <p className="muted">The remote systems your offerings send orders to.</p>
      {error && <ErrorNote error={error} />}
      {!listing && !error && <p aria-busy="true">Loading…</p>}
      {listing && listing.integrations.length === 0 && (
        <p id="no-integrations">None of your offerings uses an integration.</p>
      )}
      {listing && listing.integrations.length > 0 && (
        <table className="list" id="integrations">
          <thead>
            <tr>
              <th scope="col">Integration</th>
              <th scope="col">Breaker</th>
              <th scope="col">Held deliveries</th>
              <th scope="col">Your failed orders</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {listing.integrations.map((integration) => {
              const failing = listing.failing.get(integration.id) ?? 0;
              return (
                <tr key={integration.id}>
                  <td>
                    <Link to={`/integrations/${integration.id}`}>{integration.name}</Link>
                    <div className="small muted">{integration.backend}</div>
                  </td>
                  <td className={integration.breaker_state === "closed" ? "" : "warning"}>
                    {BREAKER_LABEL[integration.breaker_state]}
                  </td>
                  <td>{integration.held_deliveries}</td>
                  <td>
                    {failing ? (
                      <Link to={`/failed-orders?integration=${integration.id}`}>{failing}</Link>
                    ) : (
                      0
                    )}
                  </td>
                  <td>{integration.enabled ? "yes" : "no (deliveries held)"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
