// Dismissing an alert, with a note for whoever looks next (POST /api/alerts/{id}/dismiss/): the
// API's refusal (a note too long, an alert closed meanwhile) is shown in the dialog.
import { useState, type FormEvent } from "react";

import { alertEndpoints, type Alert } from "../api/alertsAndIntegrations";
import type { ApiError } from "../api/client";
import { ErrorNote } from "../components/ErrorNote";
import { Dialog } from "../components/Dialog";

export const NOTE_LIMIT = 500;

type Props = { alert: Alert; onDone: (alert: Alert) => void; onClose: () => void };

export function DismissDialog({ alert, onDone, onClose }: Props) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(await alertEndpoints.dismiss(alert.id, note.trim()));
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const noteErrors = error ? [...error.fieldErrors("note"), ...error.fieldErrors("reason")] : [];
  const subject = alert.order ? `order ${alert.order.number}` : alert.integration.name;
  return (
    <Dialog title={`Dismiss the alert about ${subject}?`} onClose={onClose} describedBy="dismiss-help">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <p id="dismiss-help">
          “{alert.kind_label}”: {alert.message || "no message"}. It opens again if the failure
          happens again.
        </p>
        <label htmlFor="dismiss-note">Note (optional)</label>
        <textarea
          id="dismiss-note"
          rows={3}
          value={note}
          aria-describedby="dismiss-note-help"
          aria-invalid={noteErrors.length > 0}
          onChange={(event) => setNote(event.target.value)}
        />
        <div id="dismiss-note-help" className={note.length > NOTE_LIMIT ? "help error" : "help"}>
          Why, for whoever looks next: {note.length} of at most {NOTE_LIMIT} characters.
        </div>
        {noteErrors.map((message) => (
          <div key={message} className="error" role="alert">
            {message}
          </div>
        ))}
        {error && !noteErrors.length && <ErrorNote error={error} />}
        <div className="dialog-actions">
          <button type="submit" disabled={busy}>
            Dismiss the alert
          </button>{" "}
          <button type="button" className="secondary" onClick={onClose}>
            Keep it open
          </button>
        </div>
      </form>
    </Dialog>
  );
}
