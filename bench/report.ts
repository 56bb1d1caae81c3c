// The benchmark's Markdown report: every figure of a run, the done-when targets, and optionally the change
// from a previous run's JSON.
import type { ArtifactName } from './artifacts.js';
import { figuresOf, FUNCTION_LABELS, type BenchResults, type BundleFigures, type Figure, type Unit } from './results.js';
import type { HttpCalls } from './standins.js';

const NAMES = ['rotation', 'baseline'] as const;
const TOP_PACKAGES = 12;
/** A package whose share changed less than this is left out of the comparison. */
const PACKAGE_CHANGE_SHOWN_BYTES = 1024;

export const BASELINE_CAVEAT =
  'The baseline calls POST /api/v1/hooks/secrets/ and then PutSecretValue for each workspace in turn, nothing else: ' +
  "it does NONE of the protocol's safety steps (no write check before the POST, no AWSPENDING, no confirming GET, " +
  'no reconcile or heal, no retries, no rotation event, no logs or metrics, and the API token sits in its environment).';

export function renderReport(results: BenchResults): string {
  const { machine, tree, settings, coldStart, warmRotation, bundles } = results;
  const cold = coldStart.functions;
  return [
    `# Benchmark, ${results.date}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; Node ${machine.node} (Lambda runs nodejs24.x)`,
    `- Tree: commit ${tree.commit}${tree.uncommittedFiles === 0 ? ', clean' : ` + ${tree.uncommittedFiles} uncommitted files`}`,
    `- Command: \`${results.command}\` (${Math.round(results.durationSeconds)} s)`,
    `- ROTATION_CONCURRENCY: ${settings.concurrency ?? "unset (the function's default)"}`,
    `- ${BASELINE_CAVEAT}`,
    '',
    '## Bundle',
    '',
    table(['', FUNCTION_LABELS.rotation, FUNCTION_LABELS.baseline], [
      ['size', ...NAMES.map((name) => kib(bundles[name].bytes))],
      ['gzipped', ...NAMES.map((name) => kib(bundles[name].gzipBytes))],
      ['bundling', ...NAMES.map((name) => bundles[name].bundling)],
      ['left to the Lambda runtime', ...NAMES.map((name) => bundles[name].externals)],
    ]),
    '',
    ...packageSection(bundles.rotation),
    '',
    `## Cold start: median of ${coldStart.runs} fresh Node processes each, interleaved`,
    '',
    table(['', 'empty ESM module', FUNCTION_LABELS.rotation, FUNCTION_LABELS.baseline], [
      ['process start to import done', ms(coldStart.emptyReadyMs), ...NAMES.map((name) => ms(cold[name].readyMs))],
      ['ratio to the empty module', '1.00×',
        ...NAMES.map((name) => `${(cold[name].readyMs / coldStart.emptyReadyMs).toFixed(2)}×`)],
      ['import alone', '', ...NAMES.map((name) => ms(cold[name].importMs))],
      ['first invocation, one workspace', '', ...NAMES.map((name) => `${ms(cold[name].firstInvocationMs)} (${firstAction(name)})`)],
      ['process start to first invocation done', '', ...NAMES.map((name) => ms(cold[name].readyAndFirstInvocationMs))],
      ['HTTP calls of the first invocation', '', ...NAMES.map((name) => calls(cold[name].firstInvocationCalls))],
    ]),
    '',
    `## One rotation, warm, no injected latency: ${warmRotation.rotation.rotations} invocations of {"action":"rotate"} ` +
      'on one workspace, after one to warm up',
    '',
    table(['', FUNCTION_LABELS.rotation, FUNCTION_LABELS.baseline], [
      ['wall, median', ...NAMES.map((name) => ms(warmRotation[name].medianMs))],
      ['wall, p99', ...NAMES.map((name) => ms(warmRotation[name].p99Ms))],
      ["CPU of the function's process, median", ...NAMES.map((name) => ms(warmRotation[name].medianCpuMs))],
      ['HTTP calls per rotation', ...NAMES.map((name) => calls(warmRotation[name].calls))],
      ["HTTP calls of a fresh process's first rotation", ...NAMES.map((name) => calls(warmRotation[name].firstRotationCalls))],
    ]),
    '',
    'HTTP calls are counted where they arrive: Prolific / Secrets Manager / EventBridge.',
    '',
    `## {"action":"rotate"} over many workspaces, ${settings.prolificLatencyMs} ms before every Prolific answer, ` +
      'each function in its own process, the two at the same time',
    '',
    table([
      'workspaces',
      `${FUNCTION_LABELS.rotation}: wall`, 'peak RSS', 'HTTP calls',
      `${FUNCTION_LABELS.baseline}: wall`, 'peak RSS', 'HTTP calls',
    ],
      settings.workspaces.map((workspaces) => [
        String(workspaces),
        ...NAMES.flatMap((name) => {
          const run = results.scale[name].find((candidate) => candidate.workspaces === workspaces);
          if (run === undefined) return ['not run', '', ''];
          const wall = run.problem === undefined ? seconds(run.ms) : `${seconds(run.ms)}, FAILED: ${run.problem}`;
          return [wall, `${run.peakRssMb.toFixed(1)} MB`, calls(run.calls)];
        }),
      ]),
    ),
    '',
    '## Done-when targets (rotation function)',
    '',
    ...results.targets.map(({ target, measured, pass }) =>
      `- ${pass ? 'PASS' : 'FAIL'} ${target}: ${measured ?? 'not measured (add it to --workspaces)'}`),
  ].join('\n');
}

/** The figures of `previous` and `current` side by side; a package's share only where it moved. */
export function renderChange(current: BenchResults, previous: BenchResults, previousPath: string): string {
  const before = new Map(figuresOf(previous).map((figure) => [figure.label, figure]));
  const rows = figuresOf(current).flatMap((figure): string[][] => {
    const old = before.get(figure.label);
    before.delete(figure.label);
    const isPackage = figure.label.includes(': bundle, ');
    if (old === undefined) return isPackage ? [[figure.label, 'none', format(figure), '']] : [];
    if (isPackage && Math.abs(figure.value - old.value) < PACKAGE_CHANGE_SHOWN_BYTES) return [];
    return [[figure.label, format(old), format(figure), change(old, figure)]];
  });
  const gone = [...before.values()]
    .filter((figure) => figure.label.includes(': bundle, '))
    .map((figure) => [figure.label, format(figure), 'none', '']);
  return [
    `## Change since ${previousPath} (${previous.date}, commit ${previous.tree.commit})`,
    '',
    table(['figure', 'before', 'now', 'change'], [...rows, ...gone]),
  ].join('\n');
}

/** The rotation function's bundle by package: the largest ones, the rest summed, and esbuild's own code. */
function packageSection(bundle: BundleFigures): string[] {
  const { packages, glueBytes } = bundle.composition;
  const shown = packages.slice(0, TOP_PACKAGES);
  const others = packages.slice(TOP_PACKAGES);
  const othersBytes = sum(others.map((share) => share.bytes));
  return [
    `Rotation function by package (esbuild metafile; the largest ${shown.length} of ${packages.length}):`,
    '',
    table(['package', 'size', 'share'], [
      ...shown.map((share) => [share.name, kib(share.bytes), percent(share.bytes, bundle.bytes)]),
      ...(others.length === 0 ? [] : [[`${others.length} others`, kib(othersBytes), percent(othersBytes, bundle.bytes)]]),
      ['esbuild module wrappers and helpers', kib(glueBytes), percent(glueBytes, bundle.bytes)],
    ]),
  ];
}

function firstAction(name: ArtifactName): string {
  return name === 'rotation' ? 'status' : 'rotate';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, index) => (index === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function format({ value, unit }: Figure): string {
  const formats: Record<Unit, (value: number) => string> = {
    bytes: kib,
    ms,
    MB: (mb) => `${mb.toFixed(1)} MB`,
    '×': (ratio) => `${ratio.toFixed(2)}×`,
    calls: count,
  };
  return formats[unit](value);
}

function change(before: Figure, now: Figure): string {
  if (before.value === now.value) return '=';
  const delta = now.value - before.value;
  const sign = delta > 0 ? '+' : '-';
  const absolute = `${sign}${format({ ...now, value: Math.abs(delta) })}`;
  return before.value === 0 ? absolute : `${absolute} (${sign}${Math.abs((delta / before.value) * 100).toFixed(1)} %)`;
}

function calls({ prolific, secretsManager, eventBridge }: HttpCalls): string {
  return [prolific, secretsManager, eventBridge].map(count).join(' / ');
}

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function ms(value: number): string {
  return value >= 1000 ? seconds(value) : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

function seconds(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)} %`;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
