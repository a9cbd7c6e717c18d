// Resubmit on the Failed orders screen: the selection bar, then a dialog that previews a dry
// run (count, breakdown, a sample, what is skipped and why, a warning for action-required
// orders with the option to leave them out, which asks for the preview again), then the real
// run confirmed with the preview's token (exactly the orders counted; those changed since are
// skipped and said why), its live progress (the bulk operation polled about once a second while
// it is queued or running, with a Cancel) and its outcome: done / failed again / still in
// flight, each opening those orders. Edit many, then resend: an attributes patch (a JSON Merge
// Patch) given in the dialog is checked here, previewed (the orders it would leave unfit are
// skipped, with the reason) and carried by the preview's token into the real run.
import { useEffect, useState } from "react";

import type { ApiError, FacetQuery } from "../api/client";
import {
  isBulkOperation,
  resubmitEndpoints,
  type BulkOperation,
  type ResubmitResult,
} from "../api/resubmit";
import { Dialog } from "../components/Dialog";
import { ErrorNote } from "../components/ErrorNote";
import { BASE } from "../router";
import { KINDS } from "./FailedOrderTable";
import type { Attributes } from "./OrderAttributes";
import { patchLines, readPatch } from "./resubmitPatch";
import {
  countOf,
  selectionProblem,
  selectionRequest,
  type Selection,
} from "./resubmitSelection";

const POLL_MS = 1000;
const orders = (n: number) => `${n} ${n === 1 ? "order" : "orders"}`;
const deliveries = (n: number) => `${n} ${n === 1 ? "delivery" : "deliveries"}`;

export function SelectionBar({
  selection,
  total,
  onSelectAll,
  onClear,
  onResubmit,
}: {
  selection: Selection;
  total: number;
  onSelectAll: () => void;
  onClear: () => void;
  onResubmit: () => void;
}) {
  const count = countOf(selection, total);
  const problem = selectionProblem(selection);
  return (
    <div className="selection-bar" id="selection-bar">
      <span role="status" id="selection-count" tabIndex={-1}>
        {selection.all
          ? `All ${orders(total)} that match are selected.`
          : `${orders(count)} selected.`}
      </span>{" "}
      {!selection.all && total > 0 && (
        <button type="button" className="link" onClick={onSelectAll}>
          Select all {total} that match
        </button>
      )}{" "}
      {count > 0 && (
        <button type="button" className="link" onClick={onClear}>
          Clear the selection
        </button>
      )}{" "}
      <button type="button" disabled={count === 0 || problem !== null} onClick={onResubmit}>
        Resubmit…
      </button>
      {problem && (
        <div className="error" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}

/** The dashboard's address for an outcome's orders-list URL (same query, this screen). */
export function outcomeAddress(ordersUrl: string): { bulk_operation: string; state: string } {
  const params = new URL(ordersUrl, "http://x").searchParams;
  return { bulk_operation: params.get("bulk_operation") ?? "", state: params.get("state") ?? "" };
}

function kindLabel(name: string): string {
  return KINDS.find((kind) => kind.value === name)?.short ?? (name || "No failure kind");
}

function Counts({ title, id, rows }: { title: string; id: string; rows: { name: string; count: number }[] }) {
  if (rows.length === 0) return null;
  return (
    <div>
      <h3 id={id}>{title}</h3>
      <ul aria-labelledby={id}>
        {rows.map((row) => (
          <li key={row.name}>
            {id === "breakdown-kind" ? kindLabel(row.name) : row.name || "—"}: {row.count}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Skipped({ result }: { result: ResubmitResult }) {
  if (result.skipped_count === 0) return null;
  return (
    <div id="skipped">
      <h3>Skipped: {orders(result.skipped_count)}</h3>
      <ul>
        {Object.entries(result.skipped_by_reason).map(([reason, count]) => (
          <li key={reason}>
            {count} — {reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

function PatchEditor({
  patch,
  onPatch,
}: {
  patch: Attributes | null;
  onPatch: (patch: Attributes | null) => void;
}) {
  const [open, setOpen] = useState(patch !== null);
  const [text, setText] = useState(patch ? JSON.stringify(patch, null, 2) : "");
  const [problem, setProblem] = useState<string | null>(null);
  if (!open) {
    return (
      <p>
        <button type="button" className="link" id="patch-open" onClick={() => setOpen(true)}>
          Edit their attributes first (one change for every order)…
        </button>
      </p>
    );
  }
  function apply() {
    const reading = readPatch(text);
    setProblem(reading.problem);
    if (reading.patch) onPatch(reading.patch);
  }
  return (
    <fieldset id="patch-editor">
      <legend>Edit many, then resend</legend>
      <label htmlFor="attributes-patch">Attributes patch (JSON Merge Patch)</label>
      <textarea
        id="attributes-patch"
        className="code-input"
        rows={4}
        value={text}
        placeholder='{"shipping_method": "GROUND"}'
        aria-invalid={problem !== null}
        aria-describedby="attributes-patch-help"
        onChange={(event) => setText(event.target.value)}
      />
      <div id="attributes-patch-help" className="help">
        Applied to the attributes of every order before it is sent again and recorded in each
        order's history: objects merge key by key, <code>null</code> removes a key. An order it
        would leave without a required attribute is skipped and keeps its attributes.
      </div>
      {problem && (
        <div className="error" role="alert" id="patch-problem">
          {problem}
        </div>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={apply}>
          {patch ? "Preview with this patch again" : "Preview with this patch"}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setText("");
            setProblem(null);
            setOpen(false);
            if (patch) onPatch(null);
          }}
        >
          {patch ? "Remove the patch" : "Don't edit"}
        </button>
      </div>
    </fieldset>
  );
}

function PatchShown({ patch }: { patch: unknown }) {
  if (patch === undefined || patch === null || typeof patch !== "object") return null;
  return (
    <div className="callout" id="preview-patch" role="note">
      <p>
        <strong>Each order's attributes are patched first</strong>, then it is sent again:
      </p>
      <ul>
        {patchLines(patch as Attributes).map((line) => (
          <li key={line} className="code">
            {line}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Preview({
  result,
  leaveOut,
  onLeaveOut,
}: {
  result: ResubmitResult;
  leaveOut: boolean;
  onLeaveOut: (value: boolean) => void;
}) {
  const would = result.would_resubmit ?? 0;
  const needing = result.action_required ?? { count: 0, unchanged_since_failure: 0 };
  return (
    <>
      <p id="preview-count">
        <strong>{orders(would)}</strong> would be sent again
        {result.matched !== would ? ` (of the ${result.matched} selected)` : ""}
        {result.would_send_deliveries !== undefined && (
          <>
            :{" "}
            <strong id="preview-deliveries">{deliveries(result.would_send_deliveries)}</strong>{" "}
            (only the failed ones; an order may go to several systems)
          </>
        )}
        . This was a dry run: nothing has changed yet.
      </p>
      <PatchShown patch={result.attributes_patch} />
      {(needing.count > 0 || leaveOut) && (
        <div className="callout warning-box" id="action-required" role="note">
          {needing.count > 0 && (
            <p>
              <strong>{orders(needing.count)} failed as action required</strong>: a person must
              fix something first.{" "}
              {needing.unchanged_since_failure > 0 &&
                `${needing.unchanged_since_failure} of them have not been edited since they failed; sent again as they are, they will most likely fail the same way.`}
            </p>
          )}
          {leaveOut && (
            <p id="left-out">
              Left out: {orders(result.left_out_action_required)} that failed as action required.
            </p>
          )}
          <label className="check">
            <input
              type="checkbox"
              checked={leaveOut}
              onChange={(event) => onLeaveOut(event.target.checked)}
            />{" "}
            Leave out the orders that failed as action required
          </label>
        </div>
      )}
      {result.breakdown && would > 0 && (
        <div className="facet-groups" id="breakdown">
          <Counts title="By failure kind" id="breakdown-kind" rows={result.breakdown.failure_kind} />
          <Counts title="By integration" id="breakdown-integration" rows={result.breakdown.integration} />
          <Counts title="By backend" id="breakdown-backend" rows={result.breakdown.backend} />
        </div>
      )}
      {result.sample && result.sample.length > 0 && (
        <table className="list" id="preview-sample">
          <caption>
            {result.sample.length < would ? `The first ${result.sample.length} of them` : "They are"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Failure</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {result.sample.map((row) => (
              <tr key={row.uuid}>
                <td className="nowrap">{row.number}</td>
                <td>{kindLabel(row.failure_kind)}</td>
                <td className="error-text">{row.error_message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Skipped result={result} />
    </>
  );
}

function Progress({ operation }: { operation: BulkOperation }) {
  return (
    <div id="resubmit-progress">
      <label htmlFor="resubmit-progress-bar">
        Resubmit #{operation.id} is {operation.state}
        {operation.cancel_requested_at ? " (cancel asked: stopping)" : ""}: {operation.processed}{" "}
        of {operation.total} processed, {operation.resubmitted} sent again, {operation.skipped}{" "}
        skipped.
      </label>
      <progress id="resubmit-progress-bar" max={100} value={operation.progress_percent} />
    </div>
  );
}

function Outcome({
  operation,
  onShow,
}: {
  operation: BulkOperation;
  onShow: (address: { bulk_operation: string; state: string }) => void;
}) {
  const skipped = Object.values(operation.skipped_by_reason).reduce((a, b) => a + b, 0);
  return (
    <div id="resubmit-outcome">
      {operation.state === "cancelled" ? (
        <p id="resubmit-cancelled" role="status">
          Resubmit #{operation.id} was cancelled after {operation.processed} of {operation.total}:{" "}
          what it sent again ({orders(operation.resubmitted)}) stays sent; the rest were left as
          they are.
        </p>
      ) : operation.state === "failed" ? (
        <p className="error" role="alert">
          Resubmit #{operation.id} stopped after {operation.processed} of {operation.total}:{" "}
          {operation.error || "no reason given"}. {orders(operation.resubmitted)} were sent again.
        </p>
      ) : (
        <p id="resubmit-done" role="status">
          Resubmitted {orders(operation.resubmitted)}: they are executing again and queued for
          sending (resubmit #{operation.id}).
          {skipped > 0 && ` ${orders(skipped)} skipped.`}
        </p>
      )}
      <h3 id="outcomes-title">What became of them so far</h3>
      {skipped > 0 && (
        <ul id="outcome-skipped">
          {Object.entries(operation.skipped_by_reason).map(([reason, n]) => (
            <li key={reason}>
              {n} skipped — {reason}
            </li>
          ))}
        </ul>
      )}
      <ul aria-labelledby="outcomes-title" id="outcomes">
        {operation.outcomes.map((outcome) => {
          const address = outcomeAddress(outcome.orders);
          const href = `${BASE}/failed-orders?${new URLSearchParams(address)}`;
          return (
            <li key={outcome.label}>
              <a
                href={href}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onShow(address);
                }}
              >
                {outcome.label}: {outcome.count}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

type Step =
  | { name: "preview"; result: ResubmitResult | null }
  | { name: "sending" }
  | { name: "progress"; operation: BulkOperation }
  | { name: "nothing"; result: ResubmitResult };

export function ResubmitDialog({
  selection: opened,
  total: openedTotal,
  query: openedQuery,
  onClose,
  onShow,
  onDone,
}: {
  selection: Selection;
  total: number;
  query: FacetQuery;
  onClose: () => void;
  onShow: (address: { bulk_operation: string; state: string }) => void;
  onDone: () => void;
}) {
  // what was selected when it opened (the screen's selection is cleared once it is sent)
  const [{ selection, total, query }] = useState({
    selection: opened,
    total: openedTotal,
    query: openedQuery,
  });
  const [leaveOut, setLeaveOut] = useState(false);
  const [patch, setPatch] = useState<Attributes | null>(null);
  const [step, setStep] = useState<Step>({ name: "preview", result: null });
  const [error, setError] = useState<ApiError | null>(null);
  const request = () => ({
    ...selectionRequest(selection, query),
    leave_out_action_required: leaveOut,
    ...(patch ? { attributes_patch: patch } : {}),
  });

  useEffect(() => {
    let current = true;
    setStep({ name: "preview", result: null });
    setError(null);
    resubmitEndpoints.resubmit({ ...request(), dry_run: true }).then(
      (answer) => {
        if (!current || isBulkOperation(answer)) return;
        setError(null);
        setStep({ name: "preview", result: answer });
      },
      (failure: ApiError) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [leaveOut, patch]);

  const operation = step.name === "progress" ? step.operation : null;
  const live = operation && (operation.state === "queued" || operation.state === "running");
  useEffect(() => {
    if (!operation || !live) return;
    const timer = window.setTimeout(() => {
      resubmitEndpoints.bulkOperation(operation.id).then(
        (next) => setStep({ name: "progress", operation: next }),
        (failure: ApiError) => setError(failure),
      );
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [operation, live]);

  async function confirm() {
    setStep({ name: "sending" });
    try {
      // the preview's token: exactly the orders it counted, never a selection counted again;
      // it carries the preview's patch, so the token goes alone
      const token = result?.preview_token;
      const answer = await resubmitEndpoints.resubmit(
        token
          ? { preview_token: token, dry_run: false, leave_out_action_required: false }
          : { ...request(), dry_run: false },
      );
      onDone();
      if (isBulkOperation(answer)) setStep({ name: "progress", operation: answer });
      else if (answer.bulk_operation === null) setStep({ name: "nothing", result: answer });
      else {
        const recorded = await resubmitEndpoints.bulkOperation(answer.bulk_operation);
        setStep({ name: "progress", operation: recorded });
      }
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  async function cancel() {
    if (!operation) return;
    try {
      setStep({ name: "progress", operation: await resubmitEndpoints.cancel(operation.id) });
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  async function refresh() {
    if (!operation) return;
    try {
      setStep({ name: "progress", operation: await resubmitEndpoints.bulkOperation(operation.id) });
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  const count = countOf(selection, total);
  const result = step.name === "preview" ? step.result : null;
  const would = result?.would_resubmit ?? 0;
  return (
    <Dialog
      title={selection.all ? `Resubmit all ${orders(total)} that match?` : `Resubmit ${orders(count)}?`}
      onClose={onClose}
    >
      {step.name === "preview" && !result && !error && (
        <p aria-busy="true">Asking for a preview (a dry run: nothing changes)…</p>
      )}
      {result && <Preview result={result} leaveOut={leaveOut} onLeaveOut={setLeaveOut} />}
      {step.name === "preview" && <PatchEditor patch={patch} onPatch={setPatch} />}
      {step.name === "sending" && !error && <p aria-busy="true">Sending…</p>}
      {operation && live && <Progress operation={operation} />}
      {operation && !live && <Outcome operation={operation} onShow={onShow} />}
      {step.name === "nothing" && (
        <p id="resubmit-done" role="status">
          Nothing was resubmitted: none of the selected orders could be sent again.
        </p>
      )}
      {step.name === "nothing" && <Skipped result={step.result} />}
      {error && <ErrorNote error={error} />}
      <div className="dialog-buttons">
        {step.name === "preview" && (
          <>
            <button type="button" disabled={!result || would === 0} onClick={() => void confirm()}>
              {result
                ? `Confirm: ${result.attributes_patch ? "patch and resubmit" : "resubmit"} ${orders(would)}`
                : "Confirm"}
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              Don't resubmit
            </button>
          </>
        )}
        {operation && live && (
          <button
            type="button"
            className="secondary"
            id="resubmit-cancel"
            disabled={Boolean(operation.cancel_requested_at)}
            onClick={() => void cancel()}
          >
            Cancel the resubmit
          </button>
        )}
        {operation && !live && (
          <button type="button" className="secondary" onClick={() => void refresh()}>
            Refresh the outcome
          </button>
        )}
        {step.name !== "preview" && (
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        )}
      </div>
    </Dialog>
  );
}
