// The command line end to end, as a person runs it: a child process (one per scenario) with the real AWS SDK
// clients pointed at the Lambda, CloudFormation and SSM stand-ins by AWS_ENDPOINT_URL_*, and the Lambda
// stand-in running the real handler against the Prolific, Secrets Manager and EventBridge stand-ins.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationReport } from '../../lambda/contract/report.js';
import type { InvocationOutcome } from '../../local/invoke-handler.js';
import { startCloudFormationStandIn, type CloudFormationStandIn } from '../../local/standins/cloudformation.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';
import { startSsmStandIn, type SsmStandIn } from '../../local/standins/ssm.js';
import { startHarness, type Harness } from '../support/harness.js';
import { prepareCli, type CliProcesses, type CliRun } from './cli-process.js';
import { startSilentServer } from './silent-server.js';

const WORKSPACES = ['aa01', 'bb02', 'cc03', 'dd04', 'ee05'] as const;
const [FIRST, SECOND, THIRD, FOURTH] = WORKSPACES;
const FUNCTION_NAME = 'ProlificWebhookSecretRotation-RotationFunction-Abc123';
const TARGETS_PATH = '/ProlificWebhookSecretRotation/rotation-targets';

let processes: CliProcesses;
let harness: Harness;
let ssm: SsmStandIn;
let lambda: LambdaStandIn;
let cloudFormation: CloudFormationStandIn;
/** An empty home: no ~/.aws of whoever runs the tests. */
let home: string;
/** While set, every invocation waits for it: a run in progress. */
let runInProgress: Promise<void> | undefined;
/** What beforeAll started, to close after the tests (however far beforeAll got). */
const started: (() => unknown)[] = [];

beforeAll(async () => {
  processes = await prepareCli();
  started.push(() => processes.close());
  ssm = await startSsmStandIn();
  started.push(() => ssm.close());
  // The targets in SSM, as the stack keeps many of them: two parameters, read in name order.
  harness = await startHarness({
    workspaces: WORKSPACES,
    env: { ROTATION_TARGETS: undefined, ROTATION_TARGETS_PARAMETER_PATH: TARGETS_PATH },
  });
  started.push(() => harness.close());
  const targets = WORKSPACES.map((workspaceId) => ({ workspaceId, secretId: harness.secretIdFor(workspaceId) }));
  ssm.put(`${TARGETS_PATH}/0001`, JSON.stringify(targets.slice(0, 3)));
  ssm.put(`${TARGETS_PATH}/0002`, JSON.stringify(targets.slice(3)));
  harness.coldStart({ ssm: ssm.client() });
  lambda = await startLambdaStandIn({
    name: FUNCTION_NAME,
    environment: harness.env,
    invoke: async (event) => {
      await runInProgress;
      return harness.invoke(event);
    },
  });
  started.push(() => lambda.close());
  cloudFormation = await startCloudFormationStandIn([
    {
      name: 'ProlificWebhookSecretRotation',
      outputs: { FunctionName: FUNCTION_NAME, AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms' },
    },
    { name: 'SomeOtherApp', outputs: { BucketName: 'some-bucket' } },
  ]);
  started.push(() => cloudFormation.close());
  home = mkdtempSync(join(tmpdir(), 'cli-home-'));
  started.push(() => {
    rmSync(home, { recursive: true, force: true });
  });
});

afterAll(async () => {
  await Promise.all(started.map((close) => close()));
});

/** The environment of a person with credentials, whose AWS endpoints are the stand-ins. */
function signedInEnv(): Record<string, string> {
  return { ...lambda.env(), ...cloudFormation.env(), ...ssm.env(), ...baseEnv() };
}

function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Runs the command line once; whatever it printed holds no secret and no stack trace. */
async function cli(args: readonly string[], env: Record<string, string> = signedInEnv()): Promise<CliRun> {
  const { status, stdout, stderr } = await processes.run(args, env);
  harness.assertNoSecretLeaked(stdout, stderr);
  // Every message is meant for a person: never a stack trace.
  expect(stderr).not.toMatch(/^\s+at /m);
  return { status, stdout, stderr };
}

/** The line on stderr before the first invocation, for the stand-in's function (timeout 900 s). */
const waitNotice = (what: string) => `Invoking ${FUNCTION_NAME}${what}; this can take up to 15 min (the function's timeout)…`;
const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const rowOf = (stdout: string, workspaceId: string) => lines(stdout).find((line) => line.startsWith(`${workspaceId} `)) ?? '';

describe('the command line', () => {
  it('prints its help, which docs/cli.md holds verbatim', async () => {
    const { status, stdout } = await cli(['--help']);

    const documented = /```text\n([\s\S]*?)```/.exec(readFileSync('docs/cli.md', 'utf8'))?.[1];
    expect(status).toBe(0);
    expect(stdout).toBe(documented);
  });

  it('status: finds the function by the stack output, reads its workspaces from SSM, prints a row per workspace', async () => {
    const before = lambda.events.length;
    const { status, stdout, stderr } = await cli(['status']);

    expect(status).toBe(0);
    expect(lines(stdout)[0]).toMatch(/^WORKSPACE\s+OUTCOME\s+PROLIFIC SECRET\s+VERSION\s+LAST ROTATED\s+DRIFT\s+DELIVERIES$/);
    // Nothing synced yet: each secret holds the stack's placeholder, which differs from Prolific's active secret.
    for (const workspaceId of WORKSPACES) expect(rowOf(stdout, workspaceId)).toMatch(/ would-heal .* yes\s+0 subscribed, 0 disabled, 0 failed$/);
    expect(lines(stdout).at(-1)).toBe('status: 5 workspaces, 5 would-heal');
    expect(stderr).toBe(`${waitNotice(' for 5 workspaces')}\n`);
    expect(lambda.events.slice(before)).toEqual([{ action: 'status', workspaceIds: [...WORKSPACES] }]);
  });

  it('rotate: every workspace in batches, one invocation at a time, a progress line per batch on a non-TTY stderr', async () => {
    const before = lambda.events.length;
    const { status, stdout, stderr } = await cli(['rotate', '--all', '--batch-size', '2']);

    expect(status).toBe(0);
    expect(lines(stderr)).toEqual([
      `Invoking ${FUNCTION_NAME} for 5 workspaces in 3 invocations, one at a time; each can take up to 15 min (the function's timeout)…`,
      'rotate: 2 of 5 workspaces, 0 failed',
      'rotate: 4 of 5 workspaces, 0 failed',
      'rotate: 5 of 5 workspaces, 0 failed',
    ]);
    expect(lambda.events.slice(before)).toEqual([
      { action: 'rotate', workspaceIds: [FIRST, SECOND] },
      { action: 'rotate', workspaceIds: [THIRD, FOURTH] },
      { action: 'rotate', workspaceIds: [WORKSPACES[4]] },
    ]);
    for (const workspaceId of WORKSPACES) {
      expect(harness.inSync(workspaceId)).toBe(true);
      expect(rowOf(stdout, workspaceId)).toContain(` rotated  ${harness.prolific.activeSecret(workspaceId)?.id} `);
    }
    expect(lines(stdout).at(-1)).toBe('rotate: 5 workspaces, 5 rotated');
  });

  it('--json and --workspace: the RotationReport of just those workspaces, for scripts', async () => {
    const { status, stdout } = await cli(['sync', '--json', '--workspace', THIRD, '--workspace', FIRST]);

    const report = JSON.parse(stdout) as RotationReport;
    expect(status).toBe(0);
    expect(report).toMatchObject({ action: 'sync', dryRun: false });
    expect(report.results.map((result) => [result.workspaceId, result.outcome])).toEqual([
      [FIRST, 'unchanged'],
      [THIRD, 'unchanged'],
    ]);
    expect(lambda.events.at(-1)).toEqual({ action: 'sync', workspaceIds: [THIRD, FIRST] });
  });

  it('--dry-run shows the plan and changes nothing', async () => {
    harness.prolific.replaceSecret(SECOND);
    const postsBefore = harness.prolific.calls.filter((call) => call.method === 'POST').length;
    const storedBefore = harness.currentSecret(SECOND);

    const { status, stdout } = await cli(['rotate', '--dry-run', '--workspace', SECOND]);

    expect(status).toBe(0);
    expect(lines(stdout)[0]).toMatch(/\s+PLAN$/);
    expect(rowOf(stdout, SECOND)).toMatch(/ would-rotate .* heal, rotate$/);
    expect(lines(stdout).at(-1)).toBe('rotate (dry run): 1 workspace, 1 would-rotate');
    expect(harness.prolific.calls.filter((call) => call.method === 'POST')).toHaveLength(postsBefore);
    expect(harness.currentSecret(SECOND)).toEqual(storedBefore);
  });

  it('a failing workspace: exit 1, with the whole report, its step and error under the table (and in --json)', async () => {
    harness.prolific.injectFault({ fault: { kind: 'status', status: 404 }, workspaceId: FOURTH, times: Infinity });
    try {
      const table = await cli(['sync']);
      const json = await cli(['status', '--json']);

      expect(table.status).toBe(1);
      expect(rowOf(table.stdout, FOURTH)).toMatch(/ failed /);
      expect(rowOf(table.stdout, SECOND)).toMatch(/ healed /);
      const failure = table.stdout.split('\nFailed:\n')[1] ?? '';
      expect(failure).toMatch(new RegExp(`^  ${FOURTH} at [a-z-]+:\\n    ProlificNotFoundError: `));
      expect(lines(table.stdout).at(-1)).toBe('sync: 5 workspaces, 3 unchanged, 1 healed, 1 failed');

      const report = JSON.parse(json.stdout) as RotationReport;
      expect(json.status).toBe(1);
      expect(report.results).toHaveLength(5);
      const failed = report.results.find((result) => result.workspaceId === FOURTH);
      expect(failed?.outcome).toBe('failed');
      expect(failed?.error).toContain('ProlificNotFoundError');
    } finally {
      harness.prolific.clearFaults();
    }
  });

  it('invoke --event: prints the function\'s answer as JSON', async () => {
    const { status, stdout } = await cli(['invoke', '--event', JSON.stringify({ action: 'status', workspaceId: FIRST })]);

    expect(status).toBe(0);
    expect((JSON.parse(stdout) as RotationReport).results).toMatchObject([{ workspaceId: FIRST, outcome: 'unchanged', drift: false }]);
  });

  it('access denied to the workspace list: exit 3, naming the permission to ask for', async () => {
    const before = lambda.events.length;
    ssm.denyReads(1);
    const { status, stdout, stderr } = await cli(['status']);

    expect(status).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `Access denied to SSM path ${TARGETS_PATH} in us-east-1: User is not authorized to perform: ssm:GetParametersByPath\n` +
        'Ask for ssm:GetParametersByPath on it (docs/cli.md lists what the command line needs).\n',
    );
    expect(lambda.events).toHaveLength(before);
  });

  it('a run already in progress: exit 3, saying to wait for it', async () => {
    let finishRun: () => void = () => undefined;
    runInProgress = new Promise<void>((resolve) => (finishRun = resolve));
    const started = lambda.events.length;
    const scheduled = lambda.client().send(new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: JSON.stringify({ action: 'sync' }) }));
    try {
      await lambda.waitForInvocations(started + 1);
      const { status, stdout, stderr } = await cli(['rotate', '--workspace', FIRST]);

      expect(status).toBe(3);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^Invoking .*…\nThe function is already running .*\nWait for that run to finish/);
      expect(lambda.events).toHaveLength(started + 1);
    } finally {
      runInProgress = undefined;
      finishRun();
      await scheduled;
    }
  });
});

// Independent of each other and of the state above: run at once, to keep the file quick.
describe.concurrent('when it cannot run, it says why and what to do, and exits 3 (2 for usage)', () => {
  it.each([
    ['the function is not found', ['status', '--function-name', 'no-such-function'], /^The function no-such-function was not found in us-east-1\.\nCheck --function-name/],
    ['the stack is not found', ['status', '--stack', 'NoSuchStack'], /^The stack NoSuchStack was not found in us-east-1\.\nPass the name you deployed/],
    ['the stack has no FunctionName output', ['status', '--stack', 'SomeOtherApp'], /^Stack SomeOtherApp in us-east-1 has no output FunctionName/],
    [
      'the function refuses the event',
      ['invoke', '--event', '{"action":"restart"}'],
      /^Invoking \S+; this can take up to 15 min \(the function's timeout\)…\nFunction \S+ ended in InvalidEventError: Field "action" must be one of rotate, sync, status/,
    ],
  ])('%s', async (_, args, message) => {
    const { status, stdout, stderr } = await cli(args);

    expect(status).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('there are no credentials (an empty environment and home)', async () => {
    const withoutCredentials = { ...baseEnv(), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.endpoint };
    const { status, stderr } = await cli(['status'], withoutCredentials);

    expect(status).toBe(3);
    expect(stderr).toMatch(/^No AWS credentials found \(.*\)\.\nSign in .* and pass --profile <name>/);
  });

  it('the command line is wrong: exit 2, before any AWS call', async () => {
    // Without credentials or endpoints: an AWS call would end in exit 3.
    const { status, stdout, stderr } = await cli(['status', '--dry-run'], baseEnv());

    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'Option --dry-run does not apply to status; it is for sync and rotate.\n' +
        'Run prolific-webhook-secret-rotation --help for the commands and options.\n',
    );
  });

  it('rotate of every workspace where stdin is not a terminal: exit 2, saying to pass --all, before any AWS call', async () => {
    const { status, stdout, stderr } = await cli(['rotate'], baseEnv());

    expect([status, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/cannot be undone\.\nNobody can be asked here \(stdin is not a terminal\): pass --all/);
  });

  it('a profile in no config file: says it was not found, not to pass --profile', async () => {
    const config = join(home, 'config-with-other-profiles');
    writeFileSync(config, '[profile oncall]\nregion = eu-west-1\n');
    const env = { ...baseEnv(), AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: config };
    const { status, stderr } = await cli(['status', '--profile', 'nosuch'], env);

    expect(status).toBe(3);
    expect(stderr).toMatch(/^The AWS profile nosuch was not found in your AWS config files .*\nCheck its name/);
    expect(stderr).not.toContain('pass --profile <name>');
  });

  it('help, as a command, prints the help', async () => {
    const { status, stdout } = await cli(['help'], baseEnv());

    expect([status, stdout]).toEqual([0, /```text\n([\s\S]*?)```/.exec(readFileSync('docs/cli.md', 'utf8'))?.[1]]);
  });
});

describe.concurrent('against AWS that accepts connections and never answers, it gives up within its bound, exit 3', () => {
  const CALL_TIMEOUT_SECONDS = 0.5;

  it.each([
    ['CloudFormation (finding the function by its stack), tried 3 times', ['status'], 3, /^AWS did not answer the call to stack \S+ in us-east-1 in time/],
    ['Lambda (reading the function\'s configuration), tried once', ['status', '--function-name', FUNCTION_NAME], 1, /^AWS did not answer the call to function \S+ in us-east-1 in time/],
  ])('%s', async (_, args, tries, message) => {
    const silent = await startSilentServer();
    try {
      const env = { ...signedInEnv(), AWS_ENDPOINT_URL_CLOUDFORMATION: silent.endpoint, AWS_ENDPOINT_URL_LAMBDA: silent.endpoint };
      const started = performance.now();
      const { status, stdout, stderr } = await cli([...args, '--call-timeout', String(CALL_TIMEOUT_SECONDS)], env);
      const seconds = (performance.now() - started) / 1000;

      expect([status, stdout]).toEqual([3, '']);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Check your network, VPN or proxy, the region (--region) and any AWS_ENDPOINT_URL_* setting');
      expect(silent.accepted()).toBe(tries);
      // Each try waits the call timeout; the process's start and the SDK's back-off between tries take the rest.
      expect(seconds).toBeGreaterThanOrEqual(tries * CALL_TIMEOUT_SECONDS);
      expect(seconds).toBeLessThan(tries * CALL_TIMEOUT_SECONDS + 5);
    } finally {
      await silent.close();
    }
  });

  it('an invocation that never answers: the function\'s timeout (1 s here) + 10 s + the call timeout', async () => {
    let release: () => void = () => undefined;
    const never = new Promise<InvocationOutcome>((resolve) => {
      release = () => {
        resolve({});
      };
    });
    const hanging = await startLambdaStandIn({ name: FUNCTION_NAME, environment: {}, timeoutSeconds: 1, invoke: () => never });
    try {
      const env = { ...signedInEnv(), ...hanging.env() };
      const started = performance.now();
      const args = ['status', '--function-name', FUNCTION_NAME, '--workspace', FIRST, '--call-timeout', String(CALL_TIMEOUT_SECONDS)];
      const { status, stdout, stderr } = await cli(args, env);
      const seconds = (performance.now() - started) / 1000;

      expect([status, stdout]).toEqual([3, '']);
      expect(stderr).toMatch(/^Invoking \S+ for 1 workspace; this can take up to 1 s \(the function's timeout\)…\nAWS did not answer the call to function/);
      expect(seconds).toBeGreaterThanOrEqual(1 + 10 + CALL_TIMEOUT_SECONDS);
      expect(seconds).toBeLessThan(1 + 10 + CALL_TIMEOUT_SECONDS + 5);
    } finally {
      release();
      await hanging.close();
    }
  });
});
