// Runs several invocations "at once", deterministically: every request a run sends to Prolific or to
// Secrets Manager waits at a gate, and only when every live run waits there (or has ended) does the
// scheduler pick, with a seeded generator, which request goes next and what happens to it. One request
// is in flight at a time, so the interleaving, and everything that follows from it, is a function of
// the seed: a failing seed replays exactly.
//
// The scheduler never waits forever. A run may have several requests at its gate at once (the handler
// resolves its secrets' identities in parallel): they queue, oldest first. A run that ends releases what
// it still had queued. And if, for STALL_TURNS turns of the event loop, no request is in flight and
// nothing changes while some live run is neither at its gate nor ended, the round fails with a
// SchedulerStallError saying which runs are stuck where, instead of hanging.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defined } from '../../support/defined.js';
import type { Random } from '../runs/seeded-random.js';

/** A request a run is about to send, as the chooser sees it. */
export type GatedRequest =
  | { readonly service: 'prolific'; readonly method: string }
  | {
      readonly service: 'secrets-manager';
      readonly operation: string;
      readonly secretId: string | undefined;
      /** PutSecretValue only: the labels the write asks for (VersionStages). */
      readonly labels?: readonly string[];
    };

/** What happens to one request. */
export type Step =
  /**
   * Send it, after `prepare` (which may arm a stand-in fault for it). `twice`: send it a second time and
   * answer with the second result, as a client does when the first answer was lost.
   */
  | { readonly kind: 'send'; readonly prepare?: () => void; readonly twice?: boolean }
  /**
   * The run dies here (a Lambda timeout or crash): before sending, or after the request took effect but
   * before its answer arrived. Either way it never runs again, so it can never write later.
   */
  | { readonly kind: 'cut-off'; readonly afterSending: boolean };

export type Chooser = (runId: number, request: GatedRequest, random: Random) => Step;

/** How a run ended: its invocation finished (whatever it returned), or it was cut off at a request. */
export type RunEnd<T> = { readonly kind: 'finished'; readonly value: T } | { readonly kind: 'cut-off'; readonly at: GatedRequest };

/** Passes one request of one run through the scheduler. */
export type Gate = <R>(request: GatedRequest, send: () => Promise<R>) => Promise<R>;

/** The runs stopped making progress: no request in flight, and a live run neither at its gate nor ended. */
export class SchedulerStallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerStallError';
  }
}

/**
 * How many turns of the event loop (setImmediate, no clock) the scheduler waits, with no request in
 * flight and nothing changing, before it calls the runs stuck. A run only ever waits for its gate's
 * answers, and between two requests does work that settles within a few turns.
 */
const STALL_TURNS = 2_000;

interface Waiting {
  readonly request: GatedRequest;
  readonly send: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Starts `count` runs at once and resolves when each has finished or been cut off. `start` must not
 * reject (turn the invocation's error into a value), and must send every request through its gate.
 * Rejects with SchedulerStallError when the runs stop making progress (see STALL_TURNS).
 */
export function runInterleaved<T>(
  count: number,
  random: Random,
  choose: Chooser,
  start: (runId: number, gate: Gate) => Promise<T>,
): Promise<RunEnd<T>[]> {
  const ends = new Map<number, RunEnd<T>>();
  const live = new Set<number>();
  /** Each live run's requests waiting at its gate, oldest first. */
  const waiting = new Map<number, Waiting[]>();
  /** The last request each run sent, for a stall's message. */
  const lastSent = new Map<number, GatedRequest>();
  let sending = false;
  let done = false;
  /** Counts every request queued, answered, and every run that ended: what a stall watch looks at. */
  let progress = 0;
  let watching = false;

  return new Promise<RunEnd<T>[]>((resolveAll, rejectAll) => {
    function fail(error: unknown): void {
      if (done) return;
      done = true;
      rejectAll(error instanceof Error ? error : new Error(String(error)));
    }

    function end(runId: number, runEnd: RunEnd<T>): void {
      if (!live.has(runId)) return;
      live.delete(runId);
      // Whatever the run still had queued is never sent and never answered: nothing waits for it any more.
      waiting.delete(runId);
      ends.set(runId, runEnd);
      progress += 1;
      dispatch();
    }

    const queued = (runId: number) => waiting.get(runId)?.length ?? 0;

    function dispatch(): void {
      if (done || sending) return;
      if (live.size === 0) {
        done = true;
        resolveAll([...Array(count).keys()].map((runId) => defined(ends.get(runId), `end of run ${runId}`)));
        return;
      }
      if ([...live].some((runId) => queued(runId) === 0)) {
        watchForStall(); // a run is between two requests, or stuck
        return;
      }
      const runId = random.pick([...live].sort((a, b) => a - b));
      const entry = defined(waiting.get(runId)?.shift(), `request of run ${runId}`);
      const step = choose(runId, entry.request, random);
      if (step.kind === 'cut-off' && !step.afterSending) {
        end(runId, { kind: 'cut-off', at: entry.request });
        return;
      }
      sending = true;
      lastSent.set(runId, entry.request);
      sendOne(entry, step).then((settle) => {
        sending = false;
        progress += 1;
        if (step.kind === 'cut-off') {
          end(runId, { kind: 'cut-off', at: entry.request });
          return;
        }
        settle();
        // The run carries on, and calls dispatch() at its next request or its end. It may also have
        // queued another request already (requests sent in parallel): once its continuation has run,
        // look again.
        setImmediate(dispatch);
      }, fail);
    }

    async function sendOne(entry: Waiting, step: Step): Promise<() => void> {
      if (step.kind === 'send') step.prepare?.();
      try {
        let value = await entry.send();
        if (step.kind === 'send' && step.twice) value = await entry.send();
        return () => { entry.resolve(value); };
      } catch (error) {
        return () => { entry.reject(error); };
      }
    }

    /** Fails the round if nothing moves for STALL_TURNS turns of the event loop while no request is in flight. */
    function watchForStall(): void {
      if (watching) return;
      watching = true;
      const seen = progress;
      let turns = 0;
      const check = () => {
        if (done || sending || progress !== seen) {
          watching = false;
          if (!done && !sending) dispatch();
          return;
        }
        if (++turns < STALL_TURNS) {
          setImmediate(check);
          return;
        }
        const stuck = [...live].filter((runId) => queued(runId) === 0);
        const where = (runId: number) => {
          const last = lastSent.get(runId);
          return `run ${runId} (last request sent: ${last === undefined ? 'none' : describeRequest(last)})`;
        };
        fail(
          new SchedulerStallError(
            `${stuck.map(where).join(', ')} neither reached its gate nor ended for ${STALL_TURNS} turns of the event loop, ` +
              'with no request in flight: it waits for something that does not pass the gate (a request made around it, ' +
              'or a promise that never settles).',
          ),
        );
      };
      setImmediate(check);
    }

    for (let runId = 0; runId < count; runId++) live.add(runId);
    for (let runId = 0; runId < count; runId++) {
      const gate: Gate = (request, send) =>
        new Promise((resolve, reject) => {
          // A run that ended (cut off, or finished while a request of its own was still on its way) never
          // sends again; and nothing is sent once the round is over.
          if (done || !live.has(runId)) return;
          const queue = waiting.get(runId) ?? [];
          queue.push({ request, send, resolve: resolve as (value: unknown) => void, reject });
          waiting.set(runId, queue);
          progress += 1;
          dispatch();
        });
      start(runId, gate).then((value) => { end(runId, { kind: 'finished', value }); }, fail);
    }
    if (count === 0) dispatch();
  });
}

/** A request in a few words, e.g. `Prolific POST` or `PutSecretValue (labels PROLIFIC-ROTATION-WRITE-CHECK)`. */
export function describeRequest(request: GatedRequest): string {
  if (request.service === 'prolific') return `Prolific ${request.method}`;
  return request.labels === undefined ? request.operation : `${request.operation} (labels ${request.labels.join(', ') || 'none'})`;
}

/**
 * A `fetch` for the Prolific client whose requests pass the gate. It reads the whole body inside the
 * gate, so nothing of the run waits on the network once the gate lets it go, and it drops the client's
 * abort signal: here the scheduler, not the clock, decides whether an answer comes.
 */
export function gatedFetch(gate: Gate): typeof fetch {
  return function fetchThroughGate(input, init) {
    const options: RequestInit = { ...init, signal: undefined };
    return gate({ service: 'prolific', method: options.method ?? 'GET' }, async () => {
      const response = await fetch(input, options);
      try {
        const body = await response.text();
        return new Response(body, { status: response.status, headers: response.headers });
      } catch (error) {
        // The stand-in cut the body short: hand the run a body that fails the same way.
        const cutShort = new ReadableStream({ start: (controller) => { controller.error(error); } });
        return new Response(cutShort, { status: response.status, headers: response.headers });
      }
    });
  };
}

/** Sends every command of this client (the SDK's retries included) through the gate. */
export function gateSecretsManager(client: SecretsManagerClient, gate: Gate): SecretsManagerClient {
  client.middlewareStack.add(
    (next, context) => (args) =>
      gate(
        {
          service: 'secrets-manager',
          operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          secretId: (args.input as { SecretId?: string }).SecretId,
          ...labelsOf(args.input),
        },
        () => next(args),
      ),
    { step: 'initialize', name: 'reliabilitySchedulerGate' },
  );
  return client;
}

function labelsOf(input: unknown): { labels?: readonly string[] } {
  const { VersionStages: labels } = input as { VersionStages?: string[] };
  return labels === undefined ? {} : { labels: [...labels] };
}
