// The command line as its users get it: `npx prolific-webhook-secret-rotation` from this repository (npm runs
// the project's own bin, which the pack below builds into dist/ through `prepack`) and from a project that
// installed the packed package, where only the package's dependencies are present: the command line brings
// its AWS SDK clients bundled in. Slow (a pack and an install): in the reliability suite.
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installInto, packForConsumer } from '../support/packed-package.js';
import type { RotationReport } from '../../lambda/contract/report.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';

const execFile = promisify(execFileCallback);
const COMMAND = 'prolific-webhook-secret-rotation';
const FUNCTION_NAME = 'rotation-function';
const REPORT: RotationReport = {
  action: 'status',
  dryRun: false,
  results: [
    {
      workspaceId: 'ws1',
      secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ws1-AbCdEf',
      outcome: 'unchanged',
      prolificSecretId: 'p1',
      versionId: 'v1',
      lastRotatedAt: '2026-01-01T00:00:00.000Z',
      drift: false,
    },
  ],
};

let project: string;
let lambda: LambdaStandIn;
/** What beforeAll made, to remove after the tests (however far beforeAll got). */
const made: (() => unknown)[] = [];

beforeAll(async () => {
  const packed = await packForConsumer('cli-package-', { name: 'consumer', private: true });
  made.push(packed.remove);
  project = packed.project;
  await installInto(project, [packed.tarball]);
  lambda = await startLambdaStandIn({ name: FUNCTION_NAME, environment: {}, invoke: () => Promise.resolve({ report: REPORT }) });
  made.push(() => lambda.close());
}, 300_000);

afterAll(async () => {
  await Promise.all(made.map((remove) => remove()));
});

/** The caller's environment without any AWS settings of its own, plus the Lambda stand-in's. */
function environment(): NodeJS.ProcessEnv {
  const own = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...own, ...lambda.env(), AWS_EC2_METADATA_DISABLED: 'true' };
}

const npx = (cwd: string, args: readonly string[]) => execFile('npx', ['--offline', COMMAND, ...args], { cwd, env: environment() });
const documentedHelp = () => /```text\n([\s\S]*?)```/.exec(readFileSync('docs/cli.md', 'utf8'))?.[1];

describe('the command line as a package', () => {
  it('runs from this repository with npx', async () => {
    expect((await npx(process.cwd(), ['--help'])).stdout).toBe(documentedHelp());
    // tsc writes new files without the executable bit; npx links the bin once and never sets it again, so
    // the build sets it (else a clean rebuild leaves `npx` with "Permission denied").
    expect(statSync('dist/cli/main.js').mode & 0o111).toBe(0o111);
  });

  it('runs with npx where the package is installed, with only its dependencies', async () => {
    const help = await npx(project, ['--help']);
    const status = await npx(project, ['status', '--function-name', FUNCTION_NAME, '--workspace', 'ws1']);

    expect(help.stdout).toBe(documentedHelp());
    expect(existsSync(join(project, 'node_modules', '@aws-sdk', 'client-lambda'))).toBe(false);
    expect(status.stdout).toMatch(/^WORKSPACE .*\nws1 +unchanged +p1 +v1 +2026-01-01T00:00:00Z +no +- *\n\nstatus: 1 workspace, 1 unchanged\n$/);
    expect(lambda.events).toEqual([{ action: 'status', workspaceIds: ['ws1'] }]);
  });
});
