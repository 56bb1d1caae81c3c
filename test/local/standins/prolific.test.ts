import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HANG_MARKER_HEADER, startProlificStandIn } from '../../../local/standins/prolific.js';
import type { ProlificSecret, ProlificStandIn } from '../../../local/standins/prolific.js';

const SECRETS_PATH = '/api/v1/hooks/secrets/';
const WORKSPACE = 'workspace-main';
const OTHER_WORKSPACE = 'workspace-other';
const TOKEN = 'stand-in-test-token';

let standIn: ProlificStandIn;

beforeEach(async () => {
  standIn = await startProlificStandIn({ token: TOKEN, workspaces: [WORKSPACE, OTHER_WORKSPACE] });
});

afterEach(async () => {
  await standIn.close();
});

function getSecrets(workspaceId: string | undefined, init: RequestInit = {}): Promise<Response> {
  const query = workspaceId === undefined ? '' : `?workspace_id=${encodeURIComponent(workspaceId)}`;
  return fetch(`${standIn.url}${SECRETS_PATH}${query}`, { headers: { authorization: `Token ${TOKEN}` }, ...init });
}

function postSecret(body: unknown, authorization = `Token ${TOKEN}`): Promise<Response> {
  return fetch(`${standIn.url}${SECRETS_PATH}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function activeSecretOverHttp(workspaceId: string): Promise<ProlificSecret | undefined> {
  const body = (await (await getSecrets(workspaceId)).json()) as { results: ProlificSecret[] };
  return body.results[0];
}

function requireActive(workspaceId: string): ProlificSecret {
  const secret = standIn.activeSecret(workspaceId);
  if (secret === undefined) throw new Error(`no active secret for ${workspaceId}`);
  return secret;
}

describe('startProlificStandIn', () => {
  it('listens on loopback with a URL without trailing slash', () => {
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(standIn.token).toBe(TOKEN);
  });

  it('makes up a random token when none is given', async () => {
    // Prepare
    const first = await startProlificStandIn();
    const second = await startProlificStandIn();

    // Assess
    expect(first.token).not.toBe(second.token);
    expect(first.token.length).toBeGreaterThanOrEqual(24);
    await Promise.all([first.close(), second.close()]);
  });

  it('starts each workspace with one active secret shaped like Prolific ids', () => {
    const secret = requireActive(WORKSPACE);

    expect(secret.id).toMatch(/^[0-9a-f]{24}$/);
    expect(secret.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret.workspace_id).toBe(WORKSPACE);
    expect(standIn.activeSecret('unknown-workspace')).toBeUndefined();
  });

  it('refuses to add a workspace twice', () => {
    expect(() => { standIn.addWorkspace(WORKSPACE); }).toThrow(/exists already/);
  });
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Token not-the-token'],
    ['another scheme', `Bearer ${TOKEN}`],
  ])('answers 401 with the error shape for %s and records the call as unauthorized', async (_, authorization) => {
    // Act
    const response = await fetch(`${standIn.url}${SECRETS_PATH}?workspace_id=${WORKSPACE}`, {
      headers: authorization === undefined ? {} : { authorization },
    });

    // Assess
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(body.error.error_code).toEqual(expect.any(Number));
    expect(body.error.detail).toEqual(expect.any(String));
    expect(standIn.calls).toEqual([
      { method: 'GET', path: SECRETS_PATH, workspaceId: WORKSPACE, authorized: false, outcome: 401 },
    ]);
  });

  it('does not replace the secret on an unauthorized POST', async () => {
    const before = requireActive(WORKSPACE);

    const response = await postSecret({ workspace_id: WORKSPACE }, 'Token wrong');

    expect(response.status).toBe(401);
    expect(standIn.activeSecret(WORKSPACE)).toEqual(before);
  });
});

describe('POST /api/v1/hooks/secrets/', () => {
  it('answers 201 with a new secret that replaces the old one at once', async () => {
    // Prepare
    const before = requireActive(WORKSPACE);

    // Act
    const response = await postSecret({ workspace_id: WORKSPACE });

    // Assess
    expect(response.status).toBe(201);
    const created = (await response.json()) as ProlificSecret;
    expect(created.workspace_id).toBe(WORKSPACE);
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.id).not.toBe(before.id);
    expect(created.value).not.toBe(before.value);
    expect(standIn.activeSecret(WORKSPACE)).toEqual(created);
    expect(await activeSecretOverHttp(WORKSPACE)).toEqual(created);
    expect(standIn.calls[0]).toEqual({
      method: 'POST', path: SECRETS_PATH, workspaceId: WORKSPACE, authorized: true, outcome: 201,
    });
  });

  it('leaves other workspaces alone', async () => {
    const other = requireActive(OTHER_WORKSPACE);

    await postSecret({ workspace_id: WORKSPACE });

    expect(standIn.activeSecret(OTHER_WORKSPACE)).toEqual(other);
  });

  it.each([
    ['invalid JSON', '{"workspace_id": ', 'non_field_errors'],
    ['an empty body', '', 'workspace_id'],
    ['a JSON array', '[]', 'non_field_errors'],
    ['no workspace_id', {}, 'workspace_id'],
    ['an empty workspace_id', { workspace_id: '' }, 'workspace_id'],
    ['a numeric workspace_id', { workspace_id: 42 }, 'workspace_id'],
    ['a null workspace_id', { workspace_id: null }, 'workspace_id'],
  ])('answers 400 with field errors for %s', async (_, body, field) => {
    const before = requireActive(WORKSPACE);

    const response = await postSecret(body);

    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { status: number; detail: Record<string, unknown> } };
    expect(error.status).toBe(400);
    expect(error.detail[field]).toEqual([expect.any(String)]);
    expect(standIn.activeSecret(WORKSPACE)).toEqual(before);
  });

  it('answers 404 for an unknown workspace', async () => {
    const response = await postSecret({ workspace_id: 'unknown-workspace' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { status: 404 } });
  });
});

describe('GET /api/v1/hooks/secrets/', () => {
  it('answers 200 with the active secret, value included', async () => {
    const response = await getSecrets(WORKSPACE);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: [requireActive(WORKSPACE)] });
  });

  it('answers empty results for a workspace without a secret', async () => {
    standIn.addWorkspace('workspace-empty', { withSecret: false });

    const response = await getSecrets('workspace-empty');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: [] });
  });

  it('answers 400 with field errors without workspace_id', async () => {
    const response = await getSecrets(undefined);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { status: 400, detail: { workspace_id: [expect.any(String)] } },
    });
  });

  it('answers 404 for an unknown workspace', async () => {
    const response = await getSecrets('unknown-workspace');

    expect(response.status).toBe(404);
  });
});

describe('routing', () => {
  it('answers 405 with Allow for other methods on the secrets path', async () => {
    const response = await getSecrets(WORKSPACE, { method: 'DELETE', headers: { authorization: `Token ${TOKEN}` } });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await response.json()).toMatchObject({ error: { status: 405 } });
  });

  it.each(['/api/v1/hooks/secrets', '/api/v1/hooks/unknown/', '/'])('answers 404 for %s', async (path) => {
    const response = await fetch(`${standIn.url}${path}`, { headers: { authorization: `Token ${TOKEN}` } });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { status: 404 } });
  });

  it('survives garbage on the wire and keeps answering', async () => {
    // Prepare
    const { port } = new URL(standIn.url);
    const socket = connect(Number(port), '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    const closed = new Promise((resolve) => socket.on('close', resolve));

    // Act
    socket.end('\x00\xffNOT HTTP AT ALL\r\n\r\n');
    await closed;
    const response = await getSecrets(WORKSPACE);

    // Assess
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(response.status).toBe(200);
  });
});

describe('replaceSecret and issuedValues', () => {
  it('rotates behind the client\'s back', async () => {
    const before = requireActive(WORKSPACE);

    const replaced = standIn.replaceSecret(WORKSPACE);

    expect(replaced.id).not.toBe(before.id);
    expect(await activeSecretOverHttp(WORKSPACE)).toEqual(replaced);
  });

  it('throws for an unknown workspace', () => {
    expect(() => standIn.replaceSecret('unknown-workspace')).toThrow(/Unknown workspace/);
  });

  it('lists every value ever issued', async () => {
    // Prepare
    const initial = [requireActive(WORKSPACE).value, requireActive(OTHER_WORKSPACE).value];

    // Act
    const created = (await (await postSecret({ workspace_id: WORKSPACE })).json()) as ProlificSecret;
    const replaced = standIn.replaceSecret(WORKSPACE);

    // Assess
    expect(standIn.issuedValues()).toEqual([...initial, created.value, replaced.value]);
  });
});

describe('faults', () => {
  it('answers a status fault with the error shape and Retry-After, before auth', async () => {
    // Prepare
    standIn.injectFault({
      fault: { kind: 'status', status: 429, title: 'Throttled', detail: ['slow down'], retryAfter: 3 },
    });

    // Act
    const response = await getSecrets(WORKSPACE, { headers: {} });

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ status: 429, title: 'Throttled', detail: ['slow down'] });
    expect(Object.keys(error).sort()).toEqual(['detail', 'error_code', 'status', 'title']);
    expect(typeof error.error_code).toBe('number');
    expect(standIn.calls[0]).toMatchObject({ authorized: false, outcome: 429 });
  });

  it('answers a status fault with the detail-only shape', async () => {
    standIn.injectFault({ fault: { kind: 'status', status: 503, shape: 'detail', detail: 'Maintenance' } });

    const response = await getSecrets(WORKSPACE);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toEqual({ detail: 'Maintenance' });
  });

  it('answers a status fault on POST without replacing the secret', async () => {
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'status', status: 422, detail: { workspace_id: ['nope'] } } });

    const response = await postSecret({ workspace_id: WORKSPACE });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { detail: { workspace_id: ['nope'] } } });
    expect(standIn.activeSecret(WORKSPACE)).toEqual(before);
  });

  it('hangs until the client gives up', async () => {
    standIn.injectFault({ fault: { kind: 'hang' } });
    const giveUp = new AbortController();

    const attempt = getSecrets(WORKSPACE, {
      headers: { authorization: `Token ${TOKEN}` },
      signal: giveUp.signal,
    });
    // The client gives up once the stand-in holds the request, as its timeout would: not on a clock.
    await standIn.whenCalled(1);
    giveUp.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));

    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(standIn.calls[0]?.outcome).toBe('hang');
  });

  it('with markHangs, answers a hang at once with an empty 504 carrying the marker, recorded as a hang', async () => {
    const marking = await startProlificStandIn({ token: TOKEN, workspaces: [WORKSPACE], markHangs: true });
    try {
      marking.injectFault({ fault: { kind: 'hang' } });

      const url = `${marking.url}${SECRETS_PATH}?workspace_id=${WORKSPACE}`;
      const response = await fetch(url, { headers: { authorization: `Token ${TOKEN}` } });

      expect(response.status).toBe(504);
      expect(response.headers.get(HANG_MARKER_HEADER)).toBe('true');
      expect(await response.text()).toBe('');
      expect(marking.calls.map((call) => call.outcome)).toEqual(['hang']);
    } finally {
      await marking.close();
    }
  });

  it('resets the connection without changing anything', async () => {
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'reset' }, method: 'POST' });

    await expect(postSecret({ workspace_id: WORKSPACE })).rejects.toThrow(TypeError);

    expect(standIn.activeSecret(WORKSPACE)).toEqual(before);
    expect(standIn.calls[0]?.outcome).toBe('reset');
  });

  it('answers a raw body', async () => {
    standIn.injectFault({ fault: { kind: 'body', status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' } });

    const response = await getSecrets(WORKSPACE);

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<html>Bad gateway</html>');
  });

  it('answers malformed JSON with status 200 by default', async () => {
    standIn.injectFault({ fault: { kind: 'body', body: '{"results": [' } });

    const response = await getSecrets(WORKSPACE);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('sends half of the real answer, then drops the connection', async () => {
    // Prepare
    standIn.injectFault({ fault: { kind: 'partial' } });
    const fullBody = JSON.stringify({ results: [requireActive(WORKSPACE)] });

    // Act
    const response = await getSecrets(WORKSPACE);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(fullBody)));
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(standIn.calls[0]?.outcome).toBe('partial');
  });

  it('overrides fields of the POST answer while the real secret is replaced', async () => {
    // Prepare
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'override', fields: { value: null, workspace_id: OTHER_WORKSPACE } } });

    // Act
    const response = await postSecret({ workspace_id: WORKSPACE });

    // Assess
    const created = requireActive(WORKSPACE);
    expect(response.status).toBe(201);
    expect(created.id).not.toBe(before.id);
    expect(await response.json()).toEqual({ id: created.id, value: null, workspace_id: OTHER_WORKSPACE });
  });

  it('overrides fields of results[0] in the GET answer, and can remove one', async () => {
    const active = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'override', fields: { id: 42, value: undefined } }, method: 'GET' });

    const response = await getSecrets(WORKSPACE);

    expect(await response.json()).toEqual({ results: [{ id: 42, workspace_id: WORKSPACE }] });
    expect(standIn.activeSecret(WORKSPACE)).toEqual(active);
  });

  it('delays the answer, and a delayed POST replaces the secret only when it answers', async () => {
    // Prepare: the POST is held until the test lets it go, so the GET comes first on any machine.
    const before = requireActive(WORKSPACE);
    let letGo: () => void = () => undefined;
    standIn.injectFault({ fault: { kind: 'delay', until: new Promise<void>((resolve) => (letGo = resolve)) }, method: 'POST' });

    // Act
    const delayed = postSecret({ workspace_id: WORKSPACE });
    const meanwhile = await activeSecretOverHttp(WORKSPACE);
    letGo();
    const response = await delayed;

    // Assess
    expect(meanwhile).toEqual(before);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(requireActive(WORKSPACE));
    expect(standIn.calls.map((call) => call.method)).toEqual(['GET', 'POST']);
  });

  it('answers normally once a delay of `ms` has passed', async () => {
    standIn.injectFault({ fault: { kind: 'delay', ms: 20 }, method: 'GET' });

    const response = await getSecrets(WORKSPACE);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: [requireActive(WORKSPACE)] });
    expect(standIn.calls.map((call) => call.outcome)).toEqual([200]);
  });

  it('lets `skip` requests through, then applies `times` times', async () => {
    standIn.injectFault({ fault: { kind: 'status', status: 500 }, skip: 2, times: 2 });

    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await getSecrets(WORKSPACE)).status);

    expect(statuses).toEqual([200, 200, 500, 500, 200]);
  });

  it('counts a request toward the skip of every matching rule, even when another rule answers it', async () => {
    standIn.injectFault({ fault: { kind: 'status', status: 500 } });
    standIn.injectFault({ fault: { kind: 'status', status: 503 }, skip: 1 });

    const statuses = [(await getSecrets(WORKSPACE)).status, (await getSecrets(WORKSPACE)).status];

    expect(statuses).toEqual([500, 503]);
  });

  it('applies to every request with times: Infinity, until cleared', async () => {
    standIn.injectFault({ fault: { kind: 'status', status: 503 }, times: Infinity });

    const faulted = [(await getSecrets(WORKSPACE)).status, (await getSecrets(WORKSPACE)).status];
    standIn.clearFaults();
    const cleared = (await getSecrets(WORKSPACE)).status;

    expect(faulted).toEqual([503, 503]);
    expect(cleared).toBe(200);
  });

  it('matches on method and on workspace from the query or the JSON body', async () => {
    // Prepare
    standIn.injectFault({ fault: { kind: 'status', status: 500 }, method: 'POST', workspaceId: OTHER_WORKSPACE, times: 2 });

    // Act
    const otherWorkspacePost = (await postSecret({ workspace_id: OTHER_WORKSPACE })).status;
    const mainWorkspacePost = (await postSecret({ workspace_id: WORKSPACE })).status;
    const otherWorkspaceGet = (await getSecrets(OTHER_WORKSPACE)).status;
    const otherWorkspacePostAgain = (await postSecret({ workspace_id: OTHER_WORKSPACE })).status;

    // Assess
    expect([otherWorkspacePost, mainWorkspacePost, otherWorkspaceGet, otherWorkspacePostAgain])
      .toEqual([500, 201, 200, 500]);
  });

  it('uses the first matching rule in the order injected', async () => {
    standIn.injectFault({ fault: { kind: 'status', status: 502 } });
    standIn.injectFault({ fault: { kind: 'status', status: 503 } });

    const statuses = [(await getSecrets(WORKSPACE)).status, (await getSecrets(WORKSPACE)).status];

    expect(statuses).toEqual([502, 503]);
  });

  it('with afterEffect, replaces the secret yet answers the fault', async () => {
    // Prepare
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'status', status: 500 }, afterEffect: true });

    // Act
    const response = await postSecret({ workspace_id: WORKSPACE });

    // Assess
    expect(response.status).toBe(500);
    const after = requireActive(WORKSPACE);
    expect(after.id).not.toBe(before.id);
    expect(await activeSecretOverHttp(WORKSPACE)).toEqual(after);
    expect(standIn.issuedValues()).toContain(after.value);
  });

  it('with afterEffect, can reset the connection after replacing the secret', async () => {
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'reset' }, afterEffect: true });

    await expect(postSecret({ workspace_id: WORKSPACE })).rejects.toThrow(TypeError);

    expect(requireActive(WORKSPACE).id).not.toBe(before.id);
  });

  it('with afterEffect, ignores GETs and answers the real error when Prolific did not act', async () => {
    // Prepare
    const before = requireActive(WORKSPACE);
    standIn.injectFault({ fault: { kind: 'status', status: 500 }, afterEffect: true, times: Infinity });

    // Act
    const get = (await getSecrets(WORKSPACE)).status;
    const unauthorizedPost = (await postSecret({ workspace_id: WORKSPACE }, 'Token wrong')).status;

    // Assess
    expect([get, unauthorizedPost]).toEqual([200, 401]);
    expect(standIn.activeSecret(WORKSPACE)).toEqual(before);
  });

  it.each([false, true])('streams a huge-body answer as the client reads it, declaring its length: %s', async (declareLength) => {
    const bytes = 3 * 1024 * 1024;
    standIn.injectFault({ fault: { kind: 'huge-body', bytes, declareLength } });

    const response = await getSecrets(WORKSPACE);
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(declareLength ? String(bytes) : null);
    expect(Buffer.byteLength(body)).toBe(bytes);
    expect(JSON.parse(body)).toEqual({ results: [] });
  });

  it('stops streaming a huge-body answer when the client goes away', async () => {
    standIn.injectFault({ fault: { kind: 'huge-body', bytes: 1024 * 1024 * 1024 } });
    const response = await getSecrets(WORKSPACE);
    const reader = response.body?.getReader();
    await reader?.read();

    await reader?.cancel();
    await standIn.whenCalled(1);

    expect(standIn.calls[0]).toMatchObject({ path: SECRETS_PATH, outcome: 200 });
  });

  it('rejects afterEffect on a GET rule', () => {
    expect(() => { standIn.injectFault({ fault: { kind: 'hang' }, method: 'GET', afterEffect: true }); })
      .toThrow(/POST only/);
  });
});

describe('close', () => {
  it('resolves with a hanging request outstanding and a keep-alive connection open', async () => {
    // Prepare
    await (await getSecrets(WORKSPACE)).text();
    standIn.injectFault({ fault: { kind: 'hang' } });
    const hanging = getSecrets(WORKSPACE);
    await standIn.whenCalled(2);

    // Act
    await standIn.close();

    // Assess
    await expect(hanging).rejects.toThrow(TypeError);
  });
});
