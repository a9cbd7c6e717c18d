// The order actions' dialogs: Retry (what it does, and a warning when the last error needs a
// fix first), Reject (a reason, shown to the customer), and a plain confirmation (Mark done,
// Cancel with an optional reason). Each sends one request; a refusal shows the API's message
// and keeps the dialog open.
import { useState, type FormEvent, type ReactNode } from "react";

import { ApiError, type Schemas } from "../api/client";
import { Dialog } from "../components/Dialog";
import { ErrorNote } from "../components/ErrorNote";

type Order = Schemas["Order"];

function useSubmit(send: () => Promise<void>) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event?: FormEvent) {
    event?.preventDefault();
    setBusy(true);
    try {
      await send();
    } catch (failure) {
      setError(failure as ApiError);
      setBusy(false);
    }
  }
  return { error, busy, submit, setError };
}

export function RetryDialog({
  order,
  onRetry,
  onClose,
  delivery,
}: {
  order: Order;
  onRetry: () => Promise<void>;
  onClose: () => void;
  delivery?: string;
}) {
  const { error, busy, submit } = useSubmit(onRetry);
  const target = delivery ?? order.integration;
  return (
    <Dialog title={`Retry order ${order.number}?`} onClose={onClose}>
      <p id="retry-what">
        {delivery ? (
          <>
            The order is sent again to {delivery} only, as it is now, and a fresh automatic retry
            cycle starts; its deliveries to other systems are left as they are (one that
            succeeded is never sent again).
          </>
        ) : (
          <>
            The order and its resource go back to processing: the order is sent again
            {target ? ` to ${target}` : ""} as it is now (only where it failed), its current
            error moves to the history and a fresh automatic retry cycle starts.
          </>
        )}
      </p>
      {order.needs_fix_first && (
        <div className="callout warning-box" id="needs-fix-first" role="note">
          <strong>The last error needs a fix first.</strong> It failed as action required
          {order.error_message ? ` (“${order.error_message}”)` : ""} and the order has not been
          edited since: sent again as it is, it will most likely fail the same way. Edit its
          attributes instead (that sends it again with the fix), or retry if the fix was made on
          the other side.
        </div>
      )}
      {error && <ErrorNote error={error} />}
      <div className="dialog-buttons">
        <button type="button" disabled={busy} onClick={() => void submit()}>
          {order.needs_fix_first ? "Retry anyway" : "Retry order"}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Don't retry
        </button>
      </div>
    </Dialog>
  );
}

export function RejectDialog({
  order,
  onReject,
  onClose,
}: {
  order: Order;
  onReject: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const [blank, setBlank] = useState(false);
  const { error, busy, submit } = useSubmit(() => onReject(reason.trim()));
  const problems = [
    ...(blank ? ["Give a reason: the customer reads it."] : []),
    ...(error?.fieldErrors("reason") ?? []),
  ];
  return (
    <Dialog title={`Reject order ${order.number}?`} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setBlank(!reason.trim());
          if (reason.trim()) void submit();
        }}
      >
        <label htmlFor="reject-reason">Reason (required)</label>
        <textarea
          id="reject-reason"
          rows={4}
          value={reason}
          maxLength={5000}
          required
          aria-describedby="reject-reason-help"
          aria-invalid={problems.length > 0}
          onChange={(event) => setReason(event.target.value)}
        />
        <div id="reject-reason-help" className="help">
          Shown to the customer, {order.customer_name || order.consumer_organization.name}: say
          why, and what they can do instead.
        </div>
        {problems.map((message) => (
          <div key={message} className="error" role="alert">
            {message}
          </div>
        ))}
        {error && !error.fieldErrors("reason").length && <ErrorNote error={error} />}
        <div className="dialog-buttons">
          <button type="submit" className="danger" disabled={busy}>
            Reject order
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Don't reject
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirm,
  keep,
  onConfirm,
  onClose,
  reasonLabel,
}: {
  title: string;
  children: ReactNode;
  confirm: string;
  keep: string;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
  reasonLabel?: string;
}) {
  const [reason, setReason] = useState("");
  const { error, busy, submit } = useSubmit(() => onConfirm(reason.trim()));
  return (
    <Dialog title={title} onClose={onClose}>
      <form noValidate onSubmit={(event) => void submit(event)}>
        {children}
        {reasonLabel && (
          <>
            <label htmlFor="confirm-reason">{reasonLabel}</label>
            <textarea
              id="confirm-reason"
              rows={3}
              value={reason}
              maxLength={5000}
              onChange={(event) => setReason(event.target.value)}
            />
          </>
        )}
        {error && <ErrorNote error={error} />}
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            {confirm}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            {keep}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Cancel an order (the consumer side's): a reason is optional. */
export function CancelDialog({
  order,
  onCancel,
  onClose,
}: {
  order: Order;
  onCancel: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Cancel order ${order.number}?`}
      confirm="Cancel order"
      keep="Keep the order"
      reasonLabel="Reason (optional)"
      onClose={onClose}
      onConfirm={onCancel}
    >
      <p>
        {order.offering.name} for {order.customer_name || order.consumer_organization.name}:
        nothing has been sent for it yet, and once canceled it is not sent.
      </p>
    </ConfirmDialog>
  );
}
