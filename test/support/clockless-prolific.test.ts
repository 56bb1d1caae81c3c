// The Prolific client options the harness gives the function: a hung request times out, and nothing
// else does, however slow the answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProlificClient } from '../../lambda/rotation-function/prolific/client.js';
import { startProlificStandIn, type ProlificStandIn } from '../../local/standins/prolific.js';
import { clocklessProlific, REQUEST_TIMEOUT_MS } from './clockless-prolific.js';
import { rejectionOf } from './errors.js';

const WORKSPACE = '6655443322110099aabbccdd';

let prolific: ProlificStandIn;
beforeEach(async () => {
  prolific = await startProlificStandIn({ workspaces: [WORKSPACE], markHangs: true });
});
afterEach(async () => {
  await prolific.close();
});

// No jitter: every back-off wait is 0 ms, so the message names all five attempts and no refused wait.
const client = () => createProlificClient({ baseUrl: prolific.url, token: prolific.token, ...clocklessProlific(), random: () => 0 });

describe('clocklessProlific', () => {
  it('times out every request the stand-in hangs, as the client timeout would, and retries within the budget', async () => {
    prolific.injectFault({ fault: { kind: 'hang' }, times: Infinity });

    const failure = await rejectionOf(client().getActiveSecret(WORKSPACE));

    expect(failure.name).toBe('ProlificUnavailableError');
    expect(failure.message).toMatch(new RegExp(`after 5 attempts: no answer within ${REQUEST_TIMEOUT_MS} ms`));
    expect(prolific.calls.map((call) => call.outcome)).toEqual(['hang', 'hang', 'hang', 'hang', 'hang']);
  });

  it('waits for an answer slower than the request timeout instead of timing it out', async () => {
    prolific.injectFault({ fault: { kind: 'delay', ms: REQUEST_TIMEOUT_MS + 100 } });

    const secret = await client().getActiveSecret(WORKSPACE);

    expect(secret?.id).toBe(prolific.activeSecret(WORKSPACE)?.id);
    expect(prolific.calls.map((call) => call.outcome)).toEqual([200]);
  });
});
