// One run of the command line in this process, against the Lambda stand-in: the exit status for each way a
// run ends, what goes to stdout and what to stderr.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/run.js';
import { HELP } from '../../cli/usage.js';
import type { RotationReport, TargetResult } from '../../lambda/contract/report.js';
import type { InvocationOutcome } from '../../local/invoke-handler.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';

const FUNCTION_NAME = 'prolific-rotation';
const WORKSPACES = ['aa01', 'bb02'];

let lambda: LambdaStandIn | undefined;
afterEach(async () => {
  await lambda?.close();
  lambda = undefined;
  vi.unstubAllEnvs();
});

const result = (workspaceId: string, outcome: TargetResult['outcome']): TargetResult => ({
  workspaceId,
  secretId: `webhook/${workspaceId}`,
  outcome,
  prolificSecretId: null,
  versionId: null,
  lastRotatedAt: null,
  ...(outcome === 'failed' ? { failedStep: 'reconcile' as const, error: 'ProlificNotFoundError: HTTP 404' } : {}),
});

/** A function configured with WORKSPACES that answers each event as `answer` says; the SDK pointed at it. */
async function functionAnswering(answer: (event: { action: string; workspaceIds: string[] }) => InvocationOutcome): Promise<void> {
  const targets = WORKSPACES.map((workspaceId) => ({ workspaceId, secretId: `webhook/${workspaceId}` }));
  lambda = await startLambdaStandIn({
    name: FUNCTION_NAME,
    environment: { ROTATION_TARGETS: JSON.stringify(targets), PROLIFIC_TOKEN_SECRET_ID: 'token' },
    invoke: (event) => Promise.resolve(answer(event as { action: string; workspaceIds: string[] })),
  });
  for (const [name, value] of Object.entries(lambda.env())) vi.stubEnv(name, value);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws/config');
}

/** Runs the command line in this process; stdin is a terminal where `typed` is given, and holds it. */
async function cli(args: string[], typed?: string) {
  let stdout = '';
  let stderr = '';
  const stdin = typed === undefined ? Readable.from([]) : Object.assign(Readable.from([typed]), { isTTY: true });
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    stdin,
  });
  return { status, stdout, stderr };
}

const WAIT_NOTICE = `Invoking ${FUNCTION_NAME} for 2 workspaces; this can take up to 15 min (the function's timeout)…\n`;
const answeringReports = ({ action, workspaceIds }: { action: string; workspaceIds: string[] }): InvocationOutcome => ({
  report: { action, dryRun: false, results: workspaceIds.map((id) => result(id, 'unchanged')) },
});

describe('runCli', () => {
  it('prints the help on stdout, exit 0', async () => {
    expect(await cli(['--help'])).toEqual({ status: 0, stdout: HELP, stderr: '' });
  });

  it('says what is wrong with the arguments on stderr, and where the help is, exit 2', async () => {
    expect(await cli(['restart'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'Unknown command "restart"; the commands are status, sync, rotate, invoke.\n' +
        'Run prolific-webhook-secret-rotation --help for the commands and options.\n',
    });
  });

  it('prints the table of every configured workspace, exit 0 when none failed', async () => {
    await functionAnswering(({ action, workspaceIds }) => ({
      report: { action, dryRun: false, results: workspaceIds.map((id) => result(id, 'unchanged')) },
    }));

    const { status, stdout, stderr } = await cli(['status', '--function-name', FUNCTION_NAME]);

    expect(status).toBe(0);
    expect(stdout.split('\n').at(-2)).toBe('status: 2 workspaces, 2 unchanged');
    expect(stderr).toBe(WAIT_NOTICE);
    expect(lambda?.events).toEqual([{ action: 'status', workspaceIds: WORKSPACES }]);
  });

  it('prints the whole report of a run in which a workspace failed, exit 1', async () => {
    await functionAnswering(({ action, workspaceIds }) => {
      const results = workspaceIds.map((id) => result(id, id === 'bb02' ? 'failed' : 'healed'));
      const report: RotationReport = { action, dryRun: false, results };
      const message = `1 of 2 workspace(s) failed (sync). Each workspace:\nReport: ${JSON.stringify(report)}`;
      const error = Object.assign(new Error(message), { name: 'RotationFailedError' });
      return { error };
    });

    const { status, stdout } = await cli(['sync', '--function-name', FUNCTION_NAME, '--json']);

    expect(status).toBe(1);
    expect((JSON.parse(stdout) as RotationReport).results.map((entry) => entry.outcome)).toEqual(['healed', 'failed']);
  });

  it('prints what the batches before a refused one reported, then why the rest did not run, exit 3', async () => {
    await functionAnswering(({ action, workspaceIds }) =>
      workspaceIds.includes('bb02')
        ? { error: Object.assign(new Error('Field "workspaceIds[0]" names bb02, which is not configured'), { name: 'InvalidEventError' }) }
        : { report: { action, dryRun: false, results: workspaceIds.map((id) => result(id, 'unchanged')) } },
    );

    const { status, stdout, stderr } = await cli(['status', '--function-name', FUNCTION_NAME, '--batch-size', '1']);

    expect(status).toBe(3);
    expect(stdout.split('\n').at(-2)).toBe('status: 1 workspace, 1 unchanged');
    expect(stderr.split('\n').slice(-3)).toEqual([
      `Function ${FUNCTION_NAME} ended in InvalidEventError: Field "workspaceIds[0]" names bb02, which is not configured`,
      'Stopped after 1 of 2 workspaces (reported above); the others were not run.',
      '',
    ]);
  });

  it('prints the answer to invoke --event as JSON, exit 0', async () => {
    await functionAnswering(() => ({ report: { action: 'status', dryRun: false, results: [] } }));

    const { status, stdout } = await cli(['invoke', '--function-name', FUNCTION_NAME, '--event', '{"action":"status"}']);

    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ action: 'status', dryRun: false, results: [] });
  });

  it('says the function was not found, exit 3', async () => {
    await functionAnswering(() => ({}));

    const { status, stdout, stderr } = await cli(['status', '--function-name', 'no-such-function']);

    expect([status, stdout]).toEqual([3, '']);
    expect(stderr).toMatch(/^The function no-such-function was not found in us-east-1\.\n/);
  });

  it('prints its version, from package.json, and its help as the command help, exit 0', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

    expect(await cli(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    expect(await cli(['help'])).toEqual({ status: 0, stdout: HELP, stderr: '' });
  });

  it('refuses to rotate every workspace where stdin is not a terminal, unless --all: exit 2, before any AWS call', async () => {
    await functionAnswering(answeringReports);

    const { status, stdout, stderr } = await cli(['rotate', '--function-name', FUNCTION_NAME]);

    expect([status, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^rotate without --workspace rotates every workspace .* cannot be undone\.\n.*pass --all to rotate them all/);
    expect(lambda?.events).toEqual([]);
    expect((await cli(['rotate', '--all', '--function-name', FUNCTION_NAME])).status).toBe(0);
    expect(lambda?.events).toEqual([{ action: 'rotate', workspaceIds: WORKSPACES }]);
  });

  it('on a terminal, asks before rotating every workspace, listing them; only yes rotates', async () => {
    await functionAnswering(answeringReports);

    const declined = await cli(['rotate', '--function-name', FUNCTION_NAME], '\n');
    expect(lambda?.events).toEqual([]);
    const confirmed = await cli(['rotate', '--function-name', FUNCTION_NAME], 'y\n');

    expect([declined.status, declined.stdout]).toEqual([3, '']);
    expect(declined.stderr).toMatch(/^rotate asks Prolific .*:\n {2}aa01\n {2}bb02\nRotate all 2\? \[y\/N\] Not confirmed: nothing was rotated\.\n$/);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stderr).toMatch(/\? \[y\/N\] Invoking /);
    expect(lambda?.events).toEqual([{ action: 'rotate', workspaceIds: WORKSPACES }]);
  });

  it('asks nothing for a dry run or named workspaces, also on a terminal', async () => {
    await functionAnswering(answeringReports);

    expect((await cli(['rotate', '--dry-run', '--function-name', FUNCTION_NAME], '')).status).toBe(0);
    expect((await cli(['rotate', '--workspace', 'aa01', '--function-name', FUNCTION_NAME], '')).status).toBe(0);
    expect(lambda?.events).toEqual([
      { action: 'rotate', dryRun: true, workspaceIds: WORKSPACES },
      { action: 'rotate', workspaceIds: ['aa01'] },
    ]);
  });
});
