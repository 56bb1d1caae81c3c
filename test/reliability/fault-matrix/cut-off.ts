// Models a Lambda timeout at a chosen point of the rotation protocol. Lambda freezes the process and
// throws its execution environment away: no code after the cut runs. Here the run's calls to Prolific and
// to Secrets Manager go through a fence; the first call that comes after the chosen step never goes out
// and never settles, so the run stays parked on it for good: no catch block, retry, log line or write
// after the cut can happen. The invocation promise is abandoned, never awaited.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { createHandler, type RotationReport } from '../../../lambda/rotation-function/handler.js';
import { WRITE_CHECK } from '../../../lambda/contract/staging-labels.js';
import { captureOutput } from '../../support/capture-output.js';
import { clocklessProlific } from '../../support/clockless-prolific.js';
import type { Harness } from '../../support/harness.js';
import { standInContext } from '../../../local/invoke-handler.js';

/** One call the run makes: a Prolific HTTP method, or a Secrets Manager operation. */
export interface ObservedCall {
  readonly service: 'Prolific' | 'SecretsManager';
  readonly operation: string;
  /** PutSecretValue only: the labels the write asks for (VersionStages). */
  readonly labels?: readonly string[];
}

export interface CutOffPoint {
  /** Where the run stops, as the report prints it. */
  readonly description: string;
  /** True for the first call the run makes after that point; `earlier` are the calls it made before. */
  readonly isFirstCallAfter: (call: ObservedCall, earlier: readonly ObservedCall[]) => boolean;
}

const isProlific = (call: ObservedCall) => call.service === 'Prolific';
const isGet = (call: ObservedCall) => isProlific(call) && call.operation === 'GET';
const made = (earlier: readonly ObservedCall[], operation: string) => earlier.some((call) => call.operation === operation);
/** The throwaway write a rotation makes before its POST, to prove it may write the secret. */
const isWriteCheck = (call: ObservedCall) => call.operation === 'PutSecretValue' && (call.labels ?? []).includes(WRITE_CHECK);
/** A write of a Prolific secret (as AWSPENDING), not the write check. */
const isSecretWrite = (call: ObservedCall) => call.operation === 'PutSecretValue' && !isWriteCheck(call);
/** The calls made after the first write of a Prolific secret. */
const afterSecretWrite = (earlier: readonly ObservedCall[]) => {
  const write = earlier.findIndex(isSecretWrite);
  return write === -1 ? [] : earlier.slice(write + 1);
};

/**
 * The points of a rotation a Lambda timeout can fall after, in the order a run that starts in sync makes
 * its calls: pre-flight, the reconcile GET, the write check, the POST, the write of the new secret as
 * AWSPENDING, the GET that confirms it, moving AWSCURRENT, removing AWSPENDING, the GET that confirms
 * again. Each names the first call of the next step.
 */
export const CUT_OFF_POINTS = {
  afterPreFlight: {
    description: 'after pre-flight (token, identities, DescribeSecret, AWSCURRENT read)',
    isFirstCallAfter: (call) => isProlific(call),
  },
  afterReconcileGet: {
    description: 'after the reconcile GET, before the write check',
    isFirstCallAfter: (_call, earlier) => earlier.some(isGet),
  },
  afterWriteCheck: {
    description: 'after the write check, before the POST',
    isFirstCallAfter: (_call, earlier) => earlier.some(isWriteCheck),
  },
  afterPost: {
    description: 'after the POST (Prolific acted, nothing stored)',
    isFirstCallAfter: (_call, earlier) => made(earlier, 'POST'),
  },
  afterPutSecretValue: {
    description: 'after PutSecretValue (AWSPENDING stored, not confirmed)',
    isFirstCallAfter: (_call, earlier) => earlier.some(isSecretWrite),
  },
  afterConfirmingGet: {
    description: 'after the GET that confirms AWSPENDING, before the promotion',
    isFirstCallAfter: (_call, earlier) => afterSecretWrite(earlier).some(isGet),
  },
  afterCurrentMoved: {
    description: 'after AWSCURRENT moved, before AWSPENDING was removed',
    isFirstCallAfter: (_call, earlier) => made(earlier, 'UpdateSecretVersionStage'),
  },
  afterPromotion: {
    description: 'after the promotion, before the GET that confirms again',
    isFirstCallAfter: (call, earlier) => isProlific(call) && made(earlier, 'UpdateSecretVersionStage'),
  },
} satisfies Record<string, CutOffPoint>;

export type CutOffPointName = keyof typeof CUT_OFF_POINTS;

export interface CutOffRun {
  /** False when the run finished before it made any call past the cut: the scenario did not test its cut. */
  readonly reachedCut: boolean;
  /** Set only when the run finished (it should not have). */
  readonly report?: RotationReport;
  readonly error?: Error;
  /** Everything the run printed before it was cut off. */
  readonly output: readonly string[];
  /** How many calls the run tried to make past the cut (all held); 1 means it is frozen on the first. */
  heldCalls(): number;
}

/**
 * Invokes a fresh handler (a new execution environment, configured like the harness's) whose calls pass
 * the fence, and returns once the run is parked on its first call past `point`.
 */
export async function invokeUntilCutOff(harness: Harness, point: CutOffPoint, event: unknown): Promise<CutOffRun> {
  const fence = createFence(point);
  const handler = createHandler({
    env: harness.env,
    secretsManager: fence.guard(harness.secretsManager.client({ maxAttempts: 2 })),
    eventBridge: harness.eventBridge.client(),
    logger: new Logger({ serviceName: 'prolific-webhook-secret-rotation' }),
    metrics: new Metrics({ namespace: 'ProlificWebhookSecretRotation', serviceName: 'prolific-webhook-secret-rotation' }),
    prolific: clocklessProlific(fence.fetch),
  });

  // Without getRemainingTimeInMillis, middy sets no early-timeout timer: the abandoned run's would stay
  // pending for the whole timeout of the stand-in context (15 minutes) and keep a script such as the report alive.
  const context: Partial<Context> = standInContext();
  delete context.getRemainingTimeInMillis;

  const output: string[] = [];
  const settled = await captureOutput(output, () => {
    const invocation = handler(event, context as Context).then(
      (report) => ({ report }),
      (error: unknown) => ({ error: error as Error }),
    );
    return Promise.race([invocation, fence.reached.then(() => undefined)]);
  });
  return { reachedCut: settled === undefined, ...settled, output, heldCalls: () => fence.heldCalls };
}

interface Fence {
  readonly fetch: typeof fetch;
  guard(client: SecretsManagerClient): SecretsManagerClient;
  readonly reached: Promise<void>;
  readonly heldCalls: number;
}

function createFence(point: CutOffPoint): Fence {
  const earlier: ObservedCall[] = [];
  let held = 0;
  let markReached: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    markReached = resolve;
  });

  /** Sends the call, unless it is the first past the cut or comes after it: then it never settles. */
  function pass<T>(call: ObservedCall, send: () => Promise<T>): Promise<T> {
    if (held > 0 || point.isFirstCallAfter(call, earlier)) {
      held += 1;
      markReached();
      return new Promise<T>(() => undefined);
    }
    earlier.push(call);
    return send();
  }

  return {
    fetch: (input, init) => pass({ service: 'Prolific', operation: init?.method ?? 'GET' }, () => fetch(input, init)),
    guard(client) {
      client.middlewareStack.add(
        (next, context) => (args) => {
          const { VersionStages: labels } = args.input as { VersionStages?: string[] };
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          return pass({ service: 'SecretsManager', operation, ...(labels === undefined ? {} : { labels }) }, () => next(args));
        },
        { step: 'initialize', name: 'cutOffFence' },
      );
      return client;
    },
    reached,
    get heldCalls() {
      return held;
    },
  };
}

