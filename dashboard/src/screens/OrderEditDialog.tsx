// Edit attributes: the item and address fields, the rest as JSON; sent as a JSON Merge Patch of
// only what changed. The API checks the result against the offering's required attributes and
// answers a 400 naming the attribute, shown here; an order waiting on a fix is sent again.
import { useState, type FormEvent } from "react";

import { ApiError, type Schemas } from "../api/client";
import { Dialog } from "../components/Dialog";
import { ErrorNote } from "../components/ErrorNote";
import {
  ADDRESS_FIELDS,
  FormProblem,
  ITEM_FIELDS,
  attributesOf,
  formOf,
  isObject,
  mergePatch,
  type Attributes,
} from "./OrderAttributes";

const LABELS: Record<string, string> = {
  sku: "SKU",
  quantity: "Quantity",
  shipping_method: "Shipping method",
  "shipping_address.street": "Street",
  "shipping_address.city": "City",
  "shipping_address.postal_code": "Postal code",
  "shipping_address.country": "Country",
};

/** The attribute paths a 400 names (details.attributes: {"attributes.<path>": problem}). */
export function refusedPaths(error: ApiError | null): string[] {
  const found = error?.details.attributes;
  if (!isObject(found)) return [];
  return Object.keys(found).map((key) => key.replace(/^attributes\./, ""));
}

export function OrderEditDialog({
  order,
  required,
  onSave,
  onClose,
}: {
  order: Schemas["OrderDetail"];
  required: string[];
  onSave: (patch: Attributes) => Promise<void>;
  onClose: () => void;
}) {
  const original = isObject(order.attributes) ? order.attributes : {};
  const [form, setForm] = useState(() => formOf(original));
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [unchanged, setUnchanged] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const resends = order.state === "erred" && order.failure_kind === "action_required";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setUnchanged(false);
    let patch: Attributes;
    try {
      patch = mergePatch(original, attributesOf(form, original));
    } catch (failure) {
      if (failure instanceof FormProblem) return setProblem(failure);
      throw failure;
    }
    if (Object.keys(patch).length === 0) return setUnchanged(true);
    setBusy(true);
    try {
      await onSave(patch);
    } catch (failure) {
      setError(failure as ApiError);
      setBusy(false);
    }
  }

  const refused = refusedPaths(error);
  const field = (path: string) => (
    <div key={path}>
      <label htmlFor={`attr-${path}`}>
        {LABELS[path]}
        {required.includes(path) && <span className="muted small"> (required)</span>}
      </label>
      <input
        id={`attr-${path}`}
        value={form.fields[path] ?? ""}
        aria-invalid={refused.includes(path)}
        aria-describedby={refused.includes(path) ? "edit-refused" : undefined}
        onChange={(event) =>
          setForm({ ...form, fields: { ...form.fields, [path]: event.target.value } })
        }
      />
    </div>
  );

  return (
    <Dialog title={`Edit the attributes of ${order.number}`} onClose={onClose}>
      <form noValidate onSubmit={(event) => void submit(event)} className="edit-attributes">
        <p className={resends ? "callout" : "help"} id="edit-resends">
          {resends
            ? "This order is waiting on a fix: saving sends it again at once, with these attributes."
            : "Saving changes what is ordered; the order keeps its state."}
        </p>
        <fieldset>
          <legend>Item</legend>
          <div className="fields">{ITEM_FIELDS.map(field)}</div>
        </fieldset>
        <fieldset>
          <legend>Shipping address</legend>
          <div className="fields">{ADDRESS_FIELDS.map((name) => field(`shipping_address.${name}`))}</div>
        </fieldset>
        <label htmlFor="attr-rest">Other attributes (JSON)</label>
        <textarea
          id="attr-rest"
          className="code-input"
          rows={5}
          value={form.rest}
          aria-invalid={problem?.field === "rest"}
          aria-describedby="attr-rest-help"
          onChange={(event) => setForm({ ...form, rest: event.target.value })}
        />
        <div id="attr-rest-help" className="help">
          Everything else the order holds, as a JSON object. Only what changes is sent (a JSON
          Merge Patch); a key you delete here is removed.
        </div>
        {problem && (
          <div className="error" role="alert">
            {problem.message}
          </div>
        )}
        {unchanged && (
          <div className="error" role="alert">
            Nothing changed: edit a field before saving.
          </div>
        )}
        {error && (
          <div id="edit-refused">
            <ErrorNote error={error} />
          </div>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            {resends ? "Save and send again" : "Save"}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Don't save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
