import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The suites that `npm run reliability` runs (vitest.reliability.config.ts) and `npm test` leaves out:
 * they play hundreds of runs, many of them concurrent, some in child processes, or build and run the
 * shipped artifacts.
 */
export const RELIABILITY_SUITES = [
  'test/reliability/fault-matrix/**/*.test.ts',
  'test/reliability/races/**/*.test.ts',
  'test/reliability/sequences/**/*.test.ts',
  // Slow as well, though not reliability checks: the shipped artifacts, built and run as their users get
  // them (the Lambda bundles from a synthesis with bundling; the receiver kit and the command line packed
  // and installed), and cdk-nag's rule packs over whole stacks (`cdk synth` runs them too).
  'test/infra/construct/artifact.test.ts',
  'test/infra/app/compliance-checks.test.ts',
  'test/infra/example-receiver/example-receiver-bundle.test.ts',
  'test/lambda/receiver-kit/package.test.ts',
  'test/cli/package.test.ts',
  // A CDK app of a team's own, in plain JavaScript and without a bundler, built on the packed constructs.
  'test/package/construct-consumer.test.ts',
  // Whole stacks of hundreds of workspaces, synthesized: the scale, the deployment limits, and the app's
  // one-line report of a limit.
  'test/infra/construct/hundreds-of-workspaces.test.ts',
  'test/infra/construct/deployment-limits.test.ts',
  'test/infra/app/app.test.ts',
  // The command line end to end: a child process per scenario against the Lambda stand-in.
  'test/cli/cli.test.ts',
];

/** What both suites share. */
export const SHARED_TEST_OPTIONS = {
  env: {
    // The SDK warns, on Node 20, that its versions published after January 2027 will need Node 22. The
    // deployed function runs on Node 24; here the warning would only interrupt the test output. Child
    // processes that tests spawn with process.env inherit this.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
};

/**
 * vitest's own order (slowest first by its cache, else largest file first), with the type check, the longest
 * single test but a small file, always first: on a fresh clone (CI) it would otherwise start last.
 */
class TypeCheckFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isTypeCheck = (file: TestSpecification) => file.moduleId.endsWith('test/typecheck.test.ts');
    return [...sorted.filter(isTypeCheck), ...sorted.filter((file) => !isTypeCheck(file))];
  }
}

// `npm test` (and a bare `npx vitest`): everything except the reliability suites.
export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...RELIABILITY_SUITES],
    // The JSON report is what .ci/run reads to print its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    // vitest's default, one worker fewer than CPUs, is a single worker on two CPUs; two keep `npm test`
    // under a minute there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: TypeCheckFirst },
    // Far above what any test needs on an idle machine, so that a loaded one cannot push a test past it.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
