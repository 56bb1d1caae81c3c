// The Prolific client against the Prolific stand-in over real HTTP, with recorded (not real) back-off waits.
import { createServer as createHttpServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_TIME_TO_ROTATE_MS } from '../../../../lambda/contract/time-budgets.js';
import { createProlificClient, type ProlificClientOptions } from '../../../../lambda/rotation-function/prolific/client.js';
import { startProlificStandIn, type ProlificStandIn } from '../../../../local/standins/prolific.js';
import { timeOutHungRequests } from '../../../support/clockless-prolific.js';
import { freePort } from '../../../support/free-port.js';

const WORKSPACE = '6655443322110099aabbccdd';

let prolific: ProlificStandIn;
let waits: number[];

beforeEach(async () => {
  // A request times out exactly when the stand-in hangs it, never because a loaded machine answered slowly.
  prolific = await startProlificStandIn({ workspaces: [WORKSPACE], markHangs: true });
  waits = [];
});
afterEach(async () => {
  await prolific.close();
});

function client(overrides: Partial<ProlificClientOptions> = {}) {
  return createProlificClient({
    baseUrl: prolific.url,
    token: prolific.token,
    requestTimeoutMs: 200,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    now: () => 0,
    fetch: timeOutHungRequests(fetch),
    ...overrides,
  });
}

const posts = () => prolific.calls.filter((call) => call.method === 'POST');

describe('getActiveSecret', () => {
  it('returns the workspace\'s active secret, authenticated with the token', async () => {
    const secret = await client().getActiveSecret(WORKSPACE);

    expect(secret).toEqual({ ...prolific.activeSecret(WORKSPACE), workspaceId: WORKSPACE, workspace_id: undefined });
    expect(prolific.calls).toEqual([expect.objectContaining({ method: 'GET', authorized: true, workspaceId: WORKSPACE, outcome: 200 })]);
  });

  it('returns undefined for a workspace that has no secret yet', async () => {
    prolific.addWorkspace('0a1b2c3d4e5f60718293a4b5', { withSecret: false });

    expect(await client().getActiveSecret('0a1b2c3d4e5f60718293a4b5')).toBeUndefined();
  });

  it('waits as long as Retry-After asks after a 429, then succeeds', async () => {
    prolific.injectFault({ fault: { kind: 'status', status: 429, retryAfter: 2 } });

    const secret = await client({ callBudgetMs: 10_000 }).getActiveSecret(WORKSPACE);

    expect(secret?.id).toBe(prolific.activeSecret(WORKSPACE)?.id);
    expect(waits).toEqual([2000]);
  });

  it('backs off exponentially with jitter when no Retry-After is given', async () => {
    prolific.injectFault({ fault: { kind: 'status', status: 503 }, times: 3 });

    await client({ backoff: { baseDelayMs: 100, maxDelayMs: 300 } }).getActiveSecret(WORKSPACE);

    // random() = 0.5 of the capped ceiling: 100, 200, then 400 capped at 300.
    expect(waits).toEqual([50, 100, 150]);
  });

  it('gives up at once when Retry-After would pass the time budget', async () => {
    prolific.injectFault({ fault: { kind: 'status', status: 429, retryAfter: 60 } });

    await expect(client({ callBudgetMs: 5_000 }).getActiveSecret(WORKSPACE)).rejects.toMatchObject({
      name: 'ProlificRateLimitError',
      status: 429,
      message: expect.stringMatching(/after 1 attempt \(the next wait, 60 s, would pass the 5 s budget\)/) as string,
    });
    expect(waits).toEqual([]);
  });

  it('gives up after the last attempt with the status, title and detail', async () => {
    prolific.injectFault({
      fault: { kind: 'status', status: 502, title: 'Bad Gateway', detail: ['upstream', 'timeout'] },
      times: Infinity,
    });

    await expect(client({ maxAttempts: 3 }).getActiveSecret(WORKSPACE)).rejects.toMatchObject({
      name: 'ProlificServerError',
      message: expect.stringMatching(/HTTP 502 to GET \/api\/v1\/hooks\/secrets\/, after 3 attempts: Bad Gateway: upstream; timeout/) as string,
    });
    expect(prolific.calls).toHaveLength(3);
  });
});

describe('getActiveSecret: failures', () => {
  it.each([
    [400, 'ProlificRequestError'],
    [401, 'ProlificAuthenticationError'],
    [403, 'ProlificAuthenticationError'],
    [404, 'ProlificNotFoundError'],
    [405, 'ProlificRequestError'],
    [422, 'ProlificRequestError'],
  ])('does not retry HTTP %i, and names it %s', async (status, name) => {
    prolific.injectFault({ fault: { kind: 'status', status }, times: Infinity });

    await expect(client().getActiveSecret(WORKSPACE)).rejects.toMatchObject({ name, status });
    expect(prolific.calls).toHaveLength(1);
  });

  it('reads the error detail in the {"detail": ...} shape too', async () => {
    prolific.injectFault({ fault: { kind: 'status', status: 404, shape: 'detail', detail: 'Workspace not found.' } });

    await expect(client().getActiveSecret(WORKSPACE)).rejects.toThrow(/HTTP 404 .*: Workspace not found\./);
  });

  it('times out a request that never answers, and says so after its attempts', async () => {
    prolific.injectFault({ fault: { kind: 'hang' }, times: Infinity });

    await expect(client({ maxAttempts: 2, requestTimeoutMs: 100 }).getActiveSecret(WORKSPACE)).rejects.toMatchObject({
      name: 'ProlificUnavailableError',
      message: expect.stringMatching(/after 2 attempts: no answer within 100 ms/) as string,
    });
  });

  it('reports a refused connection as unavailable', async () => {
    const closedPort = await freePort();

    await expect(client({ baseUrl: `http://127.0.0.1:${closedPort}`, maxAttempts: 2 }).getActiveSecret(WORKSPACE)).rejects.toMatchObject({
      name: 'ProlificUnavailableError',
      message: expect.stringContaining('connection failed (ECONNREFUSED)') as string,
    });
  });

  it('does not follow a redirect (which would carry the token elsewhere)', async () => {
    const redirector = createHttpServer((request, response) => {
      response.writeHead(302, { Location: `${prolific.url}${request.url}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const { port } = redirector.address() as { port: number };

    try {
      await expect(client({ baseUrl: `http://127.0.0.1:${port}` }).getActiveSecret(WORKSPACE)).rejects.toMatchObject({
        name: 'ProlificRequestError',
        status: 302,
      });
      expect(prolific.calls).toHaveLength(0);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it.each([
    ['not JSON', { kind: 'body', body: '{"results": [' }, /the body is not JSON/],
    ['without a results list', { kind: 'body', body: '{"items": []}' }, /it has no "results" list/],
    ['with two active secrets', { kind: 'body', body: JSON.stringify({ results: [{ id: 'a', value: 'b', workspace_id: WORKSPACE }, { id: 'c', value: 'd', workspace_id: WORKSPACE }] }) }, /lists 2 active secrets/],
    ['with a null value', { kind: 'override', fields: { value: null } }, /no non-empty string "value"/],
    ['with an empty value', { kind: 'override', fields: { value: '' } }, /no non-empty string "value"/],
    ['with a null id', { kind: 'override', fields: { id: null } }, /no non-empty string "id"/],
    ['for another workspace', { kind: 'override', fields: { workspace_id: 'ffffffffffffffffffffffff' } }, /belongs to workspace ffffffffffffffffffffffff/],
  ] as const)('treats a 200 %s as malformed, not a success', async (_name, fault, problem) => {
    prolific.injectFault({ fault });

    const failure = await client().getActiveSecret(WORKSPACE).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'ProlificMalformedResponseError', message: expect.stringMatching(problem) as string });
    expect((failure as Error).message).not.toContain(prolific.activeSecret(WORKSPACE)?.value);
  });
});

describe('createSecret', () => {
  it('replaces the secret and returns the new one', async () => {
    const before = prolific.activeSecret(WORKSPACE);

    const created = await client().createSecret(WORKSPACE, before?.id);

    expect(created.id).not.toBe(before?.id);
    expect(created).toMatchObject({ id: prolific.activeSecret(WORKSPACE)?.id, value: prolific.activeSecret(WORKSPACE)?.value });
  });

  it('retries a 429 without asking whether the POST acted (a rate-limited request never does)', async () => {
    prolific.injectFault({ method: 'POST', fault: { kind: 'status', status: 429 } });

    await client().createSecret(WORKSPACE, prolific.activeSecret(WORKSPACE)?.id);

    expect(prolific.calls.map((call) => call.method)).toEqual(['POST', 'POST']);
  });

  it('retries a 500 only after the GET shows the POST did not act', async () => {
    const previousId = prolific.activeSecret(WORKSPACE)?.id;
    prolific.injectFault({ method: 'POST', fault: { kind: 'status', status: 500 } });

    const created = await client().createSecret(WORKSPACE, previousId);

    expect(prolific.calls.map((call) => call.method)).toEqual(['POST', 'GET', 'POST']);
    expect(created.id).toBe(prolific.activeSecret(WORKSPACE)?.id);
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 }],
    ['a connection reset', { kind: 'reset' }],
    ['a hang past the timeout', { kind: 'hang' }],
    ['a body cut short', { kind: 'partial' }],
    ['a 201 that is not JSON', { kind: 'body', status: 201, body: '<html>' }],
  ] as const)('never POSTs twice when the POST acted but answered with %s: the GET carries the new secret', async (_name, fault) => {
    const previousId = prolific.activeSecret(WORKSPACE)?.id;
    prolific.injectFault({ method: 'POST', afterEffect: true, fault });

    const created = await client().createSecret(WORKSPACE, previousId);

    expect(posts()).toHaveLength(1);
    expect(created).toMatchObject({ id: prolific.activeSecret(WORKSPACE)?.id, value: prolific.activeSecret(WORKSPACE)?.value });
    expect(created.id).not.toBe(previousId);
  });

  it('fails without a second POST when the POST may have acted and the GET cannot tell', async () => {
    prolific.injectFault({ method: 'POST', afterEffect: true, fault: { kind: 'status', status: 500 } });
    prolific.injectFault({ method: 'GET', fault: { kind: 'status', status: 503 }, times: Infinity });

    await expect(client({ maxAttempts: 2 }).createSecret(WORKSPACE, 'old-id')).rejects.toMatchObject({
      name: 'ProlificUnavailableError',
      message: expect.stringMatching(/may have replaced the workspace's secret .*run \{"action": "sync"\}/) as string,
    });
    expect(posts()).toHaveLength(1);
  });

  it('refuses a 201 for another workspace when the GET does not show a new secret either', async () => {
    prolific.injectFault({ method: 'POST', fault: { kind: 'override', fields: { workspace_id: 'ffffffffffffffffffffffff' } } });
    prolific.injectFault({ method: 'GET', fault: { kind: 'override', fields: { value: null } } });

    await expect(client().createSecret(WORKSPACE, 'old-id')).rejects.toMatchObject({ name: 'ProlificUnavailableError' });
  });
});

describe('the time a POST needs', () => {
  it('sends the POST with MIN_TIME_TO_ROTATE_MS left, the figure the protocol checks, and not with a millisecond less', async () => {
    const withTimeLeft = (ms: number) =>
      createProlificClient({ baseUrl: prolific.url, token: prolific.token, now: () => 0, timeLeftMs: () => ms });
    const previousId = prolific.activeSecret(WORKSPACE)?.id;

    await expect(withTimeLeft(MIN_TIME_TO_ROTATE_MS - 1).createSecret(WORKSPACE, previousId)).rejects.toMatchObject({
      name: 'DeadlineError',
      message: expect.stringMatching(/^POST \/api\/v1\/hooks\/secrets\/ was not sent: .*after keeping 22 s for what follows/) as string,
    });
    expect(posts()).toHaveLength(0);

    const created = await withTimeLeft(MIN_TIME_TO_ROTATE_MS).createSecret(WORKSPACE, previousId);

    expect(posts()).toHaveLength(1);
    expect(created.id).toBe(prolific.activeSecret(WORKSPACE)?.id);
  });
});

describe('error messages', () => {
  it('never carry the token, even when an error body echoes it', async () => {
    prolific.injectFault({ fault: { kind: 'status', status: 401, detail: `Token ${prolific.token} is not valid.` } });

    const failure = (await client().getActiveSecret(WORKSPACE).catch((error: unknown) => error)) as Error;

    expect(failure.message).toContain('Token [redacted] is not valid.');
    expect(failure.message).not.toContain(prolific.token);
  });

  it('never carry a secret value from an unexpected answer (a GET answered 203)', async () => {
    const value = prolific.activeSecret(WORKSPACE)?.value ?? '';
    const body = JSON.stringify({ results: [{ id: 'x', value, workspace_id: WORKSPACE }] });
    prolific.injectFault({ fault: { kind: 'body', status: 203, body } });

    const failure = (await client().getActiveSecret(WORKSPACE).catch((error: unknown) => error)) as Error;

    expect(failure.name).toBe('ProlificRequestError');
    expect(failure.message).toMatch(/HTTP 203 .*a body that is not Prolific's error format \(\d+ bytes, not shown\)/);
    expect(failure.message).not.toContain(value);
  });
});
