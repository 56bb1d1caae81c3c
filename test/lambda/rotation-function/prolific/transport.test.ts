// One Prolific operation over a scripted fetch: attempts, retries, the settle hook, and the time budget.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES } from '../../../../lambda/rotation-function/prolific/answer-body.js';
import type { ProlificRequest } from '../../../../lambda/rotation-function/prolific/responses.js';
import {
  createTransport,
  operationName,
  type Attempt,
  type TransportOptions,
} from '../../../../lambda/rotation-function/prolific/transport.js';
import type { ProlificRetryEvent } from '../../../../lambda/rotation-function/prolific/types.js';
import { startProlificStandIn, type ProlificStandIn } from '../../../../local/standins/prolific.js';

const REQUEST: ProlificRequest = { method: 'POST', path: '/api/v1/hooks/secrets/', workspaceId: 'ws-1', body: { workspace_id: 'ws-1' } };
const NO_RESERVE = { reserveMs: 0 };

/** A fetch that answers from a script, one entry per request (an Error is thrown as a network failure). */
function scriptedFetch(script: (Response | Error)[]): { fetch: typeof fetch; requests: { url: string; init: RequestInit | undefined }[] } {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  // The transport always sends a URL.
  const fetchFromScript = (input: URL, init?: RequestInit): Promise<Response> => {
    requests.push({ url: input.href, init });
    const next = script.shift() ?? new Error('the script ran out');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch: fetchFromScript as typeof fetch, requests };
}

/** A transport over `fetchFn` that records its waits and retries instead of sleeping. */
function setup(fetchFn: typeof fetch, overrides: Partial<TransportOptions> = {}) {
  const waits: number[] = [];
  const retries: ProlificRetryEvent[] = [];
  const options: TransportOptions = {
    baseUrl: 'http://127.0.0.1:1',
    token: 'api-token',
    fetch: fetchFn,
    requestTimeoutMs: 5_000,
    callBudgetMs: 15_000,
    maxAttempts: 3,
    backoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
    onRetry: (event) => retries.push(event),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    now: () => 0,
    random: () => 0.5,
    timeLeftMs: () => Infinity,
    ...overrides,
  };
  return { transport: createTransport(options), waits, retries };
}

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('operationName', () => {
  it('is the method and the path', () => {
    expect(operationName(REQUEST)).toBe('POST /api/v1/hooks/secrets/');
  });
});

describe('createTransport: send', () => {
  it('sends the token, the JSON body and the query, and follows no redirect', async () => {
    const { fetch, requests } = scriptedFetch([new Response('{}', { status: 201 })]);
    const request: ProlificRequest = { ...REQUEST, query: { workspace_id: 'ws-1' } };

    const status = await setup(fetch).transport.send(request, (answer) => answer.status, NO_RESERVE);

    expect(status).toBe(201);
    expect(requests[0]?.url).toBe('http://127.0.0.1:1/api/v1/hooks/secrets/?workspace_id=ws-1');
    expect(requests[0]?.init).toMatchObject({
      method: 'POST',
      headers: { Authorization: 'Token api-token', Accept: 'application/json', 'Content-Type': 'application/json' },
      body: '{"workspace_id":"ws-1"}',
      redirect: 'manual',
    });
  });

  it('retries 429 and 5xx with back-off, reporting each retry, and hands the final answer over', async () => {
    const { fetch } = scriptedFetch([new Response('', { status: 503 }), new Response('', { status: 429 }), new Response('ok')]);
    const { transport, waits, retries } = setup(fetch);

    const body = await transport.send(REQUEST, (answer) => answer.body, NO_RESERVE);

    expect(body).toBe('ok');
    expect(waits).toEqual([50, 100]);
    expect(retries.map((retry) => [retry.attempt, retry.reason, retry.workspaceId])).toEqual([
      [1, 'HTTP 503', 'ws-1'],
      [2, 'HTTP 429', 'ws-1'],
    ]);
  });

  it('hands a non-retryable status to the answer reader at once', async () => {
    const { fetch, requests } = scriptedFetch([new Response('', { status: 404 })]);

    expect(await setup(fetch).transport.send(REQUEST, (answer) => answer.status, NO_RESERVE)).toBe(404);
    expect(requests).toHaveLength(1);
  });

  it('lets the settle hook end the operation instead of a retry', async () => {
    const { fetch, requests } = scriptedFetch([new Response('', { status: 500 })]);
    const seen: Attempt[] = [];

    const result = await setup(fetch).transport.send(REQUEST, () => 'answered', {
      reserveMs: 0,
      settle: (attempt) => {
        seen.push(attempt);
        return Promise.resolve('settled');
      },
    });

    expect(result).toBe('settled');
    expect(seen).toMatchObject([{ kind: 'answer', status: 500 }]);
    expect(requests).toHaveLength(1);
  });

  it('tells the settle hook whether a request that got no answer was sent', async () => {
    const { fetch } = scriptedFetch([refused(), new TypeError('socket hang up'), new Response('ok')]);
    const seen: Attempt[] = [];

    await setup(fetch).transport.send(REQUEST, (answer) => answer.body, {
      reserveMs: 0,
      settle: (attempt) => {
        seen.push(attempt);
        return Promise.resolve(undefined);
      },
    });

    expect(seen).toMatchObject([
      { kind: 'no-answer', requestSent: false, reason: 'connection failed (ECONNREFUSED)' },
      { kind: 'no-answer', requestSent: true, reason: 'connection failed (socket hang up)' },
    ]);
  });
});

describe('createTransport: giving up', () => {
  it('gives up after its attempts with the last status as a typed error', async () => {
    const { fetch } = scriptedFetch([1, 2, 3].map(() => new Response('', { status: 502 })));

    await expect(setup(fetch).transport.send(REQUEST, () => 'never', NO_RESERVE)).rejects.toMatchObject({
      name: 'ProlificServerError',
      message: expect.stringMatching(/^Prolific answered HTTP 502 to POST \/api\/v1\/hooks\/secrets\/, after 3 attempts: /) as string,
    });
  });

  it('gives up on missing answers as unavailable, naming the base URL', async () => {
    const { fetch } = scriptedFetch([refused(), refused()]);

    await expect(setup(fetch, { maxAttempts: 2 }).transport.send(REQUEST, () => 'never', NO_RESERVE)).rejects.toMatchObject({
      name: 'ProlificUnavailableError',
      message: expect.stringMatching(/^No answer from Prolific \(http:\/\/127\.0\.0\.1:1\) to POST .* after 2 attempts: connection failed/) as string,
    });
  });
});

describe('createTransport: the time budget', () => {
  it('cuts the operation to the time left after its reserve, and gives up when the next wait would pass it', async () => {
    const { fetch, requests } = scriptedFetch([new Response('', { status: 429, headers: { 'retry-after': '9' } })]);
    const { transport, waits } = setup(fetch, { timeLeftMs: () => 30_000 });

    await expect(transport.send(REQUEST, () => 'never', { reserveMs: 22_000 })).rejects.toMatchObject({
      name: 'ProlificRateLimitError',
      message: expect.stringMatching(/after 1 attempt \(the next wait, 9 s, would pass the 8 s budget\)/) as string,
    });
    expect(waits).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('starts an operation with one request\'s timeout left beyond its reserve, and not with less', async () => {
    const { fetch, requests } = scriptedFetch([new Response('ok')]);

    const sent = await setup(fetch, { timeLeftMs: () => 27_000 }).transport.send(REQUEST, (answer) => answer.body, { reserveMs: 22_000 });
    const refusedSend = setup(fetch, { timeLeftMs: () => 26_999 }).transport.send(REQUEST, () => 'never', { reserveMs: 22_000 });

    expect(sent).toBe('ok');
    await expect(refusedSend).rejects.toMatchObject({
      name: 'DeadlineError',
      message:
        'POST /api/v1/hooks/secrets/ was not sent: too little of the invocation was left ' +
        '(4 s after keeping 22 s for what follows). Raise the function timeout.',
    });
    expect(requests).toHaveLength(1);
  });
});

describe('createTransport: the size of an answer', () => {
  let prolific: ProlificStandIn | undefined;
  afterEach(async () => {
    await prolific?.close();
  });

  const GET: ProlificRequest = { method: 'GET', path: '/api/v1/hooks/secrets/', workspaceId: 'ws-1', query: { workspace_id: 'ws-1' } };
  const tooLarge = {
    name: 'ProlificAnswerTooLargeError',
    status: 200,
    message: expect.stringMatching(/^Prolific's answer \(HTTP 200\) to GET \/api\/v1\/hooks\/secrets\/ is over the 1 MiB limit/) as string,
  };

  it.each([
    ['streamed without a length', false],
    ['with a Content-Length', true],
  ])('refuses an answer over the limit %s with a typed error, at once and without retrying', async (_name, declareLength) => {
    prolific = await startProlificStandIn({ workspaces: ['ws-1'] });
    prolific.injectFault({ fault: { kind: 'huge-body', bytes: 3 * MAX_ANSWER_BYTES, declareLength } });
    const { transport } = setup(fetch, { baseUrl: prolific.url, token: prolific.token });

    await expect(transport.send(GET, (answer) => answer.body, NO_RESERVE)).rejects.toMatchObject(tooLarge);
    await prolific.whenCalled(1);
    expect(prolific.calls).toHaveLength(1);
  });

  it('reads a streamed answer only up to the limit, then cancels it', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulledBytes = 0;
    let cancelled = false;
    const huge = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulledBytes += chunk.length;
        controller.enqueue(chunk);
        if (pulledBytes >= 16 * MAX_ANSWER_BYTES) controller.close();
      },
      cancel: () => {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    const { fetch: scripted } = scriptedFetch([new Response(huge)]);

    await expect(setup(scripted).transport.send(GET, (answer) => answer.body, NO_RESERVE)).rejects.toMatchObject(tooLarge);
    expect(pulledBytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES + chunk.length);
    expect(cancelled).toBe(true);
  });

  it('reads an answer of exactly the limit', async () => {
    const { fetch: scripted } = scriptedFetch([new Response(' '.repeat(MAX_ANSWER_BYTES))]);

    expect((await setup(scripted).transport.send(GET, (answer) => answer.body, NO_RESERVE)).length).toBe(MAX_ANSWER_BYTES);
  });

  it('hands an answer over the limit to the settle hook as one that never came, for a POST that may have acted', async () => {
    const { fetch: scripted } = scriptedFetch([new Response(' '.repeat(MAX_ANSWER_BYTES + 1), { status: 201 })]);
    const seen: Attempt[] = [];

    const settled = await setup(scripted).transport.send(REQUEST, () => 'never', {
      reserveMs: 0,
      settle: (attempt) => {
        seen.push(attempt);
        return Promise.resolve('found by the GET');
      },
    });

    expect(settled).toBe('found by the GET');
    expect(seen).toMatchObject([{ kind: 'no-answer', requestSent: true, reason: 'the answer (HTTP 201) was over the 1 MiB limit' }]);
  });
});
