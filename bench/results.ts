// One benchmark run as data: what the JSON file holds, the done-when targets checked against it, and its
// figures as one flat list, so that two runs can be compared figure by figure.
import type { ArtifactName } from './artifacts.js';
import type { Composition } from './composition.js';
import type { Machine, TreeState } from './machine.js';
import type { ColdStart, ScaleRun, WarmRotation } from './scenarios.js';

export interface Settings {
  readonly coldRuns: number;
  readonly rotations: number;
  readonly prolificLatencyMs: number;
  readonly workspaces: readonly number[];
  /** ROTATION_CONCURRENCY given to the rotation function, or undefined for its default. */
  readonly concurrency?: number;
}

export interface BundleFigures {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly bundling: string;
  readonly externals: string;
  readonly composition: Composition;
}

export interface TargetCheck {
  readonly target: string;
  /** What was measured, as printed; undefined when the run did not measure it. */
  readonly measured?: string;
  readonly pass: boolean;
}

export interface BenchResults {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly tree: TreeState;
  readonly settings: Settings;
  readonly durationSeconds: number;
  readonly bundles: Record<ArtifactName, BundleFigures>;
  readonly coldStart: ColdStart;
  readonly warmRotation: Record<ArtifactName, WarmRotation>;
  readonly scale: Record<ArtifactName, readonly ScaleRun[]>;
  readonly targets: readonly TargetCheck[];
}

const SECONDS_FOR_WORKSPACES: readonly (readonly [workspaces: number, seconds: number])[] = [
  [100, 10],
  [500, 60],
];
const PEAK_RSS_LIMIT_MB = 128;

/** The rotation function's done-when targets: wall time at 100 and 500 workspaces, peak RSS of every run. */
export function checkTargets(runs: readonly ScaleRun[]): TargetCheck[] {
  const timeChecks = SECONDS_FOR_WORKSPACES.map(([workspaces, seconds]): TargetCheck => {
    const target = `${workspacesLabel(workspaces)} in < ${seconds} s`;
    const run = runs.find((candidate) => candidate.workspaces === workspaces);
    if (run === undefined) return { target, pass: false };
    const measured = `${(run.ms / 1000).toFixed(1)} s${run.problem === undefined ? '' : ` (${run.problem})`}`;
    return { target, measured, pass: run.problem === undefined && run.ms < seconds * 1000 };
  });
  const largest = [...runs].sort((a, b) => b.peakRssMb - a.peakRssMb)[0];
  const rssCheck: TargetCheck = {
    target: `peak RSS < ${PEAK_RSS_LIMIT_MB} MB`,
    pass: largest !== undefined && largest.peakRssMb < PEAK_RSS_LIMIT_MB,
    ...(largest === undefined ? {} : { measured: `${largest.peakRssMb.toFixed(1)} MB at ${workspacesLabel(largest.workspaces)}` }),
  };
  return [...timeChecks, rssCheck];
}

export type Unit = 'bytes' | 'ms' | 'MB' | '×' | 'calls';

export interface Figure {
  readonly label: string;
  readonly value: number;
  readonly unit: Unit;
}

export const FUNCTION_LABELS: Record<ArtifactName, string> = { rotation: 'rotation function', baseline: 'baseline' };

/** Every figure of a run, labelled; lower is better for each. */
export function figuresOf(results: BenchResults): Figure[] {
  return (['rotation', 'baseline'] as const).flatMap((name) => {
    const fn = FUNCTION_LABELS[name];
    const bundle = results.bundles[name];
    const cold = results.coldStart.functions[name];
    const warm = results.warmRotation[name];
    return [
      { label: `${fn}: bundle`, value: bundle.bytes, unit: 'bytes' },
      { label: `${fn}: bundle gzipped`, value: bundle.gzipBytes, unit: 'bytes' },
      ...bundle.composition.packages.map((share) => (
        { label: `${fn}: bundle, ${share.name}`, value: share.bytes, unit: 'bytes' as const }
      )),
      { label: `${fn}: cold start ratio to an empty module`, value: cold.readyMs / results.coldStart.emptyReadyMs, unit: '×' },
      { label: `${fn}: cold start, process ready`, value: cold.readyMs, unit: 'ms' },
      { label: `${fn}: first invocation`, value: cold.firstInvocationMs, unit: 'ms' },
      { label: `${fn}: warm rotation, median`, value: warm.medianMs, unit: 'ms' },
      { label: `${fn}: warm rotation, p99`, value: warm.p99Ms, unit: 'ms' },
      { label: `${fn}: warm rotation, CPU median`, value: warm.medianCpuMs, unit: 'ms' },
      ...(['prolific', 'secretsManager', 'eventBridge'] as const).map((service) => ({
        label: `${fn}: HTTP calls per rotation, ${service}`,
        value: warm.calls[service],
        unit: 'calls' as const,
      })),
      ...results.scale[name].flatMap((run) => [
        { label: `${fn}: ${workspacesLabel(run.workspaces)}, wall`, value: run.ms, unit: 'ms' as const },
        { label: `${fn}: ${workspacesLabel(run.workspaces)}, peak RSS`, value: run.peakRssMb, unit: 'MB' as const },
      ]),
    ];
  });
}

export function workspacesLabel(count: number): string {
  return `${count} workspace${count === 1 ? '' : 's'}`;
}
