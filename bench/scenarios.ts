// What the benchmark measures, each against fresh loopback stand-ins and each function in fresh Node
// processes: cold start, the warm cost of one rotation, and whole invocations over many workspaces.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEDULED_ROTATION_EVENT } from '../lambda/contract/invocation-events.js';
import type { Artifact, ArtifactName } from './artifacts.js';
import { runInChild, type ChildRun } from './child.js';
import { startBenchStandIns, type BenchStandIns, type HttpCalls } from './standins.js';
import { median, percentile } from './stats.js';

/** The first invocation each function gets in a cold-start run: the rotation function's read-only action, the baseline's only one. */
export const FIRST_EVENTS: Record<ArtifactName, { action: string }> = {
  rotation: { action: 'status' },
  baseline: SCHEDULED_ROTATION_EVENT,
};

export interface ColdStart {
  readonly runs: number;
  /** Median ms from a process's start until an empty ESM module is imported. */
  readonly emptyReadyMs: number;
  readonly functions: Record<ArtifactName, FunctionColdStart>;
}

export interface FunctionColdStart {
  /** Median ms from the process's start until the bundle is imported. */
  readonly readyMs: number;
  /** Median ms of the import alone. */
  readonly importMs: number;
  /** Median ms of the first handler call (FIRST_EVENTS, one workspace). */
  readonly firstInvocationMs: number;
  /** Median ms from the process's start until the first call returned. */
  readonly readyAndFirstInvocationMs: number;
  readonly firstInvocationCalls: HttpCalls;
}

/**
 * `runs` rounds, each starting one process per kind (an empty module, each function), in an order that
 * turns every round, so no kind always follows the same one.
 */
export async function measureColdStart(
  artifacts: Record<ArtifactName, Artifact>,
  runs: number,
  scratchDirectory: string,
): Promise<ColdStart> {
  const emptyModule = join(scratchDirectory, 'empty.mjs');
  writeFileSync(emptyModule, '');
  const standIns = await startBenchStandIns({ workspaces: 1 });
  try {
    const kinds = ['empty', 'rotation', 'baseline'] as const;
    const samples = { empty: [] as ChildRun[], rotation: [] as ChildRun[], baseline: [] as ChildRun[] };
    const lastCalls: Partial<Record<ArtifactName, HttpCalls>> = {};
    for (let round = 0; round < runs; round += 1) {
      const first = round % kinds.length;
      for (const kind of [...kinds.slice(first), ...kinds.slice(0, first)]) {
        if (kind === 'empty') {
          samples.empty.push(await runInChild({ module: emptyModule, invocations: [], env: standIns.env }));
          continue;
        }
        standIns.resetCalls();
        const run = await runFunction(artifacts[kind], standIns, FIRST_EVENTS[kind]);
        samples[kind].push(run);
        lastCalls[kind] = standIns.calls();
      }
    }
    const summary = (kind: ArtifactName): FunctionColdStart => ({
      readyMs: median(samples[kind].map((run) => run.readyMs)),
      importMs: median(samples[kind].map((run) => run.readyMs - run.importStartMs)),
      firstInvocationMs: median(samples[kind].map((run) => firstInvocation(run).ms)),
      readyAndFirstInvocationMs: median(samples[kind].map((run) => run.readyMs + firstInvocation(run).ms)),
      firstInvocationCalls: lastCalls[kind] ?? { prolific: 0, secretsManager: 0, eventBridge: 0 },
    });
    return {
      runs,
      emptyReadyMs: median(samples.empty.map((run) => run.readyMs)),
      functions: { rotation: summary('rotation'), baseline: summary('baseline') },
    };
  } finally {
    await standIns.close();
  }
}

export interface WarmRotation {
  readonly rotations: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  /** Median CPU time of the function's process per rotation (the stand-ins' work is not in it). */
  readonly medianCpuMs: number;
  /** HTTP calls of one warm rotation, counted at the stand-ins. */
  readonly calls: HttpCalls;
  /** HTTP calls of the first rotation in a fresh process (reading the token and resolving the secret too). */
  readonly firstRotationCalls: HttpCalls;
}

/**
 * One workspace, no injected latency. A first process rotates once; a second rotates once to warm up, then
 * `rotations` times more: those are timed, and their calls are the second process's less the first's.
 */
export async function measureWarmRotation(artifact: Artifact, rotations: number): Promise<WarmRotation> {
  const standIns = await startBenchStandIns({ workspaces: 1 });
  try {
    await runFunction(artifact, standIns, SCHEDULED_ROTATION_EVENT);
    const firstRotationCalls = standIns.calls();
    standIns.resetCalls();
    const run = await runFunction(artifact, standIns, SCHEDULED_ROTATION_EVENT, 1 + rotations);
    const warmCalls = standIns.calls();
    const timed = run.invocations.slice(1);
    const perRotation = (key: keyof HttpCalls) => (warmCalls[key] - firstRotationCalls[key]) / rotations;
    return {
      rotations,
      medianMs: median(timed.map((invocation) => invocation.ms)),
      p99Ms: percentile(timed.map((invocation) => invocation.ms), 99),
      medianCpuMs: median(timed.map((invocation) => invocation.cpuMs)),
      calls: { prolific: perRotation('prolific'), secretsManager: perRotation('secretsManager'), eventBridge: perRotation('eventBridge') },
      firstRotationCalls,
    };
  } finally {
    await standIns.close();
  }
}

export interface ScaleRun {
  readonly workspaces: number;
  /** Wall time of the one invocation (the process's start and import not included). */
  readonly ms: number;
  /** The process's peak resident set, MiB. */
  readonly peakRssMb: number;
  readonly calls: HttpCalls;
  /** Why the run does not count (a workspace not rotated, the invocation failed), if it does not. */
  readonly problem?: string;
}

/**
 * One invocation of `{"action":"rotate"}` over `workspaces` workspaces, with `latencyMs` before every
 * Prolific answer.
 */
export async function measureScale(
  artifact: Artifact,
  workspaces: number,
  latencyMs: number,
  env: Record<string, string>,
): Promise<ScaleRun> {
  const standIns = await startBenchStandIns({ workspaces, prolificLatencyMs: latencyMs });
  try {
    const run = await runInChild({
      module: artifact.file,
      invocations: [{ event: SCHEDULED_ROTATION_EVENT, times: 1 }],
      env: { ...standIns.env, ...artifact.runtimeEnv, ...env },
    });
    const invocation = firstInvocation(run);
    return {
      workspaces,
      ms: invocation.ms,
      peakRssMb: run.maxRssKb / 1024,
      calls: standIns.calls(),
      ...problemOf(run, standIns, workspaces),
    };
  } finally {
    await standIns.close();
  }
}

/**
 * Runs `artifact` in a fresh process against one workspace's stand-ins, `times` calls of `event`; throws
 * unless every call answered and, for a rotation, rotated.
 */
async function runFunction(
  artifact: Artifact,
  standIns: BenchStandIns,
  event: { action: string },
  times = 1,
): Promise<ChildRun> {
  const run = await runInChild({
    module: artifact.file,
    invocations: [{ event, times }],
    env: { ...standIns.env, ...artifact.runtimeEnv },
  });
  const failed = run.invocations.find((invocation) => invocation.error !== undefined);
  if (failed !== undefined) throw new Error(`The ${artifact.name} function failed on ${JSON.stringify(event)}: ${failed.error}`);
  const problem = event.action === 'rotate' ? problemOf(run, standIns, 1).problem : undefined;
  if (problem !== undefined) throw new Error(`The ${artifact.name} function: ${problem}`);
  return run;
}

/** Every invocation must have rotated all `workspaces`, and Secrets Manager must hold Prolific's active secrets. */
function problemOf(run: ChildRun, standIns: BenchStandIns, workspaces: number): { problem?: string } {
  const failed = run.invocations.find((invocation) => invocation.error !== undefined);
  if (failed?.error !== undefined) return { problem: failed.error.split('\n')[0] ?? failed.error };
  const notRotated = run.invocations.find((invocation) => invocation.outcomes?.rotated !== workspaces);
  if (notRotated !== undefined) return { problem: `outcomes ${JSON.stringify(notRotated.outcomes)}, not ${workspaces} rotated` };
  const inSync = standIns.workspacesInSync();
  if (inSync !== workspaces) {
    return { problem: `${workspaces - inSync} of ${workspaces} target secrets do not hold Prolific's active secret` };
  }
  return {};
}

function firstInvocation(run: ChildRun) {
  const [invocation] = run.invocations;
  if (invocation === undefined) throw new Error('The function process made no invocation.');
  return invocation;
}
