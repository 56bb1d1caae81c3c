// Reading an answer's body within a byte limit: Prolific's largest answer (a page of 100 events, or a
// workspace's subscriptions) is tens of kilobytes, so a body past the limit is refused, never buffered.
import { ProlificApiError } from '../errors.js';

/** The most bytes read of any answer's body. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const LIMIT_TEXT = `${MAX_ANSWER_BYTES / (1024 * 1024)} MiB`;

/** An answer whose body was over MAX_ANSWER_BYTES: it was refused unread past the limit, and not retried. */
export class ProlificAnswerTooLargeError extends ProlificApiError {
  /** `operation`: the method and path, e.g. `GET /api/v1/hooks/secrets/`. */
  constructor(operation: string, status: number) {
    super(
      `Prolific's answer (HTTP ${status}) to ${operation} is over the ${LIMIT_TEXT} limit, so it was not read. ` +
        'No answer of this API is that large: check the base URL points at the Prolific API.',
      status,
    );
    this.name = 'ProlificAnswerTooLargeError';
  }
}

/** Why the answer was not read, as an attempt's reason. */
export function tooLargeReason(status: number): string {
  return `the answer (HTTP ${status}) was over the ${LIMIT_TEXT} limit`;
}

/**
 * The body as text (as `Response.text()` reads it), read chunk by chunk; undefined, with the rest
 * cancelled, once it passes the limit, or at once when its Content-Length says it will.
 */
export async function readBodyWithinLimit(response: Response): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) return refuse(reader);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return new TextDecoder().decode(Buffer.concat(chunks));
    bytes += value.byteLength;
    if (bytes > MAX_ANSWER_BYTES) return refuse(reader);
    chunks.push(value);
  }
}

async function refuse(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<undefined> {
  await reader.cancel().catch(() => undefined);
  return undefined;
}
