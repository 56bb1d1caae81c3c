// Randomized sequences: a seeded generator plays rounds of runs started at once (rotate, sync, status,
// dry runs, Secrets Manager's own four-step rotation once RotateSecret has labelled its token, and now
// and then a native step that RotateSecret never started), with faults from both stand-ins (the write
// check denied, a POST answered with a secret Prolific never lists), lost answers, cut-off runs and hand
// edits (the secret replaced in the Prolific app, AWSCURRENT taken off its version), then checks
// invariant 1 (after a successful run, AWSCURRENT holds Prolific's active secret), invariant 2 (after any
// failed or cut-off run, at most one further run restores 1) and invariant 4 (no secret value or token in
// logs, errors or results); and of each run, that a failed write check was never followed by a POST, and
// that a native step RotateSecret never started changed nothing. The deterministic scheduler
// (scheduler.ts) makes each sequence a function of its seed (and of the code: a change that adds or
// removes a request plays a seed differently), so a failing seed, printed with its trace, replays exactly:
//   RELIABILITY_REPLAY_SEED=0x... npm run reliability -- test/reliability/sequences
// More sequences: RELIABILITY_SEQUENCES=5000 (default 500); another batch: RELIABILITY_SEED=<n>.
import { SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../lambda/rotation-function/handler.js';
import { AWSCURRENT, WRITE_CHECK } from '../../../lambda/contract/staging-labels.js';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../../local/standins/eventbridge.js';
import { startProlificStandIn, type ProlificFaultRule, type ProlificStandIn } from '../../../local/standins/prolific.js';
import {
  startSecretsManagerStandIn,
  type SecretsManagerFault,
  type SecretsManagerOperation,
  type SecretsManagerStandIn,
} from '../../../local/standins/secrets-manager.js';
import { capturingOutput } from '../../support/capture-output.js';
import { defined } from '../../support/defined.js';
import { standInContext, invoke, type Handler, type InvocationOutcome } from '../../../local/invoke-handler.js';
import { countLeaks, targetState, visibleTexts } from '../runs/checks.js';
import { createRandom, formatSeed, integerFromEnv, seedAt, type Random } from '../runs/seeded-random.js';
import {
  describeRequest as describeGatedRequest,
  gatedFetch,
  gateSecretsManager,
  runInterleaved,
  type Chooser,
  type GatedRequest,
  type RunEnd,
  type Step,
} from './scheduler.js';

const SEQUENCES = integerFromEnv('RELIABILITY_SEQUENCES', 500);
const BASE_SEED = integerFromEnv('RELIABILITY_SEED', 0x5eed_2024);
const REPLAY_SEED = process.env.RELIABILITY_REPLAY_SEED ? integerFromEnv('RELIABILITY_REPLAY_SEED', 0) : undefined;
/** Stop after this many failing sequences: their seeds are what a person needs. */
const MAX_REPORTED_FAILURES = 3;
/** The stand-ins slow down as secrets pile up; long batches start fresh ones this often. */
const SEQUENCES_PER_STAND_INS = 250;

/** How often, per request, something goes wrong. Each sequence draws one level. */
interface Chaos {
  readonly name: string;
  /** A stand-in fault on the request. */
  readonly faultRate: number;
  /** The run dies at the request (before sending it, or after it took effect). */
  readonly cutOffRate: number;
  /** A Secrets Manager request is sent twice, as after a lost answer. */
  readonly repeatRate: number;
}

const CHAOS_LEVELS: readonly Chaos[] = [
  { name: 'calm', faultRate: 0, cutOffRate: 0, repeatRate: 0 },
  { name: 'light', faultRate: 0.03, cutOffRate: 0.01, repeatRate: 0.03 },
  { name: 'heavy', faultRate: 0.12, cutOffRate: 0.04, repeatRate: 0.08 },
];

interface Target { readonly workspaceId: string; readonly secretId: string }

/** What one run does: its invocations, one after the other (it stops at the first that fails). */
interface RunEvents {
  readonly events: readonly unknown[];
  /** A native rotation's version id (ClientRequestToken). */
  readonly token?: string;
}

interface EventKind {
  readonly name: string;
  readonly invocations: (target: Target, random: Random) => RunEvents;
  /** May write (so invariant 1 applies when it succeeds). */
  readonly writes: boolean;
  /** Secrets Manager's RotateSecret labels the run's token AWSPENDING before the first invocation. */
  readonly rotateSecretFirst?: boolean;
  /** The run is a native step that RotateSecret never started: it must change nothing and not succeed. */
  readonly mustChangeNothing?: boolean;
}

const NATIVE_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

function nativeToken(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const ROTATE: EventKind = { name: 'rotate', invocations: () => ({ events: [{ action: 'rotate' }] }), writes: true };
const SYNC: EventKind = { name: 'sync', invocations: ({ workspaceId }) => ({ events: [{ action: 'sync', workspaceId }] }), writes: true };
/** Secrets Manager's own rotation: RotateSecret labels a new version id AWSPENDING, then the four steps run with it. */
const NATIVE_ROTATION: EventKind = {
  name: 'native rotation',
  invocations: ({ secretId }, random) => {
    const token = nativeToken(random);
    return { token, events: NATIVE_STEPS.map((step) => ({ Step: step, SecretId: secretId, ClientRequestToken: token })) };
  },
  writes: true,
  rotateSecretFirst: true,
};
/** One native step with a version id that RotateSecret never labelled (typed into the console, say). */
const NATIVE_STEP_NEVER_STARTED: EventKind = {
  name: 'native step RotateSecret never started',
  invocations: ({ secretId }, random) => {
    const token = nativeToken(random);
    return { token, events: [{ Step: random.pick(NATIVE_STEPS), SecretId: secretId, ClientRequestToken: token }] };
  },
  writes: false,
  mustChangeNothing: true,
};
const EVENT_KINDS: readonly EventKind[] = [
  ROTATE,
  ROTATE,
  SYNC,
  NATIVE_ROTATION,
  NATIVE_ROTATION,
  NATIVE_STEP_NEVER_STARTED,
  { name: 'status', invocations: () => ({ events: [{ action: 'status' }] }), writes: false },
  { name: 'rotate dry run', invocations: () => ({ events: [{ action: 'rotate', dryRun: true }] }), writes: false },
];

type ProlificFaultChoice = Omit<ProlificFaultRule, 'method' | 'workspaceId'> & { readonly label: string };

const PROLIFIC_FAULTS: Readonly<Record<'GET' | 'POST', readonly ProlificFaultChoice[]>> = {
  GET: [
    { label: '500', fault: { kind: 'status', status: 500 } },
    { label: '429', fault: { kind: 'status', status: 429, retryAfter: 0 } },
    { label: 'connection reset', fault: { kind: 'reset' } },
    { label: 'body cut short', fault: { kind: 'partial' } },
    { label: '401', fault: { kind: 'status', status: 401 } },
    { label: 'malformed body', fault: { kind: 'body', body: '{"results": [' } },
  ],
  POST: [
    { label: '503 before acting', fault: { kind: 'status', status: 503 } },
    { label: '429', fault: { kind: 'status', status: 429, retryAfter: 0 } },
    { label: '422', fault: { kind: 'status', status: 422 } },
    { label: '500 after acting', fault: { kind: 'status', status: 500 }, afterEffect: true },
    { label: 'connection reset after acting', fault: { kind: 'reset' }, afterEffect: true },
    { label: 'body cut short after acting', fault: { kind: 'partial' } },
    { label: '201 without a value', fault: { kind: 'override', fields: { value: null } } },
  ],
};

/** In a sequence with faults, the share of POSTs that a 201 not from Prolific answers. */
const NEVER_ACTIVE_RATE = 0.1;

/** A 201 that did not come from Prolific (which never acts, and keeps listing its secret). */
function neverActiveAnswer(workspaceId: string): ProlificFaultChoice {
  const secret = { id: 'never-active-secret', value: 'a-value-prolific-never-issued', workspace_id: workspaceId };
  return { label: '201 with a secret Prolific never lists as active', fault: { kind: 'body', status: 201, body: JSON.stringify(secret) } };
}

const SECRETS_MANAGER_ERRORS = ['InternalServiceError', 'ThrottlingException', 'AccessDeniedException'] as const;
const FAULTABLE_OPERATIONS: readonly string[] = ['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage'];
/** How much likelier than any other Secrets Manager request the write check is to be denied. */
const WRITE_CHECK_FAULT_FACTOR = 3;
/** Secrets Manager operations that change nothing. */
const READS: readonly string[] = ['DescribeSecret', 'GetSecretValue', 'ListSecretVersionIds'];
const PLACEHOLDER = '{"note":"written by the rotation function"}';
/** No getRemainingTimeInMillis: middy then sets no early-timeout timer, which a cut-off run would leave behind. */
const CONTEXT = { ...standInContext(), getRemainingTimeInMillis: undefined } as unknown as Context;

interface StandIns {
  readonly prolific: ProlificStandIn;
  readonly secretsManager: SecretsManagerStandIn;
  /** Where rotation events go (not gated: they follow a run's last write, and no invariant reads them). */
  readonly eventBridge: EventBridgeStandIn;
  readonly tokenSecretId: string;
}

/** One request a run sent (or was cut off at), and what the chooser did with it. */
interface LoggedRequest {
  readonly runId: number;
  readonly request: GatedRequest;
  /** A stand-in fault was armed for it. */
  readonly faulted: boolean;
}

const isWriteCheck = (request: GatedRequest) =>
  request.service === 'secrets-manager' && request.operation === 'PutSecretValue' && (request.labels ?? []).includes(WRITE_CHECK);
const isPost = (request: GatedRequest) => request.service === 'prolific' && request.method === 'POST';
const changesSomething = (request: GatedRequest) => request.service === 'prolific' || !READS.includes(request.operation);

/**
 * What a batch of the default size must have played at least once, as its traces show it: among the random
 * events, a secret with no AWSCURRENT, a POST answer Prolific never lists as active, a denied write check and
 * a native step RotateSecret never started.
 */
const MUST_PLAY: Readonly<Record<string, string>> = {
  'native rotations started by RotateSecret': 'RotateSecret labelled a new version AWSPENDING',
  'native steps RotateSecret never started': NATIVE_STEP_NEVER_STARTED.name,
  'write checks denied': 'write check) → fault',
  'POSTs answered with a secret never active': `fault ${neverActiveAnswer('').label}`,
  'AWSCURRENT taken off by hand': 'someone took AWSCURRENT off its version by hand',
};
/** Below this many sequences, a batch may by chance miss one of MUST_PLAY. */
const MUST_PLAY_FROM = 200;

interface SequenceReport {
  readonly seed: number;
  readonly trace: string[];
  readonly problems: string[];
  readonly runs: number;
  readonly cutOffs: number;
  readonly failedRuns: number;
}

let sequenceCount = 0;

/** Plays one sequence on fresh workspace and secret, and reports what broke an invariant. */
async function playSequence(seed: number, standIns: StandIns): Promise<SequenceReport> {
  const { prolific, secretsManager, tokenSecretId } = standIns;
  const random = createRandom(seed);
  const trace: string[] = [];
  const problems: string[] = [];
  const outcomes: InvocationOutcome[] = [];
  const clients: SecretsManagerClient[] = [];
  let runs = 0;
  let cutOffs = 0;
  let failedRuns = 0;

  prolific.clearFaults();
  secretsManager.clearFaults();
  sequenceCount += 1;
  const workspaceId = `seq-${sequenceCount}-${formatSeed(seed)}`;
  const chaos = random.pick(CHAOS_LEVELS);
  const startsWithSecret = random.chance(0.9);
  prolific.addWorkspace(workspaceId, { withSecret: startsWithSecret });
  const secretId = secretsManager.createSecret(`prolific/webhook-signing-secret/${workspaceId}`, PLACEHOLDER).arn;
  const target = { workspaceId, secretId };
  const env = { ROTATION_TARGETS: JSON.stringify([target]), PROLIFIC_TOKEN_SECRET_ID: tokenSecretId, PROLIFIC_API_BASE_URL: prolific.url };
  const issuedBefore = prolific.issuedValues().length;
  // rotated_at comes from this clock: one second per reading, so a replay writes the same strings.
  let tick = 0;
  const clock = () => new Date(Date.UTC(2030, 0, 1) + 1000 * tick++);
  trace.push(`chaos ${chaos.name}; Prolific ${startsWithSecret ? 'has a secret' : 'has no secret yet'}`);

  const describeRequest = (request: GatedRequest) => {
    if (request.service === 'prolific') return describeGatedRequest(request);
    const secret = request.secretId === tokenSecretId ? 'token' : 'target';
    return `${request.operation}(${isWriteCheck(request) ? `${secret}, write check` : secret})`;
  };

  /** What the chooser did with each request of the round being played. */
  let roundLog: LoggedRequest[] = [];
  const chaotic: Chooser = (runId, request, chooserRandom) => {
    const { label, step } = chooseStep(request, chooserRandom);
    trace.push(`  run ${runId}: ${describeRequest(request)} → ${label}`);
    roundLog.push({ runId, request, faulted: step.kind === 'send' && step.prepare !== undefined });
    return step;
  };

  function chooseStep(request: GatedRequest, chooserRandom: Random): { label: string; step: Step } {
    if (chooserRandom.chance(chaos.cutOffRate)) {
      const afterSending = chooserRandom.chance(0.5);
      return { label: afterSending ? 'cut off after sending' : 'cut off before sending', step: { kind: 'cut-off', afterSending } };
    }
    if (request.service === 'prolific') {
      const method = request.method === 'POST' ? 'POST' : 'GET';
      const prolificFault = ({ label, ...rule }: ProlificFaultChoice) => ({
        label: `fault ${label}`,
        // Any webhook endpoint: the fault is for the request about to be sent, a delivery-health read included.
        step: { kind: 'send', prepare: () => { prolific.injectFault({ ...rule, method, workspaceId, path: '/api/v1/hooks/' }); } } as const,
      });
      // Few POSTs come to faults (most runs that reach one are calm): an answer Prolific never lists as active gets its own chance.
      if (method === 'POST' && chaos.faultRate > 0 && chooserRandom.chance(NEVER_ACTIVE_RATE)) {
        return prolificFault(neverActiveAnswer(workspaceId));
      }
      if (!chooserRandom.chance(chaos.faultRate)) return { label: 'send', step: { kind: 'send' } };
      return prolificFault(chooserRandom.pick(PROLIFIC_FAULTS[method]));
    }
    const faultRate = isWriteCheck(request) ? chaos.faultRate * WRITE_CHECK_FAULT_FACTOR : chaos.faultRate;
    if (FAULTABLE_OPERATIONS.includes(request.operation) && chooserRandom.chance(faultRate)) {
      const error = chooserRandom.pick(SECRETS_MANAGER_ERRORS);
      const fault: SecretsManagerFault = { operation: request.operation as SecretsManagerOperation, secretId: request.secretId, error };
      const prepare = () => {
        secretsManager.injectFault(fault);
      };
      return { label: `fault ${error}`, step: { kind: 'send', prepare } };
    }
    if (chooserRandom.chance(chaos.repeatRate)) return { label: 'send twice', step: { kind: 'send', twice: true } };
    return { label: 'send', step: { kind: 'send' } };
  }

  const calm: Chooser = (runId, request) => {
    trace.push(`  run ${runId}: ${describeRequest(request)} → send`);
    roundLog.push({ runId, request, faulted: false });
    return { kind: 'send' };
  };

  /** A hand edit: someone takes AWSCURRENT off its version, leaving receivers no key. */
  async function removeCurrentLabel(): Promise<void> {
    const holder = secretsManager.versions(secretId).find((version) => version.stages.includes(AWSCURRENT));
    if (holder === undefined) return;
    const client = secretsManager.client();
    clients.push(client);
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: AWSCURRENT, RemoveFromVersionId: holder.versionId }),
    );
    trace.push('someone took AWSCURRENT off its version by hand');
  }

  /** Invokes one handler with each event in turn, up to the first failure; the run's outcome is the last one. */
  async function invokeInTurn(handler: Handler, events: readonly unknown[]): Promise<InvocationOutcome> {
    let outcome: InvocationOutcome = {};
    for (const event of events) {
      outcome = await invoke(handler, event, CONTEXT);
      outcomes.push(outcome);
      if (outcome.error) break;
    }
    return outcome;
  }

  /** Starts one run per event at once (each its own handler, as separate Lambda environments would be). */
  async function playRound(kinds: readonly EventKind[], choose: Chooser): Promise<RunEnd<InvocationOutcome>[]> {
    const runRandoms = kinds.map(() => random.fork());
    const runEvents = kinds.map((kind, runId) => kind.invocations(target, defined(runRandoms[runId])));
    roundLog = [];
    const ends = await runInterleaved(kinds.length, random, choose, (runId, gate) => {
      const runRandom = defined(runRandoms[runId]);
      const { events, token } = defined(runEvents[runId]);
      if (defined(kinds[runId]).rotateSecretFirst && token !== undefined) {
        // What RotateSecret does before it invokes the function: rotation on, the token labelled AWSPENDING.
        secretsManager.startRotation(secretId, token);
        trace.push(`  run ${runId}: RotateSecret labelled a new version AWSPENDING`);
      }
      const client = gateSecretsManager(
        new SecretsManagerClient({
          region: secretsManager.region,
          endpoint: secretsManager.endpoint,
          credentials: { accessKeyId: 'AKIASTANDINEXAMPLE', secretAccessKey: 'stand-in-secret-access-key' },
          // A Secrets Manager fault fails the call; the scheduler's "send twice" plays the SDK's retry.
          maxAttempts: 1,
        }),
        gate,
      );
      clients.push(client);
      const handler = createHandler({
        env,
        secretsManager: client,
        eventBridge: standIns.eventBridge.client(),
        now: clock,
        // Time stands still for the client (no sleeping, no budget running out): the scheduler decides.
        prolific: { fetch: gatedFetch(gate), sleep: () => Promise.resolve(), now: () => 0, random: runRandom.next },
      });
      return invokeInTurn(handler, events);
    });
    ends.forEach((end, runId) => {
      runs += 1;
      if (end.kind === 'cut-off') cutOffs += 1;
      else if (end.value.error) failedRuns += 1;
      trace.push(`  run ${runId} ${describeEnd(end)}`);
    });
    problems.push(...problemsOfRuns(kinds, runEvents, ends));
    return ends;
  }

  /** What each run of the round did that it must never do, whatever the other runs did. */
  function problemsOfRuns(
    kinds: readonly EventKind[],
    runEvents: readonly RunEvents[],
    ends: readonly RunEnd<InvocationOutcome>[],
  ): string[] {
    const found: string[] = [];
    kinds.forEach((kind, runId) => {
      const sent = roundLog.filter((entry) => entry.runId === runId);
      // A write check that failed stops the run before Prolific is asked to replace its secret.
      const failedCheck = sent.findIndex((entry) => entry.faulted && isWriteCheck(entry.request));
      if (failedCheck !== -1 && sent.slice(failedCheck + 1).some((entry) => isPost(entry.request))) {
        found.push(`run ${runId} (${kind.name}) sent a POST after its write check failed`);
      }
      // A native step RotateSecret never started changes nothing.
      if (kind.mustChangeNothing) {
        const end = ends[runId];
        const changes = sent.filter((entry) => changesSomething(entry.request)).map((entry) => describeRequest(entry.request));
        if (changes.length > 0) found.push(`run ${runId} (${kind.name}) called ${changes.join(', ')}`);
        if (end?.kind === 'finished' && end.value.error === undefined) found.push(`run ${runId} (${kind.name}) succeeded`);
        const { token } = defined(runEvents[runId]);
        if (secretsManager.versions(secretId).some((version) => version.versionId === token)) {
          found.push(`run ${runId} (${kind.name}) left a version under its token`);
        }
      }
    });
    return found;
  }

  // The scheduler found the runs stuck, or a run threw: the sequence fails with its seed and trace.
  const couldNotPlay = (error: unknown) => {
    problems.push(`the sequence could not be played: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  };
  const { output } = await capturingOutput(() => playRounds().catch(couldNotPlay));

  async function playRounds(): Promise<void> {
    const rounds = 1 + random.int(3);
    for (let round = 1; round <= rounds; round++) {
      if (random.chance(0.15)) {
        prolific.replaceSecret(workspaceId);
        trace.push('someone replaced the secret in the Prolific app');
      }
      if (random.chance(0.1)) await removeCurrentLabel();
      const kinds = Array.from({ length: random.pick([1, 1, 2, 2, 3]) }, () => random.pick(EVENT_KINDS));
      trace.push(`round ${round}: ${kinds.map((kind) => kind.name).join(', ')} at once`);
      const ends = await playRound(kinds, chaotic);
      const everyRunSucceeded = ends.every((end) => end.kind === 'finished' && end.value.error === undefined);
      if (everyRunSucceeded && kinds.some((kind) => kind.writes) && !targetState(prolific, secretsManager, target).inSync) {
        problems.push(`invariant 1: every run of round ${round} succeeded, yet AWSCURRENT does not hold Prolific's active secret`);
      }
    }

    // Invariant 2: whatever the rounds left behind, one further run, alone and without faults, restores (1).
    const recovery = random.pick([ROTATE, SYNC]);
    trace.push(`recovery: ${recovery.name}, alone`);
    const [end] = await playRound([recovery], calm);
    if (end?.kind !== 'finished' || end.value.error) {
      problems.push(`invariant 2: the one run after the sequence (${recovery.name}) did not succeed: ${end ? describeEnd(end) : 'no run'}`);
    } else {
      const state = targetState(prolific, secretsManager, target);
      const further = `the one further run (${recovery.name})`;
      if (!state.inSync) problems.push(`invariant 2: after ${further}, AWSCURRENT still does not hold Prolific's active secret`);
      if (state.pendingLeft) problems.push(`${further} succeeded but left AWSPENDING on a version other than AWSCURRENT`);
    }
  }

  for (const client of clients) client.destroy();
  const secrets = [prolific.token, ...prolific.issuedValues().slice(issuedBefore)];
  const leaks = countLeaks(secrets, [...output, ...outcomes.flatMap(visibleTexts)]);
  if (leaks > 0) problems.push(`invariant 4: ${leaks} secret value(s) or the token appeared in output, results or errors`);
  return { seed, trace, problems, runs, cutOffs, failedRuns };
}

function describeEnd(end: RunEnd<InvocationOutcome>): string {
  if (end.kind === 'cut-off') return 'was cut off';
  const { report, error } = end.value;
  if (error === undefined) return `finished: ${report?.results.map((result) => result.outcome).join(', ')}`;
  // Error names only: messages carry ids that differ between replays.
  const names = new Set(error.message.match(/\b\w+(?:Error|Exception|Failure)\b/g) ?? []);
  names.delete('RotationFailedError');
  return `failed: ${error.name} (${[...names].join(', ')})`;
}

function failureMessage(report: SequenceReport): string {
  return [
    `Sequence ${formatSeed(report.seed)} broke an invariant:`,
    ...report.problems.map((problem) => `  - ${problem}`),
    `Replay: RELIABILITY_REPLAY_SEED=${formatSeed(report.seed)} npm run reliability -- test/reliability/sequences`,
    'Trace:',
    ...report.trace,
  ].join('\n');
}

describe('randomized sequences of concurrent runs, faults and cut-offs', () => {
  let standIns: StandIns | undefined;

  async function closeStandIns(): Promise<void> {
    await Promise.all([standIns?.prolific.close(), standIns?.secretsManager.close(), standIns?.eventBridge.close()]);
    standIns = undefined;
  }
  /** Sequences never depend on what earlier ones left in the stand-ins, so swapping them changes no outcome. */
  async function freshStandIns(): Promise<StandIns> {
    await closeStandIns();
    const prolific = await startProlificStandIn();
    const secretsManager = await startSecretsManagerStandIn();
    const eventBridge = await startEventBridgeStandIn();
    const tokenSecretId = secretsManager.createSecret('prolific/api-token', prolific.token).arn;
    standIns = { prolific, secretsManager, eventBridge, tokenSecretId };
    return standIns;
  }
  afterAll(closeStandIns);

  const seeds = REPLAY_SEED === undefined ? Array.from({ length: SEQUENCES }, (_, index) => seedAt(BASE_SEED, index)) : [REPLAY_SEED];

  const timeout = Math.max(300_000, seeds.length * 1_000);
  it(`holds invariants 1, 2 and 4 over ${seeds.length} seeded sequence(s)`, { timeout }, async () => {
    const failures: string[] = [];
    const totals = { runs: 0, cutOffs: 0, failedRuns: 0 };
    const played = Object.fromEntries(Object.keys(MUST_PLAY).map((name) => [name, 0]));
    let sequences = 0;
    for (const [index, seed] of seeds.entries()) {
      sequences += 1;
      const current = index % SEQUENCES_PER_STAND_INS === 0 ? await freshStandIns() : defined(standIns);
      const report = await playSequence(seed, current);
      totals.runs += report.runs;
      totals.cutOffs += report.cutOffs;
      totals.failedRuns += report.failedRuns;
      for (const [name, marker] of Object.entries(MUST_PLAY)) {
        played[name] = (played[name] ?? 0) + report.trace.filter((line) => line.includes(marker)).length;
      }
      if (REPLAY_SEED !== undefined) console.info(report.trace.join('\n'));
      if (report.problems.length > 0) {
        failures.push(failureMessage(report));
        console.error(failureMessage(report));
        if (failures.length >= MAX_REPORTED_FAILURES) break;
      }
    }
    console.info(
      `Played ${sequences} of ${seeds.length} sequence(s) from base seed ${formatSeed(BASE_SEED)}: ${totals.runs} runs, ` +
        `${totals.failedRuns} failed, ${totals.cutOffs} cut off; ` +
        Object.entries(played)
          .map(([name, count]) => `${count} ${name}`)
          .join(', '),
    );

    expect(failures).toEqual([]);
    // A batch in which nothing ever went wrong would have tested only the happy path.
    if (REPLAY_SEED === undefined) expect(totals.failedRuns + totals.cutOffs).toBeGreaterThan(0);
    if (REPLAY_SEED === undefined && seeds.length >= MUST_PLAY_FROM) {
      expect(Object.entries(played).filter(([, count]) => count === 0).map(([name]) => name)).toEqual([]);
    }
  });

  it('replays a sequence exactly from its seed, faults and cut-offs included', async () => {
    const current = await freshStandIns();
    const replayed: SequenceReport[] = [];
    for (let index = 0; index < 30; index++) {
      const seed = seedAt(BASE_SEED, index);
      const first = await playSequence(seed, current);
      const second = await playSequence(seed, current);
      expect(second.trace, `sequence ${formatSeed(seed)} played twice`).toEqual(first.trace);
      replayed.push(first);
    }

    const traces = replayed.map((sequence) => sequence.trace.join('\n'));
    expect(traces.some((trace) => trace.includes('cut off'))).toBe(true);
    expect(traces.some((trace) => trace.includes('→ fault'))).toBe(true);
    expect(traces.some((trace) => /round \d: \S[^\n]*, [^\n]* at once/.test(trace))).toBe(true);
  });
});
