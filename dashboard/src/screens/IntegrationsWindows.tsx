// An integration's maintenance windows: listed for everyone who sees the integration; planned,
// moved or extended, ended now and deleted by who may (staff and the owners whose offerings use
// it: a manager gets a 403, so the buttons are not shown to them).
import { useCallback, useEffect, useState } from "react";

import { integrationEndpoints, type Window, type WindowBody } from "../api/alertsAndIntegrations";
import { cursorOf, type ApiError } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { formatTime, timeZoneName } from "../time";
import { WindowForm } from "./IntegrationsWindowForm";

export type WindowPhase = "planned" | "running" | "ended";

export function phaseOf(window: Window, now: Date): WindowPhase {
  if (window.released_at || new Date(window.ends_at) <= now) return "ended";
  return new Date(window.starts_at) <= now ? "running" : "planned";
}

/** Shown first the windows that have not ended, by start; then the ended ones, the latest
 * first, at most ``ENDED_SHOWN`` of them (the API lists every window, oldest first). */
export const ENDED_SHOWN = 10;
export function windowsShown(windows: Window[], now: Date): Window[] {
  const byStart = (a: Window, b: Window) => a.starts_at.localeCompare(b.starts_at);
  const ended = windows.filter((w) => phaseOf(w, now) === "ended");
  const open = windows.filter((w) => phaseOf(w, now) !== "ended");
  return [...open.sort(byStart), ...ended.sort(byStart).reverse().slice(0, ENDED_SHOWN)];
}

const PHASE_LABEL: Record<WindowPhase, string> = {
  planned: "Planned",
  running: "Running now",
  ended: "Ended",
};

type Props = { integration: number; canPlan: boolean; onChange: () => void };

export function MaintenanceWindows({ integration, canPlan, onChange }: Props) {
  const [windows, setWindows] = useState<Window[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<{ id: number; action: "end" | "delete" } | null>(null);
  const [notice, setNotice] = useState("");
  const [planned, setPlanned] = useState(0);

  const load = useCallback(async () => {
    try {
      const found: Window[] = [];
      let cursor: string | undefined;
      do {
        const page = await integrationEndpoints.windows(integration, cursor);
        found.push(...page.results);
        cursor = cursorOf(page.next);
      } while (cursor);
      setWindows(found);
    } catch (failure) {
      setError(failure as ApiError);
    }
  }, [integration]);

  useEffect(() => {
    void load();
  }, [load]);

  async function act(what: () => Promise<string>) {
    try {
      setNotice(await what());
      setError(null);
      setEditing(null);
      setConfirming(null);
      await load();
      onChange();
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  const now = new Date();
  return (
    <section className="card" aria-labelledby="windows-title">
      <h2 id="windows-title">Maintenance windows</h2>
      <div role="status" className="notice">
        {notice}
      </div>
      {error && <ErrorNote error={error} />}
      {windows === null ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : windows.length === 0 ? (
        <p id="no-windows">No maintenance windows.</p>
      ) : (
        <table className="list" id="windows">
          <caption className="muted">Times in {timeZoneName()}</caption>
          <thead>
            <tr>
              <th scope="col">Starts</th>
              <th scope="col">Ends</th>
              <th scope="col">State</th>
              <th scope="col">Note</th>
              <th scope="col">Planned by</th>
              {canPlan && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {windowsShown(windows, now).map((window) => {
              const phase = phaseOf(window, now);
              const name = `the window from ${formatTime(window.starts_at)}`;
              return (
                <tr key={window.id} data-window={window.id}>
                  <td>{formatTime(window.starts_at)}</td>
                  <td>{formatTime(window.ends_at)}</td>
                  <td>{PHASE_LABEL[phase]}</td>
                  <td>{window.note}</td>
                  <td>{window.created_by ?? "—"}</td>
                  {canPlan && (
                    <td className="actions">
                      {phase !== "ended" && editing !== window.id && (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Move or extend ${name}`}
                          onClick={() => setEditing(window.id)}
                        >
                          {phase === "planned" ? "Move or extend" : "Extend"}
                        </button>
                      )}{" "}
                      {confirming?.id === window.id ? (
                        <span role="group" aria-label={`Confirm: ${confirming.action} ${name}`}>
                          <button
                            type="button"
                            className="danger"
                            onClick={() =>
                              void act(async () => {
                                if (confirming.action === "end") {
                                  const ended = await integrationEndpoints.windowEnd(integration, window.id);
                                  return `Ended the window now; what it held is sent again (${ended.released}).`;
                                }
                                await integrationEndpoints.windowDelete(integration, window.id);
                                return "Deleted the planned window.";
                              })
                            }
                          >
                            {confirming.action === "end" ? "Yes, end it now" : "Yes, delete it"}
                          </button>{" "}
                          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                            Keep it
                          </button>
                        </span>
                      ) : phase === "running" ? (
                        <button type="button" className="secondary" onClick={() => setConfirming({ id: window.id, action: "end" })}>
                          End now
                        </button>
                      ) : phase === "planned" ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Delete ${name}`}
                          onClick={() => setConfirming({ id: window.id, action: "delete" })}
                        >
                          Delete
                        </button>
                      ) : null}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canPlan && editing !== null && windows?.find((w) => w.id === editing) && (
        <div className="subcard">
          <h3>Move or extend the window</h3>
          <WindowForm
            key={editing}
            window={windows.find((w) => w.id === editing)}
            submitLabel="Save the window"
            onCancel={() => setEditing(null)}
            onSubmit={async (body) => {
              await integrationEndpoints.windowUpdate(integration, editing, body);
              setEditing(null);
              setNotice("Saved the window.");
              await load();
              onChange();
            }}
          />
        </div>
      )}
      {canPlan ? (
        <div className="subcard">
          <h3>Plan a window</h3>
          <WindowForm
            key={planned}
            submitLabel="Plan the window"
            onSubmit={async (body) => {
              const made = await integrationEndpoints.windowCreate(integration, body as WindowBody);
              setNotice(`Planned a window from ${formatTime(made.starts_at)} to ${formatTime(made.ends_at)}.`);
              setPlanned((count) => count + 1);
              await load();
              onChange();
            }}
          />
        </div>
      ) : (
        <p className="muted" id="windows-who">
          Staff and the owners of the organizations whose offerings use this integration plan its
          windows.
        </p>
      )}
    </section>
  );
}
