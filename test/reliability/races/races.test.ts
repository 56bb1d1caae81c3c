// Races: 2, 5 and 10 runs started at once against the same stand-ins, in this process and as separate
// processes, with seeded random delays on Prolific and on Secrets Manager; and a scheduled rotation
// overlapping a console sync. The delays are seeded, but which run gets which delay depends on real
// timing, so what is asserted must hold for every interleaving. Once every run has finished, invariant 3
// (concurrent runs never leave Secrets Manager holding a secret Prolific no longer accepts), invariant 2
// (after a failed run, at most one further run restores AWSCURRENT to Prolific's active secret) and
// invariant 4 (no secret value or token in logs, errors or results) mean:
// - each run succeeds, or fails with one of the two errors the design allows under contention:
//   RotationConflictError (Prolific's secret kept changing through all its settle rounds) or an
//   InvalidParameterException on a label move (AWSCURRENT kept moving through all its retries). Not
//   RotationUnconfirmedError: a run fails with it only when, after its own POST, Prolific still lists the
//   secret that POST replaced; another run's POST can only put a newer secret in its place (Prolific never
//   brings an old id back), which the run then stores or runs out of rounds on (RotationConflictError);
// - if every run succeeded, AWSCURRENT holds Prolific's active secret and no AWSPENDING is left over;
// - if some run failed (loudly: its invocation ended in an error), one further run, alone, restores that;
// - no secret value or the token appears in anything the runs printed or returned.
// A schedule overlapping one console sync has no such excuse: both succeed.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../lambda/rotation-function/handler.js';
import { capturingOutput } from '../../support/capture-output.js';
import { defined } from '../../support/defined.js';
import { startHarness, TEST_WORKSPACES, type Harness } from '../../support/harness.js';
import { standInContext, invoke, type ErrorSummary, type InvocationOutcome } from '../../../local/invoke-handler.js';
import { countLeaks, targetState, visibleTexts } from '../runs/checks.js';
import { createRandom, formatSeed, seedAt, type Random } from '../runs/seeded-random.js';
import { prepareChildProcesses, type ChildProcesses } from './child-processes.js';
import { delayProlificRequests, startDelayingProxy, type DelayingProxy } from './delays.js';

const [WORKSPACE] = TEST_WORKSPACES;
const RACE_SIZES = [2, 5, 10] as const;
/** In-process races are cheap: several seeds per size try more interleavings. */
const SEEDS_PER_SIZE = 6;
const BASE_SEED = 0x7ace_0001;
const PROLIFIC_MAX_DELAY_MS = 25;
const SECRETS_MANAGER_MAX_DELAY_MS = 10;
/** Enough delay rules for every Prolific request of a run (GETs, POST, confirming GETs), with room to spare. */
const PROLIFIC_DELAYS_PER_RUN = 10;

const ALLOWED_CONTENTION_FAILURE =
  /: failed at step \S+: (RotationConflictError|SecretStoreError: Secrets Manager UpdateSecretVersionStage on \S+ failed: InvalidParameterException)/;

interface Stage {
  readonly harness: Harness;
  readonly proxy: DelayingProxy;
  readonly random: Random;
  readonly seed: number;
}

let stage: Stage | undefined;
let loneHarness: Harness | undefined;
async function tearDown(): Promise<void> {
  await stage?.proxy.close();
  await stage?.harness.close();
  await loneHarness?.close();
  stage = undefined;
  loneHarness = undefined;
}
afterEach(tearDown);

/** Stand-ins for one workspace, with seeded delays armed on both: Prolific's `delay` fault, a delaying proxy for Secrets Manager. */
async function setUp(seed: number, runs: number): Promise<Stage> {
  const random = createRandom(seed);
  const harness = await startHarness({ workspaces: [WORKSPACE] });
  const proxy = await startDelayingProxy(harness.secretsManager.endpoint, random.fork(), SECRETS_MANAGER_MAX_DELAY_MS);
  delayProlificRequests(harness.prolific, random.fork(), runs * PROLIFIC_DELAYS_PER_RUN, PROLIFIC_MAX_DELAY_MS);
  stage = { harness, proxy, random, seed };
  return stage;
}

/** Starts one handler per event at once in this process (each its own instance, as separate Lambda environments). */
async function runInProcess({ harness, proxy, random }: Stage, events: readonly unknown[]) {
  const { value: outcomes, output } = await capturingOutput(() =>
    Promise.all(
      events.map((event) => {
        const handler = createHandler({
          env: harness.env,
          secretsManager: harness.secretsManager.client({ endpoint: proxy.url }),
          eventBridge: harness.eventBridge.client(),
          prolific: { random: random.fork().next },
        });
        return invoke(handler, event, standInContext());
      }),
    ),
  );
  return { outcomes, texts: [...output, ...outcomes.flatMap(visibleTexts)] };
}

/** Starts one process per event, all at once, each configured only by its environment. */
async function runInChildren(children: ChildProcesses, { harness, proxy }: Stage, events: readonly unknown[]) {
  const functionEnv = Object.fromEntries(
    Object.entries<string | undefined>({
      ...harness.env,
      ...harness.eventBridge.env(),
      ...harness.secretsManager.env(),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
    }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const runs = await children.invoke(events, functionEnv);
  return { outcomes: runs.map((run) => run.outcome), texts: runs.flatMap((run) => [run.output, ...visibleTexts(run.outcome)]) };
}

/** Asserts the header's rules on the finished runs; returns a one-line summary for the test output. */
async function assertSettled(
  { harness, seed }: Stage,
  outcomes: readonly InvocationOutcome<ErrorSummary>[],
  texts: readonly string[],
): Promise<string> {
  const target = { workspaceId: WORKSPACE, secretId: harness.secretIdFor(WORKSPACE) };
  const context = `seed ${formatSeed(seed)}`;
  const failures = outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : []));
  for (const failure of failures) {
    expect(failure.name, context).toBe('RotationFailedError');
    expect(failure.message, context).toMatch(ALLOWED_CONTENTION_FAILURE);
  }
  expect(countLeaks(harness.secrets(), texts), `${context}: secret values or the token in output, results or errors`).toBe(0);

  const settled = targetState(harness.prolific, harness.secretsManager, target);
  if (failures.length === 0) {
    expect(settled, context).toEqual({ inSync: true, pendingLeft: false });
  } else {
    harness.prolific.clearFaults();
    const recovery = await harness.invoke({ action: 'sync' });
    expect(recovery.error, context).toBeUndefined();
    expect(targetState(harness.prolific, harness.secretsManager, target), context).toEqual({ inSync: true, pendingLeft: false });
    harness.assertNoSecretLeaked(recovery.report);
  }
  const failureKinds = failures.map((failure) =>
    ALLOWED_CONTENTION_FAILURE.exec(failure.message)?.[1]?.startsWith('RotationConflictError') ? 'settle rounds' : 'label moves',
  );
  return (
    `${outcomes.length - failures.length} succeeded, ` +
    `${failures.length} failed${failures.length ? ` (out of ${failureKinds.join(', ')})` : ''}; ` +
    `in sync once all finished: ${settled.inSync ? 'yes' : 'no, one sync restored it'}`
  );
}

const rotations = (count: number) => Array.from({ length: count }, () => ({ action: 'rotate' }));

describe('races: runs started at once in one process', () => {
  it.each(RACE_SIZES)('%i rotations at once leave Secrets Manager holding the secret Prolific signs with', async (size) => {
    const summaries: string[] = [];
    for (let index = 0; index < SEEDS_PER_SIZE; index++) {
      const current = await setUp(seedAt(BASE_SEED + size, index), size);

      const { outcomes, texts } = await runInProcess(current, rotations(size));

      summaries.push(`${formatSeed(current.seed)}: ${await assertSettled(current, outcomes, texts)}`);
      await tearDown();
    }
    console.info(`${size} rotations at once, in one process:\n  ${summaries.join('\n  ')}`);
  });

  it('a scheduled rotation overlapping a console sync: both succeed, and the new secret is stored', async () => {
    for (let index = 0; index < SEEDS_PER_SIZE; index++) {
      const current = await setUp(seedAt(BASE_SEED, index), 2);
      await current.harness.invoke({ action: 'sync' });

      const { outcomes, texts } = await runInProcess(current, [{ action: 'rotate' }, { action: 'sync', workspaceId: WORKSPACE }]);

      assertOverlapSettled(current, outcomes, texts);
      await tearDown();
    }
  });
});

describe('races: runs started at once as separate processes', () => {
  let children: ChildProcesses | undefined;
  beforeAll(async () => {
    children = await prepareChildProcesses();
  });
  afterAll(() => children?.close());

  it.each(RACE_SIZES)('%i processes rotating at once leave Secrets Manager holding the secret Prolific signs with', async (size) => {
    const current = await setUp(seedAt(BASE_SEED + 100 + size, 0), size);

    const { outcomes, texts } = await runInChildren(defined(children), current, rotations(size));

    expect(outcomes).toHaveLength(size);
    console.info(`${size} rotations at once, as processes (${formatSeed(current.seed)}): ${await assertSettled(current, outcomes, texts)}`);
  });

  it('a scheduled rotation overlapping a console sync, in two processes: both succeed', async () => {
    const current = await setUp(seedAt(BASE_SEED + 200, 0), 2);
    await current.harness.invoke({ action: 'sync' });

    const events = [{ action: 'rotate' }, { action: 'sync', workspaceId: WORKSPACE }];
    const { outcomes, texts } = await runInChildren(defined(children), current, events);

    assertOverlapSettled(current, outcomes, texts);
  });
});

/**
 * Starting in sync, the rotation is the only run that POSTs and each run moves AWSCURRENT at most once,
 * so neither can exhaust its settle rounds or label-move retries: both must succeed.
 */
function assertOverlapSettled(
  { harness, seed }: Stage,
  outcomes: readonly InvocationOutcome<ErrorSummary>[],
  texts: readonly string[],
): void {
  const context = `seed ${formatSeed(seed)}`;
  const [rotate, sync] = outcomes;
  expect(rotate?.error, context).toBeUndefined();
  expect(sync?.error, context).toBeUndefined();
  expect(rotate?.report?.results[0]?.outcome, context).toBe('rotated');
  // The sync saw the state before, during (the rotation's AWSPENDING) or after the rotation.
  expect(['unchanged', 'healed', 'resumed'], context).toContain(sync?.report?.results[0]?.outcome);
  expect(harness.prolific.calls.filter((call) => call.method === 'POST'), context).toHaveLength(1);
  const target = { workspaceId: WORKSPACE, secretId: harness.secretIdFor(WORKSPACE) };
  expect(targetState(harness.prolific, harness.secretsManager, target), context).toEqual({ inSync: true, pendingLeft: false });
  expect(countLeaks(harness.secrets(), texts), context).toBe(0);
}

describe("races: Secrets Manager's own rotation overlapping other runs", () => {
  const TOKEN = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  const native = (h: Harness, Step: string) => ({ Step, SecretId: h.secretIdFor(WORKSPACE), ClientRequestToken: TOKEN });

  /**
   * Holds this client's `nth` call of `commandName` until release(). `reached(invocation)` resolves once
   * the call is held, and rejects if the invocation finishes first (it never made that call): a test
   * waits for the call or for the end of the run that should make it, never forever.
   */
  function holdCall(client: SecretsManagerClient, commandName: string, nth: number) {
    let calls = 0;
    let release: () => void = () => undefined;
    let markHeld: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = new Promise<void>((resolve) => (markHeld = resolve));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === commandName && ++calls === nth) {
          markHeld();
          await released;
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdCall' },
    );
    const reached = (invocation: Promise<InvocationOutcome>) =>
      Promise.race([
        held,
        invocation.then((outcome) => {
          throw new Error(
            `The run finished after ${calls} ${commandName} call(s), before its call ${nth} could be held: ` +
              (outcome.error?.message ?? 'it succeeded'),
          );
        }),
      ]);
    return { reached, release };
  }

  // Found by the randomized sequences: finishSecret checked Prolific, then a concurrent rotation replaced
  // the secret, then finishSecret made its (now dead) version AWSCURRENT and reported success.
  it('finishSecret fails loudly instead of making a secret Prolific no longer accepts AWSCURRENT, and one sync heals', async () => {
    const h = (loneHarness = await startHarness({ workspaces: [WORKSPACE] }));
    const client = h.secretsManager.client();
    // finishSecret's DescribeSecrets, in a new execution environment: the token secret's and the target's
    // identities, the step's own, then the one promote() makes right before moving AWSCURRENT.
    const hold = holdCall(client, 'DescribeSecretCommand', 4);

    const { value: outcomes, output } = await capturingOutput(async () => {
      await h.invoke({ action: 'sync' });
      h.secretsManager.startRotation(h.secretIdFor(WORKSPACE), TOKEN);
      for (const step of ['createSecret', 'setSecret', 'testSecret']) await h.invoke(native(h, step));
      const handler = createHandler({ env: h.env, secretsManager: client, eventBridge: h.eventBridge.client() });
      const finishing = invoke(handler, native(h, 'finishSecret'), standInContext());
      await hold.reached(finishing);
      const resumed = await h.invoke({ action: 'rotate' });
      const rotated = await h.invoke({ action: 'rotate' });
      hold.release();
      return { resumed, rotated, finished: await finishing };
    });

    expect(outcomes.resumed.report?.results[0]?.outcome).toBe('resumed');
    expect(outcomes.rotated.report?.results[0]?.outcome).toBe('rotated');
    expect(outcomes.finished.error?.message).toMatch(
      /RotationConflictError: Prolific's secret changed while version \S+ was made current .*Run \{"action": "sync"\}/,
    );
    const recovery = await h.invoke({ action: 'sync' });
    expect(recovery.report?.results[0]?.outcome).toBe('healed');
    expect(h.inSync(WORKSPACE)).toBe(true);
    h.assertNoSecretLeaked(...output, outcomes.finished.error);
  });

  // Also found by the randomized sequences: the sync stored the new secret under its own version and made
  // it current, the native rotation's AWSPENDING landed on its token's version afterwards, and every later
  // run "resumed" that pending version (reporting success) instead of rotating.
  it(
    'a native rotation whose write lands after a concurrent sync leaves no lock: the next run resumes once, the one after rotates',
    async () => {
      const h = (loneHarness = await startHarness({ workspaces: [WORKSPACE] }));
      const client = h.secretsManager.client();
      // createSecret's PutSecretValues: the write check, then the new secret under the token.
      const hold = holdCall(client, 'PutSecretValueCommand', 2);

      const { value: outcomes, output } = await capturingOutput(async () => {
        await h.invoke({ action: 'sync' });
        h.secretsManager.startRotation(h.secretIdFor(WORKSPACE), TOKEN);
        const handler = createHandler({ env: h.env, secretsManager: client, eventBridge: h.eventBridge.client() });
        const creating = invoke(handler, native(h, 'createSecret'), standInContext());
        await hold.reached(creating);
        const synced = await h.invoke({ action: 'sync', workspaceId: WORKSPACE });
        hold.release();
        const created = await creating;
        return { synced, created, resumed: await h.invoke({ action: 'rotate' }), rotated: await h.invoke({ action: 'rotate' }) };
      });

      expect(outcomes.synced.report?.results[0]?.outcome).toBe('healed');
      // createSecret stored the new secret as AWSPENDING: not rotated until AWSCURRENT moves.
      expect(outcomes.created.report?.results[0]?.outcome).toBe('unchanged');
      expect(outcomes.resumed.report?.results[0]?.outcome).toBe('resumed');
      expect(outcomes.rotated.report?.results[0]?.outcome).toBe('rotated');
      expect(targetState(h.prolific, h.secretsManager, { workspaceId: WORKSPACE, secretId: h.secretIdFor(WORKSPACE) })).toEqual({
        inSync: true,
        pendingLeft: false,
      });
      h.assertNoSecretLeaked(...output, ...Object.values(outcomes).flatMap(visibleTexts));
    },
  );
});
