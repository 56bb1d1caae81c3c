// The Prolific client's protocol over its transport: read the active secret, replace it, and settle a
// POST that got no usable answer without ever replacing the secret twice.
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  AFTER_POST_RESERVE_MS,
  PROLIFIC_CALL_BUDGET_MS,
  PROLIFIC_REQUEST_TIMEOUT_MS,
  REPORT_RESERVE_MS,
} from '../../contract/time-budgets.js';
import { ProlificUnavailableError } from '../errors.js';
import { readDeliveryHealth } from './delivery-health.js';
import { jsonOf, malformed, resultsOf, secretOf, statusError, type Answer, type ProlificRequest } from './responses.js';
import { createTransport, operationName, type Attempt, type TransportOptions } from './transport.js';
import type { ProlificClient, ProlificSecret } from './types.js';

export type ProlificClientOptions = Pick<TransportOptions, 'baseUrl' | 'token'> & Partial<Omit<TransportOptions, 'baseUrl' | 'token'>>;

const SECRETS_PATH = '/api/v1/hooks/secrets/';
const DEFAULTS = {
  requestTimeoutMs: PROLIFIC_REQUEST_TIMEOUT_MS,
  callBudgetMs: PROLIFIC_CALL_BUDGET_MS,
  maxAttempts: 5,
  backoff: { baseDelayMs: 250, maxDelayMs: 4000 },
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  sleep: (ms: number) => sleepFor(ms),
  now: () => Date.now(),
  random: Math.random,
  timeLeftMs: () => Infinity,
};

// What must be left of the invocation after each operation: the report after a read; after a POST (or
// the GET that settles it) also the time to store the new secret. With one request's time on top, the
// POST is started with MIN_TIME_TO_ROTATE_MS left at the least, the figure the protocol checks.
const AFTER_READ = { reserveMs: REPORT_RESERVE_MS };
const AFTER_POST = { reserveMs: AFTER_POST_RESERVE_MS };

const listSecrets = (workspaceId: string): ProlificRequest => ({
  method: 'GET',
  path: SECRETS_PATH,
  workspaceId,
  query: { workspace_id: workspaceId },
});
const replaceSecret = (workspaceId: string): ProlificRequest => ({
  method: 'POST',
  path: SECRETS_PATH,
  workspaceId,
  body: { workspace_id: workspaceId },
});

export function createProlificClient(clientOptions: ProlificClientOptions): ProlificClient {
  const options = { ...DEFAULTS, ...clientOptions };
  const transport = createTransport(options);

  function readActiveSecret(answer: Answer): ProlificSecret | undefined {
    if (answer.status !== 200) throw statusError(answer, options.token);
    const secrets = resultsOf(answer, 'a usable secret').map((candidate) => secretOf(answer, candidate));
    if (secrets.length > 1) throw malformed(answer, `it lists ${secrets.length} active secrets, not one`);
    return secrets[0];
  }

  async function getActiveSecret(workspaceId: string, reserve = AFTER_READ): Promise<ProlificSecret | undefined> {
    return transport.send(listSecrets(workspaceId), readActiveSecret, reserve);
  }

  async function createSecret(workspaceId: string, previousSecretId: string | undefined): Promise<ProlificSecret> {
    const request = replaceSecret(workspaceId);

    // A POST without a usable answer may still have replaced the secret. Retrying it blindly would
    // replace it again (and kill the one just made), so ask Prolific which secret is active instead:
    // a new id means the POST took effect and the GET carries its value; the old id means it did not,
    // and the POST may be retried.
    async function findSecretMadeByPost(whatHappened: string): Promise<ProlificSecret | undefined> {
      let active: ProlificSecret | undefined;
      try {
        active = await getActiveSecret(workspaceId, AFTER_POST);
      } catch (error) {
        throw new ProlificUnavailableError(
          `Prolific may have replaced the workspace's secret (its answer to ${operationName(request)}: ` +
            `${whatHappened}), and the GET that would tell failed. Nothing was stored; run {"action": "sync"} ` +
            "(or wait for the next run) to store Prolific's active secret.",
          { cause: error },
        );
      }
      return active !== undefined && active.id !== previousSecretId ? active : undefined;
    }

    async function readCreatedSecret(answer: Answer): Promise<ProlificSecret> {
      if (answer.status < 200 || answer.status > 299) throw statusError(answer, options.token);
      try {
        return secretOf(answer, jsonOf(answer));
      } catch (error) {
        // A 2xx means Prolific did replace the secret, even if its answer is unusable: recover it from the GET.
        const recovered = await findSecretMadeByPost(`HTTP ${answer.status} with an unusable body`);
        if (recovered) return recovered;
        throw error;
      }
    }

    async function settleUnansweredPost(attempt: Attempt): Promise<ProlificSecret | undefined> {
      if (attempt.kind === 'answer') {
        return attempt.status >= 500 ? findSecretMadeByPost(`HTTP ${attempt.status}`) : undefined; // a 429 never acted
      }
      return attempt.requestSent ? findSecretMadeByPost(attempt.reason) : undefined;
    }

    return transport.send(request, readCreatedSecret, { ...AFTER_POST, settle: settleUnansweredPost });
  }

  return {
    getActiveSecret: (workspaceId) => getActiveSecret(workspaceId),
    createSecret,
    getDeliveryHealth: (workspaceId, since) =>
      readDeliveryHealth({ transport, token: options.token, reserve: AFTER_READ }, workspaceId, since),
  };
}
