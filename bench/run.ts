// `npm run bench`: bundles the rotation function and the baseline, measures both against loopback
// stand-ins in fresh Node processes, prints a Markdown report on stdout and writes the same as JSON.
// What each figure means: docs/benchmarks.md. Progress goes to stderr.
//
//   npm run bench
//   npm run bench -- --workspaces 1,10 --concurrency 10 --cold-runs 5 --rotations 50
//   npm run bench -- --baseline reports/benchmarks/<earlier run>.json    also prints the change from it
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENVIRONMENT } from '../lambda/contract/environment.js';
import { buildArtifacts, type Artifact, type ArtifactName } from './artifacts.js';
import { describeMachine, describeTree } from './machine.js';
import { renderChange, renderReport } from './report.js';
import { checkTargets, workspacesLabel, type BenchResults, type BundleFigures, type Settings } from './results.js';
import { measureColdStart, measureScale, measureWarmRotation, type ScaleRun } from './scenarios.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = `Usage: npm run bench -- [options]
  --workspaces 1,10,100,500   workspace counts of the runs with injected latency
  --latency-ms 200            added before every Prolific answer in those runs
  --concurrency N             ROTATION_CONCURRENCY for the rotation function (default: unset, its own default)
  --cold-runs 20              fresh processes per kind for the cold start (at least 20 for the report's figures)
  --rotations 200             timed warm rotations per function
  --baseline FILE             a previous run's JSON: also print the change from it
  --out FILE                  where the JSON goes (default reports/benchmarks/<date>.json)`;

const settings = readSettings();
const previous = settings.baseline === undefined ? undefined : { path: settings.baseline, results: readResults(settings.baseline) };
const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
try {
  const results = await measure(settings.settings);
  const markdown = renderReport(results);
  const change = previous === undefined ? '' : `\n\n${renderChange(results, previous.results, previous.path)}`;
  mkdirSync(dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${markdown}${change}\n\nJSON: ${displayPath(settings.out)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

async function measure(runSettings: Settings): Promise<BenchResults> {
  progress('bundling both functions');
  const artifacts = buildArtifacts(join(scratch, 'assembly'));
  progress(`cold start: ${runSettings.coldRuns} rounds`);
  const coldStart = await measureColdStart(artifacts, runSettings.coldRuns, scratch);
  progress(`warm rotation: ${runSettings.rotations} per function`);
  const warmRotation = {
    rotation: await measureWarmRotation(artifacts.rotation, runSettings.rotations),
    baseline: await measureWarmRotation(artifacts.baseline, runSettings.rotations),
  };
  const scale: Record<ArtifactName, ScaleRun[]> = { rotation: [], baseline: [] };
  const concurrencyEnv: Record<string, string> =
    runSettings.concurrency === undefined ? {} : { [ENVIRONMENT.concurrency]: String(runSettings.concurrency) };
  for (const workspaces of runSettings.workspaces) {
    progress(`${workspacesLabel(workspaces)}, ${runSettings.prolificLatencyMs} ms per Prolific answer`);
    // Side by side: the baseline waits on Prolific nearly all the time (a few ms of CPU per workspace), so
    // it hardly slows the rotation function, and the run stays within a few minutes.
    const [rotation, baseline] = await Promise.all([
      measureScale(artifacts.rotation, workspaces, runSettings.prolificLatencyMs, concurrencyEnv),
      measureScale(artifacts.baseline, workspaces, runSettings.prolificLatencyMs, {}),
    ]);
    scale.rotation.push(rotation);
    scale.baseline.push(baseline);
  }
  return {
    date: new Date(started).toISOString(),
    command: commandLine(),
    machine: describeMachine(),
    tree: describeTree(REPO_ROOT),
    settings: runSettings,
    durationSeconds: (Date.now() - started) / 1000,
    bundles: { rotation: bundleFigures(artifacts.rotation), baseline: bundleFigures(artifacts.baseline) },
    coldStart,
    warmRotation,
    scale,
    targets: checkTargets(scale.rotation),
  };
}

function bundleFigures({ bytes, gzipBytes, bundling, externals, composition }: Artifact): BundleFigures {
  return { bytes, gzipBytes, bundling, externals, composition };
}

function readSettings(): { settings: Settings; baseline?: string; out: string } {
  const { values } = parseArgs({
    options: {
      workspaces: { type: 'string', default: '1,10,100,500' },
      'latency-ms': { type: 'string', default: '200' },
      concurrency: { type: 'string' },
      'cold-runs': { type: 'string', default: '20' },
      rotations: { type: 'string', default: '200' },
      baseline: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    settings: {
      workspaces: values.workspaces.split(',').map((count) => positiveInteger('--workspaces', count)),
      prolificLatencyMs: positiveInteger('--latency-ms', values['latency-ms'], 0),
      coldRuns: positiveInteger('--cold-runs', values['cold-runs']),
      rotations: positiveInteger('--rotations', values.rotations),
      ...(values.concurrency === undefined ? {} : { concurrency: positiveInteger('--concurrency', values.concurrency) }),
    },
    ...(values.baseline === undefined ? {} : { baseline: values.baseline }),
    out: values.out ?? join(REPO_ROOT, 'reports', 'benchmarks', `${stamp}.json`),
  };
}

function positiveInteger(flag: string, text: string, least = 1): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < least) {
    console.error(`${flag} takes a whole number of at least ${least}, not "${text}".\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function readResults(path: string): BenchResults {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`--baseline ${path} is not a benchmark JSON file (${reason}); pass one that npm run bench wrote.`);
  }
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const command = process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'npx tsx bench/run.ts';
  return args === '' ? command : command === 'npm run bench' ? `${command} -- ${args}` : `${command} ${args}`;
}

/** Relative to the repository when inside it. */
function displayPath(path: string): string {
  const inRepo = relative(REPO_ROOT, resolve(path));
  return inRepo.startsWith('..') ? resolve(path) : inRepo;
}

function progress(step: string): void {
  console.error(`bench: ${step} (${Math.round((Date.now() - started) / 1000)} s)`);
}
