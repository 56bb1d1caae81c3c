// Reading an answer's body within the byte limit.
import { describe, expect, it } from 'vitest';
import {
  MAX_ANSWER_BYTES,
  ProlificAnswerTooLargeError,
  readBodyWithinLimit,
} from '../../../../lambda/rotation-function/prolific/answer-body.js';

/** A body that counts the bytes pulled from it. */
function counted(bytes: number) {
  const pulled = { bytes: 0 };
  const chunk = new Uint8Array(1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (pulled.bytes >= bytes) {
        controller.close();
        return;
      }
      pulled.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, pulled };
}

describe('readBodyWithinLimit', () => {
  it('reads a body up to the limit as text, as Response.text() does', async () => {
    expect(await readBodyWithinLimit(new Response('\uFEFF{"results":[]}'))).toBe('{"results":[]}');
    expect(await readBodyWithinLimit(new Response(null, { status: 204 }))).toBe('');
  });

  it('refuses a body whose Content-Length is over the limit without reading it', async () => {
    const { stream, pulled } = counted(2 * MAX_ANSWER_BYTES);

    const body = await readBodyWithinLimit(new Response(stream, { headers: { 'content-length': String(2 * MAX_ANSWER_BYTES) } }));

    expect(body).toBeUndefined();
    expect(pulled.bytes).toBe(0);
  });

  it('stops reading a body without a length one chunk past the limit', async () => {
    const { stream, pulled } = counted(2 * MAX_ANSWER_BYTES);

    expect(await readBodyWithinLimit(new Response(stream))).toBeUndefined();
    expect(pulled.bytes).toBe(MAX_ANSWER_BYTES + 1024);
  });
});

describe('ProlificAnswerTooLargeError', () => {
  it('names the operation, the status and the limit', () => {
    const error = new ProlificAnswerTooLargeError('GET /api/v1/hooks/secrets/', 200);

    expect(error).toMatchObject({ name: 'ProlificAnswerTooLargeError', status: 200 });
    expect(error.message).toMatch(/^Prolific's answer \(HTTP 200\) to GET \/api\/v1\/hooks\/secrets\/ is over the 1 MiB limit/);
  });
});
