// Reading Prolific's answers: an error status becomes a typed error that says what to do, and a 2xx body
// becomes a secret only when it is one. Messages quote Prolific's error title and detail, never a secret.
import {
  ProlificApiError,
  ProlificAuthenticationError,
  ProlificMalformedResponseError,
  ProlificNotFoundError,
  ProlificRateLimitError,
  ProlificRequestError,
  ProlificServerError,
} from '../errors.js';
import type { ProlificSecret } from './types.js';

/** One request to Prolific's API, for one workspace. */
export interface ProlificRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly workspaceId: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A complete HTTP answer to a request. */
export interface Answer {
  readonly request: ProlificRequest;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Where a workspace id is configured: the stack's setting, or the variable of a function configured by hand. */
const WORKSPACES_SETTING = `the "workspaces" setting of the stack (its cdk.json context key, or the construct's prop)`;

function describeRequest({ request }: Answer): string {
  return `${request.method} ${request.path}`;
}

/** The typed error for a status that is not a success, with what to do about it. */
export function statusError(answer: Answer, token: string, suffix = ''): ProlificApiError {
  const { status } = answer;
  const body = describeErrorBody(answer.body, token);
  const said = `Prolific answered HTTP ${status} to ${describeRequest(answer)}${suffix}: ${body}${/[.!?]$/.test(body) ? '' : '.'}`;
  if (status === 401 || status === 403) {
    return new ProlificAuthenticationError(
      `${said} Prolific refused the API token for this workspace: if other workspaces work with the same token, give the ` +
        "token's account access to this one; if none do, put a current Prolific API token in the token secret. Check too " +
        `the workspace id in ${WORKSPACES_SETTING}, or in ROTATION_TARGETS for a function configured by hand.`,
      status,
    );
  }
  if (status === 404) {
    return new ProlificNotFoundError(
      `${said} The workspace does not exist or the token's account has no access to it: check the workspace id in ` +
        `${WORKSPACES_SETTING} and the token; for a function configured by hand, check ROTATION_TARGETS and the token.`,
      status,
    );
  }
  if (status === 429) return new ProlificRateLimitError(`${said} Prolific is rate limiting; the next run retries.`, status);
  if (status >= 500) {
    return new ProlificServerError(`${said} Prolific is failing; the next run retries. Nothing was stored from this call.`, status);
  }
  return new ProlificRequestError(`${said} Prolific refused the request; retrying the same request will not help.`, status);
}

/** A 2xx answer that is not what the operation returns (`expected`: what it should have been). */
export function malformed(answer: Answer, problem: string, expected = 'a usable secret'): ProlificMalformedResponseError {
  return new ProlificMalformedResponseError(
    `Prolific's answer to ${describeRequest(answer)} is not ${expected}: ${problem}. Nothing was stored from it.`,
    answer.status,
  );
}

/** The `results` list of a list answer, or a malformed-response error naming what was expected. */
export function resultsOf(answer: Answer, expected: string): unknown[] {
  const results = (jsonOf(answer, expected) as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw malformed(answer, 'it has no "results" list', expected);
  return results;
}

export function jsonOf(answer: Answer, expected?: string): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    throw malformed(answer, 'the body is not JSON', expected);
  }
}

/** A secret object from an answer: non-empty `id` and `value`, and the requested workspace's. */
export function secretOf(answer: Answer, candidate: unknown): ProlificSecret {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw malformed(answer, 'the secret is not a JSON object');
  }
  const { id, value, workspace_id: ownerId } = candidate as Record<string, unknown>;
  const { workspaceId } = answer.request;
  if (typeof value !== 'string' || value === '') throw malformed(answer, 'it has no non-empty string "value"');
  if (typeof id !== 'string' || id === '') throw malformed(answer, 'it has no non-empty string "id"');
  if (ownerId !== workspaceId) {
    throw malformed(answer, `it belongs to workspace ${typeof ownerId === 'string' ? ownerId : String(ownerId)}`);
  }
  return { id, value, workspaceId };
}

/**
 * Prolific's error title and detail, from either error shape (`{"error": {title, detail}}` or
 * `{"detail": ...}`). Any other body is never quoted, only measured: an unexpected answer (a 203 or a
 * proxy's page) may carry a secret value, and this text goes into errors, logs and the report. The token
 * is scrubbed in case a proxy echoes request headers into a title or detail.
 */
export function describeErrorBody(body: string, token: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error;
  const source = typeof error === 'object' && error !== null ? error : parsed;
  const { title, detail } = (typeof source === 'object' && source !== null ? source : {}) as Record<string, unknown>;
  const rendered = detail === undefined ? undefined : renderDetail(detail);
  // Prolific often repeats the title as the detail ("Forbidden: Forbidden"); say it once.
  const parts = [typeof title === 'string' ? title : undefined, rendered === title ? undefined : rendered].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const text =
    parts.length > 0
      ? parts.join(': ')
      : body.trim() === ''
        ? 'no error details'
        : `a body that is not Prolific's error format (${Buffer.byteLength(body)} bytes, not shown)`;
  return clean(text, token);
}

function renderDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map(String).join('; ');
  if (typeof detail === 'object' && detail !== null) {
    return Object.entries(detail)
      .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.map(String).join(', ') : String(messages)}`)
      .join('; ');
  }
  return String(detail);
}

function clean(text: string, token: string): string {
  const scrubbed = token === '' ? text : text.split(token).join('[redacted]');
  // eslint-disable-next-line no-control-regex
  const flat = scrubbed.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
