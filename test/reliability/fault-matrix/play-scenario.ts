// Plays one row of the fault matrix against the real handler over loopback, and says which of the
// row's expectations the run did not meet. Shared by fault-matrix.test.ts and report.ts.
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { RotationReport } from '../../../lambda/rotation-function/handler.js';
import { reportFromErrorMessage } from '../../../lambda/contract/report.js';
import { versionIdFor } from '../../../lambda/rotation-function/rotation/stored-form.js';
import type { TargetResult } from '../../../lambda/contract/report.js';
import { AWSCURRENT } from '../../../lambda/contract/staging-labels.js';
import { parseStoredSecret } from '../../../lambda/contract/stored-secret.js';
import { startHarness, type Harness } from '../../support/harness.js';
import type { InvocationOutcome } from '../../../local/invoke-handler.js';
import { targetState } from '../runs/checks.js';
import { CUT_OFF_POINTS, invokeUntilCutOff, type CutOffRun } from './cut-off.js';
import {
  EARLIER_ROTATED_AT,
  NATIVE_TOKEN,
  WORKSPACE,
  type ExpectedDetails,
  type ExpectedRun,
  type Scenario,
  type StartingState,
} from './scenarios.js';

export interface ScenarioRun {
  /** What the scenario's run did, e.g. `rotated`, `failed: ProlificServerError at reconcile`, `cut off`. */
  readonly outcome: string;
  /** Runs after the faulty one until invariant 1 held again: 0 if it never broke; undefined if one run did not restore it. */
  readonly recoveredIn: number | undefined;
  /** Invariant 1 after the recovery run: AWSCURRENT holds exactly Prolific's active secret. */
  readonly invariantHeld: boolean;
  /** See secretWasKept. */
  readonly secretKept: boolean;
  /** How many distinct secret values or tokens appeared in logs, metrics, results or errors. */
  readonly leakedSecrets: number;
  /** Every expectation of the row the run did not meet; empty when the scenario passed. */
  readonly unmet: readonly string[];
}

const ROTATE = { action: 'rotate' };

export async function runScenario(scenario: Scenario): Promise<ScenarioRun> {
  const harness = await startHarness({ workspaces: [WORKSPACE] });
  try {
    return await play(harness, scenario);
  } finally {
    await harness.close();
  }
}

async function play(h: Harness, scenario: Scenario): Promise<ScenarioRun> {
  const unmet: string[] = [];
  const evidence: unknown[] = [];
  const invoke = async (event: unknown) => {
    const outcome = await h.invoke(event);
    evidence.push(outcome.report, outcome.error);
    return outcome;
  };

  // Prepare: the starting state, then the faults and configuration of the row.
  await prepare(h, scenario.startingState ?? 'in sync', invoke);
  if (scenario.tokenSecretValue !== undefined) await putToken(h, scenario.tokenSecretValue);
  const restoreEnv = changeEnv(h, scenario.env ?? {});
  injectFaults(h, scenario);
  const issuedBefore = h.prolific.issuedValues().length;
  const callsBefore = h.prolific.calls.length + h.secretsManager.calls.length;
  const outputBefore = h.output.length;

  // Act: the scenario's run, in a new execution environment so no cache from the preparation hides a fault.
  const event =
    scenario.nativeStep === undefined
      ? (scenario.event ?? ROTATE)
      : { Step: scenario.nativeStep, SecretId: h.secretIdFor(WORKSPACE), ClientRequestToken: NATIVE_TOKEN };
  let run: InvocationOutcome | CutOffRun;
  if (scenario.cutOff === undefined) {
    h.coldStart();
    run = await invoke(event);
  } else {
    const cut = await invokeUntilCutOff(h, CUT_OFF_POINTS[scenario.cutOff], event);
    evidence.push(cut.report, cut.error, ...cut.output);
    run = cut;
  }
  const replaced = h.prolific.issuedValues().length - issuedBefore;
  const touchedAnything = h.prolific.calls.length + h.secretsManager.calls.length > callsBefore;
  const inSyncAfterRun = h.inSync(WORKSPACE);
  const observed = observe(h, run);
  unmet.push(...unmetByRun(scenario.expected, observed, replaced, touchedAnything));
  const runOutput = 'output' in run ? run.output : h.output.slice(outputBefore);
  unmet.push(...unmetDetails(h, scenario.expected, run.report, runOutput));

  // Recover: the fault is gone (a timeout or a configuration fix also means a new execution environment).
  h.prolific.clearFaults();
  h.secretsManager.clearFaults();
  if (scenario.tokenSecretValue !== undefined) await putToken(h, h.prolific.token);
  restoreEnv();
  if (scenario.env !== undefined || scenario.cutOff !== undefined) h.coldStart();
  if (scenario.recovery.personFirst === 'replaces the secret in the Prolific app') h.prolific.replaceSecret(WORKSPACE);
  const recovery = await invoke(scenario.recovery.event);
  const recoveryOutcome = observe(h, recovery).outcome;
  if (recoveryOutcome !== scenario.recovery.outcome) {
    unmet.push(`recovery run ${JSON.stringify(scenario.recovery.event)}: expected ${scenario.recovery.outcome}, got ${recoveryOutcome}`);
  }

  // Assess the invariants.
  const invariantHeld = h.inSync(WORKSPACE);
  const recoveredIn = inSyncAfterRun ? 0 : invariantHeld ? 1 : undefined;
  if (recoveredIn !== scenario.recovery.runs) {
    unmet.push(`invariant 1 should hold after ${scenario.recovery.runs} further run(s), held after ${recoveredIn ?? 'more than 1'}`);
  }
  if (!invariantHeld) unmet.push("invariant 1: AWSCURRENT does not hold Prolific's active secret after the recovery run");
  const secretKept = secretWasKept(h);
  if (!secretKept) unmet.push('a secret Prolific issued was never stored in Secrets Manager');
  const leakedSecrets = countLeaks(h, [...evidence, ...h.output], scenario.tokenSecretValue);
  if (leakedSecrets > 0) unmet.push(`${leakedSecrets} secret value(s) or token(s) appeared in logs, results or errors`);
  if ('heldCalls' in run && run.heldCalls() !== 1) {
    unmet.push(`the cut-off run should stay parked on one call, but tried ${run.heldCalls()} past the cut`);
  }
  return { outcome: observed.outcome, recoveredIn, invariantHeld, secretKept, leakedSecrets, unmet };
}

type Invoke = (event: unknown) => Promise<InvocationOutcome>;

async function prepare(h: Harness, state: StartingState, invoke: Invoke): Promise<void> {
  if (state === 'plain, then opened to JSON') return adoptPlainThenOpenToJson(h, invoke);
  const sync = await invoke({ action: 'sync' });
  if (sync.error || !h.inSync(WORKSPACE)) throw new Error(`Could not prepare the scenario: the first sync failed (${sync.error?.message})`);
  const secretId = h.secretIdFor(WORKSPACE);
  if (state === 'drifted') h.prolific.replaceSecret(WORKSPACE);
  if (state === 'native rotation started') h.secretsManager.startRotation(secretId, NATIVE_TOKEN);
  if (state === 'no AWSCURRENT') {
    const current = h.secretsManager.versions(secretId).find((version) => version.stages.includes(AWSCURRENT));
    await h.secretsManager.client().send(
      new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: AWSCURRENT, RemoveFromVersionId: current?.versionId }),
    );
    if (h.secretsManager.valueAt(secretId) !== undefined) throw new Error('Could not prepare the scenario: AWSCURRENT is still there');
  }
  if (state === 'active secret stored earlier') {
    const { id, value, workspace_id } = h.prolific.replaceSecret(WORKSPACE);
    await h.secretsManager.client().send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({ id, value, workspace_id, rotated_at: EARLIER_ROTATED_AT }),
        ClientRequestToken: versionIdFor(WORKSPACE, id),
        VersionStages: [],
      }),
    );
  }
  if (state === 'stale pending') {
    // A rotation whose promotion fails (both SDK attempts) leaves its new secret at AWSPENDING; Prolific then moves on.
    h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
    await invoke(ROTATE);
    h.secretsManager.clearFaults();
    const pending = h.secretsManager.valueAt(h.secretIdFor(WORKSPACE), 'AWSPENDING');
    if (pending === undefined) throw new Error('Could not prepare the scenario: no AWSPENDING was left behind');
    h.prolific.replaceSecret(WORKSPACE);
  }
}

/**
 * Adopts the target in the `plain` format and syncs it (the bare value lands under the derived version
 * id), then opens it to JSON as SecretFormatError advises: `{}` as AWSCURRENT, the workspace configured
 * `json` again, in a new execution environment.
 */
async function adoptPlainThenOpenToJson(h: Harness, invoke: Invoke): Promise<void> {
  const secretId = h.secretIdFor(WORKSPACE);
  const restoreEnv = changeEnv(h, { ROTATION_TARGETS: JSON.stringify([{ workspaceId: WORKSPACE, secretId, format: 'plain' }]) });
  h.coldStart();
  const sync = await invoke({ action: 'sync' });
  restoreEnv();
  h.coldStart();
  if (sync.error || h.secretsManager.valueAt(secretId) !== h.prolific.activeSecret(WORKSPACE)?.value) {
    throw new Error(`Could not prepare the scenario: the sync in the plain format failed (${sync.error?.message})`);
  }
  await h.secretsManager.client().send(new PutSecretValueCommand({ SecretId: secretId, SecretString: '{}' }));
}

function injectFaults(h: Harness, scenario: Scenario): void {
  for (const rule of scenario.prolificFaults ?? []) h.prolific.injectFault(rule);
  for (const { on, ...fault } of scenario.storeFaults ?? []) {
    const secretId = on === 'token' ? h.tokenSecretId : on === 'target' ? h.secretIdFor(WORKSPACE) : undefined;
    h.secretsManager.injectFault(secretId === undefined ? fault : { ...fault, secretId });
  }
}

async function putToken(h: Harness, token: string): Promise<void> {
  await h.secretsManager.client().send(new PutSecretValueCommand({ SecretId: h.tokenSecretId, SecretString: token }));
}

/** Sets the function's environment variables; returns what puts the originals back. */
function changeEnv(h: Harness, changes: Readonly<Record<string, string | undefined>>): () => void {
  const originals = Object.fromEntries(Object.keys(changes).map((name) => [name, h.env[name]]));
  Object.assign(h.env, changes);
  return () => {
    Object.assign(h.env, originals);
  };
}

interface Observed {
  /** The target's outcome, `failed: <error> at <step>`, `rejected: <error>` or `cut off`. */
  readonly outcome: string;
  readonly error?: Error;
  readonly failure?: { readonly error: string; readonly step: string | undefined };
}

function observe(h: Harness, run: InvocationOutcome | CutOffRun): Observed {
  if ('reachedCut' in run && run.reachedCut) return { outcome: 'cut off' };
  if (run.error === undefined) return { outcome: outcomeOf(run.report) };
  if (run.error.name !== 'RotationFailedError') return { outcome: `rejected: ${run.error.name}`, error: run.error };
  // The error carries the whole report: the workspace's error name and step are read from it.
  const failed = reportFromErrorMessage(run.error.message)?.results.find((result) => result.workspaceId === WORKSPACE);
  const error = /^(\w+): /.exec(failed?.error ?? '')?.[1] ?? 'unknown error';
  const step = failed?.failedStep;
  return { outcome: `failed: ${error} at ${step}`, error: run.error, failure: { error, step } };
}

function outcomeOf(report: RotationReport | undefined): string {
  return report?.results.find((result) => result.workspaceId === WORKSPACE)?.outcome ?? 'no result';
}

function unmetByRun(expected: ExpectedRun, observed: Observed, replaced: number, touchedAnything: boolean): string[] {
  const unmet: string[] = [];
  const got = `got ${observed.outcome}${observed.error ? ` (${observed.error.message})` : ''}`;
  switch (expected.outcome) {
    case 'failed':
      if (observed.failure?.error !== expected.error || observed.failure.step !== expected.step) {
        unmet.push(`run: expected failed: ${expected.error} at ${expected.step}, ${got}`);
      }
      break;
    case 'rejected':
      if (observed.error?.name !== expected.error) unmet.push(`run: expected rejected: ${expected.error}, ${got}`);
      if (touchedAnything) unmet.push('run: a rejected invocation called Prolific or Secrets Manager');
      break;
    default:
      if (observed.outcome !== expected.outcome) unmet.push(`run: expected ${expected.outcome}, ${got}`);
  }
  if ('message' in expected && !expected.message.test(observed.error?.message ?? '')) {
    unmet.push(`run: error message does not match ${expected.message}: ${observed.error?.message ?? '(no error)'}`);
  }
  const expectedReplaced = 'replaced' in expected ? expected.replaced : 0;
  if (replaced !== expectedReplaced) unmet.push(`run: Prolific replaced the secret ${replaced} time(s), expected ${expectedReplaced}`);
  return unmet;
}

/**
 * What the run must also report or leave behind (the row's `result`, `metrics` and `pendingLeft`), and,
 * for every run that succeeded, that its report tells when AWSCURRENT was rotated as AWSCURRENT records it.
 */
function unmetDetails(h: Harness, expected: ExpectedDetails, report: RotationReport | undefined, output: readonly string[]): string[] {
  const unmet: string[] = [];
  const result = report?.results.find((line) => line.workspaceId === WORKSPACE);
  for (const [field, value] of Object.entries(expected.result ?? {})) {
    const got = result?.[field as keyof TargetResult];
    if (got !== value) unmet.push(`run: expected ${field} ${JSON.stringify(value)} in the report, got ${JSON.stringify(got)}`);
  }
  const recordedAt = h.currentSecret(WORKSPACE)?.rotated_at ?? null;
  if (result !== undefined && result.lastRotatedAt !== recordedAt) {
    unmet.push(`run: reported lastRotatedAt ${result.lastRotatedAt}, but AWSCURRENT records rotated_at ${recordedAt}`);
  }
  const emitted = new Set(output.flatMap((chunk) => chunk.split('\n')).flatMap(metricNames));
  for (const metric of expected.metrics ?? []) {
    if (!emitted.has(metric)) unmet.push(`run: metric ${metric} was not emitted`);
  }
  if (expected.pendingLeft !== undefined) {
    const { pendingLeft } = targetState(h.prolific, h.secretsManager, { workspaceId: WORKSPACE, secretId: h.secretIdFor(WORKSPACE) });
    if (pendingLeft !== expected.pendingLeft) {
      const wanted = expected.pendingLeft ? 'AWSPENDING left on a version of its own' : 'no AWSPENDING left apart from AWSCURRENT';
      unmet.push(`run: expected ${wanted}, got the opposite`);
    }
  }
  return unmet;
}

/** The metrics an output line emits: the names its CloudWatch embedded-metric-format directive declares. */
function metricNames(line: string): string[] {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return [];
  const directive = (JSON.parse(line) as { _aws?: { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] } })._aws;
  return (directive?.CloudWatchMetrics ?? []).flatMap((entry) => (entry.Metrics ?? []).map((metric) => metric.Name));
}

/**
 * "Prolific's active secret was never lost", precisely: every secret Prolific issued for the workspace
 * during the scenario (the first one, drift made in the Prolific app, and each POST's) is held by some
 * version of the target secret at the end. So none was replaced before it was stored: no POST on top of
 * an unstored secret, no POST answer dropped. With invariant 1 (checked on its own), the last one is
 * AWSCURRENT.
 */
function secretWasKept(h: Harness): boolean {
  // A version holds a secret in the JSON shape, or as the bare value (the `plain` format).
  const stored = new Set(
    h.secretsManager
      .versions(h.secretIdFor(WORKSPACE))
      .map((version) => parseStoredSecret(version.secretString)?.value ?? version.secretString),
  );
  return h.prolific.issuedValues().every((value) => stored.has(value));
}

/** Distinct known secrets (every value Prolific issued, the API token, a token the row put in) found in the texts. */
function countLeaks(h: Harness, texts: readonly unknown[], extraToken: string | undefined): number {
  const haystack = texts.map(render).join('\n');
  const secrets = [...h.secrets(), ...(extraToken?.trim() ? [extraToken] : [])];
  return secrets.filter((secret) => haystack.includes(secret)).length;
}

function render(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item instanceof Error) return `${item.name}: ${item.message}\n${item.stack ?? ''}\n${render(item.cause)}`;
  // undefined for what JSON cannot write (undefined itself, a function), whatever its type says.
  const json = JSON.stringify(item) as string | undefined;
  return json ?? '';
}
