import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProlificStandIn, type ProlificStandIn } from '../../../local/standins/prolific.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { startSsmStandIn, type SsmStandIn } from '../../../local/standins/ssm.js';
import { copyBundle, invokeBundle, type BundleInvocation } from '../../support/bundle.js';
import { deployOnStandIns, readResources, type StandInDeployment } from '../../support/cloud-assembly.js';
import { cdkJsonContext } from '../../support/synth.js';

// The deployed artifact, tested as Lambda runs it: the app is synthesized the way the CDK CLI runs it,
// the bundle is taken from the cloud assembly and imported where no node_modules can help it, and it
// rotates against the local stand-ins of Prolific and Secrets Manager.

const execFileAsync = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STACK_NAME = 'ProlificWebhookSecretRotation';
const WORKSPACES = ['ws-a', 'ws-b'];

interface CfnResource {
  Type: string;
  Properties: CfnProperties;
}
/** The properties these tests read, each on the resources that have it. */
interface CfnProperties {
  readonly Target: { readonly Input: string };
  readonly ScheduleExpression: string;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: string }[];
}
/** What one invocation of the bundled artifact in a child process gave back, and everything it printed. */
type ArtifactInvocation = BundleInvocation<{ action: string; results: { workspaceId: string; outcome: string }[] }>;

let assemblyDirectory: string;
let bundleDirectory: string;
let resources: Record<string, CfnResource>;
let prolific: ProlificStandIn;
let secretsManager: SecretsManagerStandIn;
let ssm: SsmStandIn;
let functionEnvironment: Record<string, string>;
let targets: StandInDeployment['targets'];
const invocationOutputs: string[] = [];

beforeAll(async () => {
  // Prepare 1: synthesize the app as `cdk synth` does: the CLI runs cdk.json's app with this environment.
  assemblyDirectory = mkdtempSync(join(tmpdir(), 'rotation-assembly-'));
  await execFileAsync(process.execPath, ['--import', 'tsx', 'infra/app/app.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CDK_OUTDIR: assemblyDirectory,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), workspaces: WORKSPACES.join(',') }),
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-west-2',
    },
  });
  resources = readResources(assemblyDirectory, STACK_NAME) as unknown as Record<string, CfnResource>;

  // Prepare 2: the stand-ins hold what CloudFormation and a person would have put there: the secrets, the
  // target list in the parameters the stack writes, and the function's environment, resolved.
  prolific = await startProlificStandIn({ workspaces: WORKSPACES });
  secretsManager = await startSecretsManagerStandIn();
  ssm = await startSsmStandIn();
  const deployment = deployOnStandIns(assemblyDirectory, STACK_NAME, { secretsManager, ssm });
  ({ functionEnvironment, targets } = deployment);
  functionEnvironment.PROLIFIC_API_BASE_URL = prolific.url;

  // Prepare 3: copy the function's bundle, found through the asset manifest, where no node_modules is above it.
  bundleDirectory = copyBundle(deployment.bundleDirectory, 'rotation-bundle-');
  await secretsManager.client().send(
    new PutSecretValueCommand({
      SecretId: functionEnvironment.PROLIFIC_TOKEN_SECRET_ID,
      SecretString: prolific.token,
    }),
  );
});

afterAll(async () => {
  // Unset when the set-up failed before starting them, which the declared types cannot say.
  /* eslint-disable @typescript-eslint/no-unnecessary-condition */
  await prolific?.close();
  await secretsManager?.close();
  await ssm?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  for (const directory of [assemblyDirectory, bundleDirectory]) {
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
});

describe('the bundled function', () => {
  it('is a single ESM file with no node_modules above it', () => {
    expect(readdirSync(bundleDirectory).sort()).toEqual(['index.mjs', 'invoke.mjs']);
    expect(ancestorsOf(bundleDirectory).filter((directory) => existsSync(join(directory, 'node_modules')))).toEqual([]);
  });

  it('rotates every workspace on the scheduled event; Secrets Manager then holds Prolific active secrets', async () => {
    // Prepare: the event the rotation schedule sends, as deployed.
    const scheduledEvent = JSON.parse(scheduleWithExpression('rate(30 days)').Properties.Target.Input) as unknown;

    // Act
    const { result, error } = await invoke(scheduledEvent);

    // Assess
    expect(error).toBeUndefined();
    expect(result?.results.map(({ workspaceId, outcome }) => ({ workspaceId, outcome }))).toEqual(
      WORKSPACES.map((workspaceId) => ({ workspaceId, outcome: 'rotated' })),
    );
    for (const workspaceId of WORKSPACES) {
      expect(storedSecretOf(workspaceId)).toMatchObject(activeSecretOf(workspaceId));
    }
  });

  it('heals one workspace on a console sync event after a rotation behind its back', async () => {
    // Prepare: someone rotates ws-b in the Prolific app.
    prolific.replaceSecret('ws-b');

    // Act
    const { result, error } = await invoke({ action: 'sync', workspaceId: 'ws-b' });

    // Assess
    expect(error).toBeUndefined();
    expect(result?.results.map(({ workspaceId, outcome }) => ({ workspaceId, outcome }))).toEqual([
      { workspaceId: 'ws-b', outcome: 'healed' },
    ]);
    expect(storedSecretOf('ws-b')).toMatchObject(activeSecretOf('ws-b'));
  });

  it('answers the daily heartbeat with the metric the staleness alarm watches, as the alarm names it', async () => {
    // Prepare: the event the heartbeat schedule sends, as deployed.
    const heartbeatEvent = JSON.parse(scheduleWithExpression('rate(1 day)').Properties.Target.Input) as unknown;

    // Act
    const { error, output } = await invoke(heartbeatEvent);

    // Assess
    expect(error).toBeUndefined();
    const alarm = stalenessAlarm();
    const dimensions = alarm.Dimensions;
    const dimensionNames = dimensions.map(({ Name }) => Name).sort().join();
    const watched = emfRecordsIn(output).filter(
      (record) =>
        record._aws.CloudWatchMetrics.some(
          (directive) =>
            directive.Namespace === alarm.Namespace &&
            directive.Metrics.some((metric) => metric.Name === alarm.MetricName) &&
            directive.Dimensions.some((names) => [...names].sort().join() === dimensionNames),
        ) && dimensions.every(({ Name, Value }) => record[Name] === Value),
    );

    // One record per workspace, without its workspace_id: the alarm's Maximum is the oldest secret of all.
    expect(watched).toHaveLength(WORKSPACES.length);
  });
});

// Runs after the invocations above, which are one story told in order: it scans what they produced.
describe('secret values', () => {
  it('appear nowhere in the cloud assembly (template, manifests, bundle) nor in the function output', () => {
    const secrets = [prolific.token, ...prolific.issuedValues()];
    const assemblyFiles = filesUnder(assemblyDirectory);
    expect(assemblyFiles.some((file) => file.endsWith(`${STACK_NAME}.template.json`))).toBe(true);
    expect(secrets.length).toBeGreaterThan(WORKSPACES.length);

    for (const file of assemblyFiles) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) {
        expect(text.includes(secret), `a secret value in ${file}`).toBe(false);
      }
    }
    for (const output of invocationOutputs) {
      for (const secret of secrets) {
        expect(output.includes(secret), 'a secret value in the function output').toBe(false);
      }
    }
  });
});

async function invoke(event: unknown): Promise<ArtifactInvocation> {
  // Only what Lambda would set, plus the stand-ins' endpoint and dummy credentials.
  const invocation: ArtifactInvocation = await invokeBundle(bundleDirectory, event, {
    ...secretsManager.env(),
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    ...functionEnvironment,
  });
  invocationOutputs.push(invocation.output);
  return invocation;
}

interface EmfRecord {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** Embedded Metric Format records the function printed (CloudWatch Logs turns them into metrics). */
function emfRecordsIn(output: string): EmfRecord[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);
}

function scheduleWithExpression(expression: string): CfnResource {
  const schedule = Object.values(resources).find(
    (resource) => resource.Type === 'AWS::Scheduler::Schedule' && resource.Properties.ScheduleExpression === expression,
  );
  if (!schedule) throw new Error(`No schedule with ${expression} in the template`);
  return schedule;
}

function stalenessAlarm(): CfnProperties {
  const alarms = Object.values(resources).filter(
    (resource) => resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties.MetricName === 'SecondsSinceLastRotation',
  );
  expect(alarms).toHaveLength(1);
  const [alarm] = alarms;
  if (!alarm) throw new Error('No staleness alarm in the template');
  return alarm.Properties;
}

function targetSecretArnOf(workspaceId: string): string {
  const target = targets.find((candidate) => candidate.workspaceId === workspaceId);
  if (!target) throw new Error(`${workspaceId} is not a configured target`);
  return target.secretId;
}

function storedSecretOf(workspaceId: string): { id: string; value: string } {
  return JSON.parse(secretsManager.valueAt(targetSecretArnOf(workspaceId)) ?? 'null') as { id: string; value: string };
}

function activeSecretOf(workspaceId: string): { id: string; value: string } {
  const active = prolific.activeSecret(workspaceId);
  if (!active) throw new Error(`Prolific has no active secret for ${workspaceId}`);
  return { id: active.id, value: active.value };
}

function ancestorsOf(directory: string): string[] {
  const parent = dirname(directory);
  return parent === directory ? [directory] : [directory, ...ancestorsOf(parent)];
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
