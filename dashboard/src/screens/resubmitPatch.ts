// Edit many, then resend: the attributes patch (a JSON Merge Patch, RFC 7396) the Resubmit
// dialog applies to every order of the selection before it is sent again, read from its text
// box and checked as the API checks it (a JSON object, not empty), so a typo is named before
// any preview is asked for.
import { isObject, type Attributes } from "./OrderAttributes";

export type PatchReading = { patch: Attributes; problem: null } | { patch: null; problem: string };

/** The patch the text holds, or why it cannot be one. */
export function readPatch(text: string): PatchReading {
  if (!text.trim()) {
    return { patch: null, problem: "Write the attributes patch first: a JSON object such as {\"shipping_method\": \"GROUND\"}." };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { patch: null, problem: `The attributes patch is not valid JSON: ${String(error)}` };
  }
  if (!isObject(parsed)) {
    return { patch: null, problem: "The attributes patch must be a JSON object ({...}), a JSON Merge Patch." };
  }
  if (Object.keys(parsed).length === 0) {
    return { patch: null, problem: "The attributes patch is empty: it would change nothing." };
  }
  return { patch: parsed, problem: null };
}

/** The patch as the preview shows it: one line per changed key path, null as "removed". */
export function patchLines(patch: Attributes, prefix = ""): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value) && Object.keys(value).length > 0) lines.push(...patchLines(value, path));
    else if (value === null) lines.push(`${path}: removed`);
    else lines.push(`${path} → ${JSON.stringify(value)}`);
  }
  return lines;
}
