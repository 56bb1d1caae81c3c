// Reading Prolific's answers, without HTTP: typed errors from statuses, and secrets and lists out of bodies.
import { describe, expect, it } from 'vitest';
import {
  describeErrorBody,
  malformed,
  resultsOf,
  secretOf,
  statusError,
  type Answer,
} from '../../../../lambda/rotation-function/prolific/responses.js';

const WORKSPACE = '6655443322110099aabbccdd';
const TOKEN = 'api-token-123';

function answer(status: number, body: unknown): Answer {
  return {
    request: { method: 'GET', path: '/api/v1/hooks/secrets/', workspaceId: WORKSPACE },
    status,
    headers: new Headers(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

describe('statusError', () => {
  it.each([
    [401, 'ProlificAuthenticationError', /refused the API token/],
    [403, 'ProlificAuthenticationError', /refused the API token/],
    [404, 'ProlificNotFoundError', /check ROTATION_TARGETS and the token/],
    [429, 'ProlificRateLimitError', /rate limiting; the next run retries/],
    [500, 'ProlificServerError', /Prolific is failing; the next run retries/],
    [503, 'ProlificServerError', /Prolific is failing/],
    [400, 'ProlificRequestError', /retrying the same request will not help/],
    [302, 'ProlificRequestError', /retrying the same request will not help/],
  ])('names HTTP %i %s and says what to do', (status, name, advice) => {
    const error = statusError(answer(status, { detail: 'Nope.' }), TOKEN);

    expect(error).toMatchObject({ name, status });
    expect(error.message).toMatch(new RegExp(`^Prolific answered HTTP ${status} to GET /api/v1/hooks/secrets/: Nope\\. `));
    expect(error.message).toMatch(advice);
  });

  it.each([403, 404])('names where the workspace id is set on %i: the "workspaces" setting, or ROTATION_TARGETS', (status) => {
    const error = statusError(answer(status, { detail: 'Nope.' }), TOKEN);

    expect(error.message).toMatch(/workspace id in the "workspaces" setting of the stack \(its cdk\.json context key, or the construct's prop\)/);
    expect(error.message).toMatch(/ROTATION_TARGETS for a function configured by hand|for a function configured by hand, check ROTATION_TARGETS/);
  });

  it('puts the suffix after the request and ends the quoted detail with a full stop', () => {
    const error = statusError(answer(502, { error: { title: 'Bad Gateway' } }), TOKEN, ', after 3 attempts');

    expect(error.message).toMatch(/^Prolific answered HTTP 502 to GET \/api\/v1\/hooks\/secrets\/, after 3 attempts: Bad Gateway\. /);
  });
});

describe('malformed', () => {
  it('names the request, the problem and what was expected, and says nothing was stored', () => {
    const error = malformed(answer(200, '{}'), 'it has no "results" list', 'a subscription list');

    expect(error).toMatchObject({ name: 'ProlificMalformedResponseError', status: 200 });
    expect(error.message).toBe(
      'Prolific\'s answer to GET /api/v1/hooks/secrets/ is not a subscription list: it has no "results" list. Nothing was stored from it.',
    );
  });
});

describe('resultsOf', () => {
  it('returns the results list of a list answer', () => {
    expect(resultsOf(answer(200, { results: [1, 2] }), 'a list')).toEqual([1, 2]);
  });

  it.each([
    ['a body that is not JSON', '{"results": [', /the body is not JSON/],
    ['a body without a results list', { items: [] }, /it has no "results" list/],
    ['a results field that is not a list', { results: {} }, /it has no "results" list/],
  ])('refuses %s as malformed', (_name, body, problem) => {
    expect(() => resultsOf(answer(200, body), 'an event list')).toThrow(problem);
  });
});

describe('secretOf', () => {
  const secret = { id: 'secret-1', value: 'signing-value', workspace_id: WORKSPACE };

  it('reads a secret of the requested workspace', () => {
    expect(secretOf(answer(201, secret), secret)).toEqual({ id: 'secret-1', value: 'signing-value', workspaceId: WORKSPACE });
  });

  it.each([
    ['an array', [secret], /the secret is not a JSON object/],
    ['null', null, /the secret is not a JSON object/],
    ['a secret without a value', { ...secret, value: undefined }, /no non-empty string "value"/],
    ['a secret with an empty id', { ...secret, id: '' }, /no non-empty string "id"/],
    ['another workspace\'s secret', { ...secret, workspace_id: 'ffffffffffffffffffffffff' }, /belongs to workspace f{24}/],
  ])('refuses %s, never quoting the value', (_name, candidate, problem) => {
    const failure = (() => {
      try {
        return secretOf(answer(201, candidate), candidate);
      } catch (error) {
        return error as Error;
      }
    })();

    expect(failure).toMatchObject({ name: 'ProlificMalformedResponseError', message: expect.stringMatching(problem) as string });
    expect((failure as Error).message).not.toContain('signing-value');
  });
});

describe('describeErrorBody', () => {
  it('renders field errors from the object form of detail', () => {
    const body = JSON.stringify({
      error: { status: 400, error_code: 1, title: 'Bad request', detail: { workspace_id: ['Required.', 'Must be a string.'] } },
    });

    expect(describeErrorBody(body, 'token')).toBe('Bad request: workspace_id: Required., Must be a string.');
  });

  it('never quotes a body that is not Prolific\'s error format, only measures it', () => {
    expect(describeErrorBody(`<html>\n${'x'.repeat(400)}</html>`, 'token')).toBe(
      "a body that is not Prolific's error format (414 bytes, not shown)",
    );
  });

  it('says the title once when the detail repeats it', () => {
    expect(describeErrorBody(JSON.stringify({ error: { title: 'Forbidden', detail: 'Forbidden' } }), TOKEN)).toBe('Forbidden');
  });

  it('reads the {"detail": ...} shape, and a list of details', () => {
    expect(describeErrorBody(JSON.stringify({ detail: ['upstream', 'timeout'] }), TOKEN)).toBe('upstream; timeout');
  });

  it('says so when there are no details', () => {
    expect(describeErrorBody('  ', TOKEN)).toBe('no error details');
  });

  it('scrubs the token, flattens control characters and cuts long details short', () => {
    const text = describeErrorBody(JSON.stringify({ detail: `Token ${TOKEN}\ninvalid ${'y'.repeat(400)}` }), TOKEN);

    expect(text).toMatch(/^Token \[redacted\] invalid y+\.\.\.$/);
    expect(text).toHaveLength(300);
    expect(text).not.toContain(TOKEN);
  });
});
