// Planning, moving or extending a maintenance window: start and end entered in the browser's
// time zone (named beside the fields), checked here before they are sent as UTC, and the
// API's refusal shown beside its field (nothing is half-applied: the API checks again).
import { useState, type FormEvent } from "react";

import type { Window, WindowBody } from "../api/alertsAndIntegrations";
import type { ApiError } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { timeZoneName } from "../time";

export type WindowDraft = { starts: string; ends: string; note: string };
export type WindowProblems = Partial<Record<"starts_at" | "ends_at" | "note", string>>;

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time as a datetime-local input's value, in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const at = new Date(iso);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

function parseLocal(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** What is wrong with a draft, by the API's field names; empty when it may be sent. A running
 * window's start is not checked against now (it has started; only its end moves). */
export function windowProblems(draft: WindowDraft, now: Date): WindowProblems {
  const problems: WindowProblems = {};
  const starts = parseLocal(draft.starts);
  const ends = parseLocal(draft.ends);
  if (!draft.starts) problems.starts_at = "Give the start.";
  else if (!starts) problems.starts_at = "Not a date and time.";
  if (!draft.ends) problems.ends_at = "Give the end.";
  else if (!ends) problems.ends_at = "Not a date and time.";
  else if (starts && ends <= starts) problems.ends_at = "Must be later than the start.";
  else if (ends <= now) problems.ends_at = "Must be in the future.";
  if (draft.note.length > 500) problems.note = "At most 500 characters.";
  return problems;
}

/** The body to send: times as UTC ISO 8601. */
export function windowBody(draft: WindowDraft): WindowBody {
  return {
    starts_at: new Date(draft.starts).toISOString(),
    ends_at: new Date(draft.ends).toISOString(),
    note: draft.note.trim(),
  };
}

/** What an edit sends: only the fields changed from ``initial``, so that an untouched time
 * keeps its seconds (an input holds minutes) and a running window's start is not re-sent. */
export function windowChanges(initial: WindowDraft, draft: WindowDraft): Partial<WindowBody> {
  const body = windowBody(draft);
  const changes: Partial<WindowBody> = {};
  if (draft.starts !== initial.starts) changes.starts_at = body.starts_at;
  if (draft.ends !== initial.ends) changes.ends_at = body.ends_at;
  if (draft.note.trim() !== initial.note.trim()) changes.note = body.note;
  return changes;
}

type Props = {
  window?: Window;
  submitLabel: string;
  /** A new window's whole body, or an edit's changes only. */
  onSubmit: (body: WindowBody | Partial<WindowBody>) => Promise<void>;
  onCancel?: () => void;
};

export function WindowForm({ window: editing, submitLabel, onSubmit, onCancel }: Props) {
  const prefix = editing ? `window-${editing.id}` : "window-new";
  const [initial] = useState<WindowDraft>(() => ({
    starts: editing ? toLocalInput(editing.starts_at) : "",
    ends: editing ? toLocalInput(editing.ends_at) : "",
    note: editing?.note ?? "",
  }));
  const [draft, setDraft] = useState<WindowDraft>(initial);
  const [shown, setShown] = useState<WindowProblems>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = windowProblems(draft, new Date());
    setShown(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await onSubmit(editing ? windowChanges(initial, draft) : windowBody(draft));
    } catch (failure) {
      const refused = failure as ApiError;
      setError(refused);
      setShown({
        starts_at: refused.fieldErrors("starts_at")[0],
        ends_at: refused.fieldErrors("ends_at")[0],
        note: refused.fieldErrors("note")[0],
      });
    } finally {
      setBusy(false);
    }
  }

  const field = (name: keyof WindowDraft, key: keyof WindowProblems, label: string) => (
    <div>
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        id={`${prefix}-${name}`}
        type={name === "note" ? "text" : "datetime-local"}
        value={draft[name]}
        aria-invalid={Boolean(shown[key])}
        aria-describedby={name === "note" ? undefined : `${prefix}-zone`}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
      />
      {shown[key] && (
        <div className="error" role="alert">
          {shown[key]}
        </div>
      )}
    </div>
  );
  const fieldRefused = Boolean(shown.starts_at || shown.ends_at || shown.note);
  return (
    <form className="window-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="fields">
        {field("starts", "starts_at", "Starts")}
        {field("ends", "ends_at", "Ends")}
        {field("note", "note", "Note (optional)")}
      </div>
      <p id={`${prefix}-zone`} className="help">
        Times are in {timeZoneName()}. Nothing is sent to the integration from the start to the
        end; what waits goes out when the window ends.
      </p>
      {error && !fieldRefused && <ErrorNote error={error} />}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
      {onCancel && (
        <>
          {" "}
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </>
      )}
    </form>
  );
}
