// Runs several invocations "at once", deterministically: every request a run sends to Prolific or to
// Secrets Manager waits at a gate, and only when every live run waits there (or has ended) does the
// scheduler pick, with a seeded generator, which request goes next and what happens to it. One request
// is in flight at a time, so the interleaving, and everything that follows from it, is a function of
// the seed: a failing seed replays exactly.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Random } from '../runs/seeded-random.js';

/** A request a run is about to send, as the chooser sees it. */
export type GatedRequest =
  | { readonly service: 'prolific'; readonly method: string }
  | { readonly service: 'secrets-manager'; readonly operation: string; readonly secretId: string | undefined };

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

interface Waiting {
  readonly request: GatedRequest;
  readonly send: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Starts `count` runs at once and resolves when each has finished or been cut off. `start` must not
 * reject (turn the invocation's error into a value), and must send every request through its gate.
 */
export function runInterleaved<T>(
  count: number,
  random: Random,
  choose: Chooser,
  start: (runId: number, gate: Gate) => Promise<T>,
): Promise<RunEnd<T>[]> {
  const ends = new Map<number, RunEnd<T>>();
  const live = new Set<number>();
  const waiting = new Map<number, Waiting>();
  let sending = false;

  return new Promise<RunEnd<T>[]>((resolveAll, rejectAll) => {
    function end(runId: number, runEnd: RunEnd<T>): void {
      live.delete(runId);
      ends.set(runId, runEnd);
      dispatch();
    }

    function dispatch(): void {
      if (sending || waiting.size < live.size) return; // a run is still between two requests
      if (live.size === 0) {
        resolveAll([...Array(count).keys()].map((runId) => ends.get(runId) as RunEnd<T>));
        return;
      }
      const runId = random.pick([...waiting.keys()].sort((a, b) => a - b));
      const entry = waiting.get(runId) as Waiting;
      waiting.delete(runId);
      const step = choose(runId, entry.request, random);
      if (step.kind === 'cut-off' && !step.afterSending) {
        end(runId, { kind: 'cut-off', at: entry.request });
        return;
      }
      sending = true;
      sendOne(entry, step).then((settle) => {
        sending = false;
        if (step.kind === 'cut-off') end(runId, { kind: 'cut-off', at: entry.request });
        else settle(); // the run carries on; it calls dispatch() again at its next request or its end
      }, rejectAll);
    }

    async function sendOne(entry: Waiting, step: Step): Promise<() => void> {
      if (step.kind === 'send') step.prepare?.();
      try {
        let value = await entry.send();
        if (step.kind === 'send' && step.twice) value = await entry.send();
        return () => entry.resolve(value);
      } catch (error) {
        return () => entry.reject(error);
      }
    }

    for (let runId = 0; runId < count; runId++) live.add(runId);
    for (let runId = 0; runId < count; runId++) {
      const gate: Gate = (request, send) =>
        new Promise((resolve, reject) => {
          waiting.set(runId, { request, send, resolve: resolve as (value: unknown) => void, reject });
          dispatch();
        });
      start(runId, gate).then((value) => end(runId, { kind: 'finished', value }), rejectAll);
    }
    if (count === 0) dispatch();
  });
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
        const cutShort = new ReadableStream({ start: (controller) => controller.error(error) });
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
        },
        () => next(args),
      ),
    { step: 'initialize', name: 'reliabilitySchedulerGate' },
  );
  return client;
}
