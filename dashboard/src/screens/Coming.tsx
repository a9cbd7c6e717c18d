import type { Screen } from "./screens";

/** A screen not built yet: what it will show, and that nothing here is made up. */
export function Coming({ screen }: { screen: Screen }) {
  return (
    <section aria-labelledby="screen-title">
      <h1 id="screen-title">{screen.title}</h1>
      <p className="coming" role="status">
        This screen is coming; it is not built yet. What it is waiting for:
      </p>
      <ul className="coming-list">
        {(screen.coming ?? []).map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <p>
        Until then the same data is in the REST API: <a href="/api/docs/">the API's docs</a>.
      </p>
    </section>
  );
}
