// Prolific's own verification sample signs the body after parsing and serialising it again (Python's
// `json.dumps(body)`), so a delivery whose raw bytes do not verify is tried against these forms too.

/**
 * The JSON body serialised again, as Python's `json.dumps` writes it by default and as JavaScript's
 * `JSON.stringify` does, leaving out forms equal to the raw body. Empty for a body that is not JSON.
 * Numbers come out as JavaScript writes them (`1.0` becomes `1`), and integer-like keys first.
 */
export function reserialisedBodies(rawBody: string | Uint8Array): string[] {
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const forms = new Set([pythonJsonDumps(parsed), JSON.stringify(parsed)]);
  forms.delete(text);
  return [...forms];
}

/** Python's `json.dumps(value)` with its defaults: `", "` and `": "` between items, non-ASCII as `\uXXXX`. */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([key, member]) => `${asciiJsonString(key)}: ${pythonJsonDumps(member)}`);
    return `{${members.join(', ')}}`;
  }
  if (typeof value === 'string') return asciiJsonString(value);
  return JSON.stringify(value);
}

/** A JSON string with everything outside printable ASCII escaped, as Python's `ensure_ascii=True` does. */
function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
