// The Edit attributes form's model: the address and item fields as text boxes, everything else
// as JSON, and the JSON Merge Patch (RFC 7396) that turns the order's attributes into the
// form's: only what changed, null for what was removed.
export type Attributes = Record<string, unknown>;

export const ITEM_FIELDS = ["sku", "quantity", "shipping_method"] as const;
export const ADDRESS_FIELDS = ["street", "city", "postal_code", "country"] as const;
export const ADDRESS = "shipping_address";

export const FIELD_PATHS: string[] = [
  ...ITEM_FIELDS,
  ...ADDRESS_FIELDS.map((name) => `${ADDRESS}.${name}`),
];

export type AttributesForm = { fields: Record<string, string>; rest: string };

export class FormProblem extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export function isObject(value: unknown): value is Attributes {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(attributes: Attributes, path: string): unknown {
  let value: unknown = attributes;
  for (const key of path.split(".")) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

function setAt(attributes: Attributes, path: string, value: unknown): void {
  const keys = path.split(".");
  let target = attributes;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(target[key])) target[key] = {};
    target = target[key] as Attributes;
  }
  target[keys[keys.length - 1]] = value;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The form for an order's attributes: its fields' texts and the rest as indented JSON. */
export function formOf(attributes: Attributes): AttributesForm {
  const fields: Record<string, string> = {};
  for (const path of FIELD_PATHS) fields[path] = text(valueAt(attributes, path));
  const rest: Attributes = structuredClone(attributes);
  for (const name of ITEM_FIELDS) delete rest[name];
  const address = rest[ADDRESS];
  if (isObject(address)) {
    for (const name of ADDRESS_FIELDS) delete address[name];
    if (Object.keys(address).length === 0) delete rest[ADDRESS];
  }
  return { fields, rest: JSON.stringify(rest, null, 2) };
}

/** The attributes the form holds. A field left empty that the order did not have stays out;
 * a number stays a number when the text is one. */
export function attributesOf(form: AttributesForm, original: Attributes): Attributes {
  let parsed: unknown;
  try {
    parsed = form.rest.trim() ? JSON.parse(form.rest) : {};
  } catch (error) {
    throw new FormProblem("rest", `Other attributes are not valid JSON: ${String(error)}`);
  }
  if (!isObject(parsed)) {
    throw new FormProblem("rest", "Other attributes must be a JSON object ({...}).");
  }
  const result = parsed;
  for (const path of FIELD_PATHS) {
    const entered = form.fields[path] ?? "";
    const before = valueAt(original, path);
    if (entered === "" && before === undefined) continue;
    const numeric = entered.trim() !== "" && Number.isFinite(Number(entered));
    const number = (typeof before === "number" || path === "quantity") && numeric;
    setAt(result, path, number ? Number(entered) : entered);
  }
  return result;
}

/** The JSON Merge Patch from ``before`` to ``after`` (objects key by key, null removes). */
export function mergePatch(before: Attributes, after: Attributes): Attributes {
  const patch: Attributes = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (isObject(old) && isObject(value)) {
      const inner = mergePatch(old, value);
      if (Object.keys(inner).length) patch[key] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}
