// Prolific's own verification sample signs the body after parsing and serialising it again (Python's
// `json.dumps(body)`), so a delivery whose raw bytes do not verify is tried against these forms too. Such a
// pass authenticates `JSON.parse(rawBody)`, not the bytes: so it is kept narrow (small, shallow bodies with
// no duplicate keys, valid UTF-8), and the verifier says when it was used.

/** Bodies larger than this are verified on their raw bytes only. Prolific's deliveries are a few hundred bytes. */
export const FALLBACK_MAX_BYTES = 64 * 1024;
/** Bodies nested deeper than this are verified on their raw bytes only. Prolific's deliveries nest two or three levels. */
export const FALLBACK_MAX_DEPTH = 32;

/**
 * The JSON body serialised again, as Python's `json.dumps` writes it by default and as JavaScript's
 * `JSON.stringify` does, leaving out forms equal to the raw body. Empty for a body that is not JSON, is
 * larger than FALLBACK_MAX_BYTES, nests deeper than FALLBACK_MAX_DEPTH or repeats a key in an object
 * (parsing would keep only one of them, so the bytes would say two things while one was authenticated).
 * Numbers come out as JavaScript writes them (`1.0` becomes `1`), and integer-like keys first.
 */
export function reserialisedBodies(rawBody: string | Uint8Array): string[] {
  const text = fallbackText(rawBody);
  if (text === undefined || !isPlainJsonShape(text, FALLBACK_MAX_DEPTH)) return [];
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

/** The body as text, when it is small enough for the fallback and (given as bytes) valid UTF-8. */
function fallbackText(rawBody: string | Uint8Array): string | undefined {
  if (rawBody.length > FALLBACK_MAX_BYTES) return undefined;
  if (typeof rawBody === 'string') return Buffer.byteLength(rawBody, 'utf8') > FALLBACK_MAX_BYTES ? undefined : rawBody;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    return undefined;
  }
}

// A JSON string token: control characters (U+0000 to U+001F) may appear only escaped.
// eslint-disable-next-line no-control-regex -- the grammar excludes exactly these characters
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

interface Frame {
  readonly keys: Set<string> | undefined; // undefined for an array
  expectingKey: boolean;
}

/**
 * True when `text` nests at most `maxDepth` deep and no object repeats a key (compared after unescaping,
 * so `"a"` and `"\u0061"` are the same key). Iterative, so no input can exhaust the stack. It does not
 * check the rest of the grammar: JSON.parse does that after it.
 */
export function isPlainJsonShape(text: string, maxDepth: number): boolean {
  const stack: Frame[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '{' || char === '[') {
      if (stack.length >= maxDepth) return false;
      stack.push({ keys: char === '{' ? new Set() : undefined, expectingKey: char === '{' });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1);
      if (top?.keys) top.expectingKey = true;
    } else if (char === '"') {
      JSON_STRING.lastIndex = index;
      const token = JSON_STRING.exec(text)?.[0];
      if (token === undefined) return false;
      const top = stack.at(-1);
      if (top?.keys && top.expectingKey) {
        const key = JSON.parse(token) as string;
        if (top.keys.has(key)) return false;
        top.keys.add(key);
        top.expectingKey = false;
      }
      index += token.length - 1;
    }
  }
  return true;
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
