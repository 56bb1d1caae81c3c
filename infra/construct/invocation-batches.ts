import { Duration } from 'aws-cdk-lib';
import { HEARTBEAT_EVENT, MAX_EVENT_BYTES, SCHEDULED_ROTATION_EVENT } from '../../lambda/contract/invocation-events.js';
import { INVOCATION_OVERHEAD_MS, TARGET_TIME_BUDGET_MS } from '../../lambda/contract/time-budgets.js';
import { MAX_CONCURRENCY } from '../../lambda/contract/environment.js';

/** Lambda's hard limit on one invocation. */
const LAMBDA_MAX_TIMEOUT = Duration.minutes(15);
/** How long Lambda keeps an asynchronous event that waits for the function (the most it allows). */
export const MAX_EVENT_AGE = Duration.hours(6);
// Lambda tries a throttled asynchronous event again after at most this long, so the function may sit idle
// this long between one queued run and the next.
export const THROTTLED_RETRY_INTERVAL = Duration.minutes(5);
// Every batch has a rotation schedule and a heartbeat, and both may fire at the same moment.
const SCHEDULES_PER_BATCH = 2;

/** How the workspaces are split across scheduled invocations, and how long one invocation may run. */
export interface InvocationBatches {
  /** The workspaces each scheduled invocation works on, in the configured order; one batch holds them all. */
  readonly batches: readonly (readonly string[])[];
  /** The function's timeout: room for the largest batch. */
  readonly timeout: Duration;
}

/**
 * The targets one invocation can promise to finish within Lambda's 15 minutes: `concurrency` at a time, each
 * within its time budget, after the invocation's own overhead.
 */
export function targetsPerInvocation(concurrency: number): number {
  return concurrency * Math.floor((LAMBDA_MAX_TIMEOUT.toMilliseconds() - INVOCATION_OVERHEAD_MS) / TARGET_TIME_BUDGET_MS);
}

/** Long enough for the worst case of `batchSize` targets run `concurrency` at a time, retries included. */
export function invocationTimeout(batchSize: number, concurrency: number): Duration {
  const rounds = Math.ceil(batchSize / concurrency);
  return Duration.seconds(Math.ceil((INVOCATION_OVERHEAD_MS + rounds * TARGET_TIME_BUDGET_MS) / 1000));
}

/**
 * As few near-equal batches (in the configured order) as keep each within one invocation and each batch's
 * events within MAX_EVENT_BYTES. Throws when the batches, run one at a time (reserved concurrency 1), would
 * keep the last one waiting longer than Lambda keeps an asynchronous event.
 */
export function batchInvocations(workspaceIds: readonly string[], concurrency: number): InvocationBatches {
  let batches = splitEvenly(workspaceIds, Math.ceil(workspaceIds.length / targetsPerInvocation(concurrency)));
  while (!batches.every((batch) => eventsFit(batch, batches.length))) {
    batches = splitEvenly(workspaceIds, batches.length + 1);
  }
  const timeout = invocationTimeout(Math.max(...batches.map((batch) => batch.length)), concurrency);
  const queued = SCHEDULES_PER_BATCH * batches.length;
  const lastStart = (queued - 1) * (timeout.toSeconds() + THROTTLED_RETRY_INTERVAL.toSeconds());
  if (lastStart > MAX_EVENT_AGE.toSeconds()) {
    throw new Error(
      `workspaces: ${workspaceIds.length} workspaces at concurrency ${concurrency} need ${batches.length} scheduled ` +
        `invocations of up to ${timeout.toSeconds()} s each; run one at a time, with their heartbeats, the last would ` +
        `wait longer than the ${MAX_EVENT_AGE.toHours()} hours Lambda keeps an event. Raise concurrency (at most ` +
        `${MAX_CONCURRENCY}) or split the workspaces across stacks`,
    );
  }
  return { batches, timeout };
}

/**
 * What a schedule sends for one batch: the contract's own event (every workspace) when one batch holds them
 * all, so a deployment that needs no batches sends exactly what it always did.
 */
export function batchEvent(event: object, batch: readonly string[], batchCount: number): object {
  return batchCount === 1 ? event : { ...event, workspaceIds: batch };
}

function eventsFit(batch: readonly string[], batchCount: number): boolean {
  return [SCHEDULED_ROTATION_EVENT, HEARTBEAT_EVENT].every(
    (event) => JSON.stringify(batchEvent(event, batch, batchCount)).length <= MAX_EVENT_BYTES,
  );
}

/** `count` consecutive slices whose sizes differ by at most one. */
function splitEvenly(items: readonly string[], count: number): string[][] {
  const size = Math.floor(items.length / count);
  const larger = items.length % count;
  const slices: string[][] = [];
  let start = 0;
  for (let index = 0; index < count; index++) {
    const end = start + size + (index < larger ? 1 : 0);
    slices.push(items.slice(start, end));
    start = end;
  }
  return slices;
}
