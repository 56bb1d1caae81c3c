// The constructs as a team's own CDK app gets them: the package packed (`npm pack` builds it) and installed
// from the tarball into a new app outside this repository, with aws-cdk-lib, constructs and cdk-nag and no
// bundler; the app, in plain JavaScript, synthesized with cdk-nag's own rule packs; then the function it
// synthesized, run from the cloud assembly against the local stand-ins. Slow (a pack, an install, a
// synthesis): in the reliability suite.
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installInto, packForConsumer } from '../support/packed-package.js';
import { ProlificWebhookSecretRotation } from '../../infra/construct/index.js';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../local/standins/eventbridge.js';
import { startProlificStandIn, type ProlificStandIn } from '../../local/standins/prolific.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/standins/secrets-manager.js';
import { startSsmStandIn, type SsmStandIn } from '../../local/standins/ssm.js';
import { copyBundle, invokeBundle, type BundleInvocation } from '../support/bundle.js';
import { deployOnStandIns, readResources, type StandInDeployment } from '../support/cloud-assembly.js';
import { defined } from '../support/defined.js';
import { cdkJsonContext, testApp } from '../support/synth.js';

const execFile = promisify(execFileCallback);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = 'prolific-webhook-secret-rotation';
const STACK_NAME = 'TeamStack';
const ENV = { account: '123456789012', region: 'eu-west-2' };
// The shape of Prolific's ids (24 hex digits): the construct warns at synthesis about any other.
const WORKSPACES = ['a1b2c3d4e5f6a7b8c9d0e1f2', 'f2e1d0c9b8a7f6e5d4c3b2a1'];

// What the package ships, file by file: adding one is a decision, never an accident.
const PACKED_FILES = [
  'LICENSE',
  'README.md',
  'dist/assets/example-receiver/index.mjs',
  'dist/assets/rotation-function/index.mjs',
  'dist/cli/main.js',
  ...[
    'bundled-function',
    'dead-letter-queue',
    'deployment-limits',
    'index',
    'invocation-batches',
    'log-queries',
    'native-rotation',
    'on-call-names',
    'pack-in-order',
    'prolific-webhook-secret-rotation',
    'props',
    'rotation-alarms',
    'rotation-dashboard',
    'rotation-function',
    'rotation-schedules',
    'rotation-targets',
    'schedule-interval',
    'test-events',
    'workspace-checks',
    'workspace-secrets',
  ].flatMap((module) => compiled(`dist/infra/construct/${module}`)),
  ...compiled('dist/infra/example-receiver/example-receiver'),
  ...[
    'environment',
    'invocation-events',
    'metrics',
    'report',
    'rotation-event',
    'secret-formats',
    'secret-tags',
    'stack',
    'staging-labels',
    'stored-secret',
    'time-budgets',
    'workspaces',
  ].flatMap((module) => compiled(`dist/lambda/contract/${module}`)),
  ...[
    'errors',
    'index',
    'middleware',
    'replay-guard',
    'reserialised-body',
    'secrets-manager-client',
    'signature',
    'signing-keys',
    'verify-delivery',
  ].flatMap((module) => compiled(`dist/lambda/receiver-kit/${module}`)),
  'package.json',
];

// The team's app, as `cdk init` would leave it in JavaScript, with cdk-nag's packs as its README shows.
const APP = `
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ProlificWebhookSecretRotation } from '${PACKAGE}';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
const stack = new Stack(app, '${STACK_NAME}', { env: ${JSON.stringify(ENV)} });
new ProlificWebhookSecretRotation(stack, 'Rotation', {
  workspaces: process.env.WORKSPACES.split(',').map((workspaceId) => ({ workspaceId })),
  prolificApiBaseUrl: process.env.PROLIFIC_API_BASE_URL,
});
app.synth();
`;

// The same in TypeScript: the types resolve from the package root, and they are the construct's own.
const TYPED_APP = `
import { App, Stack } from 'aws-cdk-lib';
import {
  ProlificWebhookSecretRotation,
  type ProlificWebhookSecretRotationProps,
  type ProlificWorkspace,
} from '${PACKAGE}';

const workspace: ProlificWorkspace = { workspaceId: '${WORKSPACES[0] ?? ''}', format: 'plain' };
// @ts-expect-error: not a format the construct knows
const misspelt: ProlificWorkspace = { workspaceId: '${WORKSPACES[1] ?? ''}', format: 'yaml' };
const props: ProlificWebhookSecretRotationProps = { workspaces: [workspace, misspelt] };
const rotation = new ProlificWebhookSecretRotation(new Stack(new App(), 'Typed'), 'Rotation', props);
export const functionArn: string = rotation.function.functionArn;
`;
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
  files: ['app.ts'],
};

type Invocation = BundleInvocation<{ action: string; results: { workspaceId: string; outcome: string; drift?: boolean }[] }>;

let workDirectory: string;
let project: string;
let packedFiles: string[];
let assemblyDirectory: string;
let deployment: StandInDeployment;
let bundleDirectory: string;
let prolific: ProlificStandIn;
let secretsManager: SecretsManagerStandIn;
let ssm: SsmStandIn;
let eventBridge: EventBridgeStandIn;
/** What beforeAll made, to remove after the tests (however far beforeAll got). */
const made: (() => unknown)[] = [];

beforeAll(async () => {
  const packed = await packForConsumer('construct-consumer-', { name: 'team-app', private: true, type: 'module' });
  made.push(packed.remove);
  ({ workDirectory, project } = packed);
  packedFiles = [...packed.packedFiles];
  writeFileSync(join(project, 'app.mjs'), APP);
  writeFileSync(join(project, 'app.ts'), TYPED_APP);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  // The versions this repository builds and tests with; from the npm cache when it holds them.
  const peers = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${pinnedVersion(name)}`);
  await installInto(project, [packed.tarball, ...peers]);

  prolific = await startProlificStandIn({ workspaces: WORKSPACES });
  made.push(() => prolific.close());
  secretsManager = await startSecretsManagerStandIn();
  made.push(() => secretsManager.close());
  ssm = await startSsmStandIn();
  made.push(() => ssm.close());
  eventBridge = await startEventBridgeStandIn();
  made.push(() => eventBridge.close());

  // As `cdk synth` runs the app: CDK_OUTDIR and the context (cdk.json's feature flags) in the environment.
  assemblyDirectory = join(workDirectory, 'cdk.out');
  await execFile(process.execPath, ['app.mjs'], {
    cwd: project,
    env: {
      ...process.env,
      // Where vitest runs from, npm puts this repository's node_modules/.bin (esbuild, tsx) first on PATH.
      PATH: (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter),
      CDK_OUTDIR: assemblyDirectory,
      CDK_CONTEXT_JSON: JSON.stringify(cdkJsonContext()),
      WORKSPACES: WORKSPACES.join(','),
      PROLIFIC_API_BASE_URL: prolific.url,
    },
  });
  deployment = deployOnStandIns(assemblyDirectory, STACK_NAME, { secretsManager, ssm });
  bundleDirectory = copyBundle(deployment.bundleDirectory, 'consumer-bundle-');
  made.push(() => {
    rmSync(bundleDirectory, { recursive: true, force: true });
  });
  await secretsManager.client().send(
    new PutSecretValueCommand({ SecretId: deployment.functionEnvironment.PROLIFIC_TOKEN_SECRET_ID, SecretString: prolific.token }),
  );
}, 600_000);

afterAll(async () => {
  await Promise.all(made.map((remove) => remove()));
});

describe('the packed package', () => {
  it('holds the constructs and the receiver kit with their types, the bundled command line and functions, and nothing else', () => {
    expect([...packedFiles].sort()).toEqual([...PACKED_FILES].sort());
  });
});

describe("a team's own CDK app, in plain JavaScript", () => {
  it('has no bundler: neither esbuild nor tsx is installed', () => {
    for (const name of ['esbuild', 'tsx', '.bin/esbuild', '.bin/tsx']) {
      expect(existsSync(join(project, 'node_modules', name)), name).toBe(false);
    }
  });

  it("synthesizes with cdk-nag's AWS Solutions and Serverless packs, deploying the shipped bundle as it is", () => {
    const report = JSON.parse(readFileSync(join(assemblyDirectory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
    };
    const shipped = join(project, 'node_modules', PACKAGE, 'dist', 'assets', 'rotation-function', 'index.mjs');

    expect(report.pluginReports.filter(({ conclusion, violations }) => conclusion !== 'success' || violations.length > 0)).toEqual([]);
    expect(readFileSync(join(deployment.bundleDirectory, 'index.mjs')).equals(readFileSync(shipped))).toBe(true);
  });

  it('synthesizes the template this repository synthesizes from its sources, but for the code asset', () => {
    const stack = new Stack(testApp(), STACK_NAME, { env: ENV });
    new ProlificWebhookSecretRotation(stack, 'Rotation', {
      workspaces: WORKSPACES.map((workspaceId) => ({ workspaceId })),
      prolificApiBaseUrl: prolific.url,
    });
    const withoutCodeKey = (resources: object) =>
      JSON.parse(JSON.stringify(resources).replace(/"S3Key":"[0-9a-f]{64}\.zip"/g, '"S3Key":"-"')) as unknown;
    const fromSources = Template.fromStack(stack).toJSON().Resources as object;

    expect(withoutCodeKey(readResources(assemblyDirectory, STACK_NAME))).toEqual(withoutCodeKey(fromSources));
  });

  it("type-checks in TypeScript against the package's own types", async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

    const run = execFile(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project });

    await expect(run).resolves.toMatchObject({ stdout: '' });
  });
});

describe('the function it deploys, run from the cloud assembly', () => {
  it('reports on status that no secret holds what Prolific signs with before the first run', async () => {
    const { result, error } = await invoke({ action: 'status' });

    expect(error).toBeUndefined();
    expect(result?.results.map(({ workspaceId, drift }) => ({ workspaceId, drift }))).toEqual(
      WORKSPACES.map((workspaceId) => ({ workspaceId, drift: true })),
    );
  });

  it("stores Prolific's active secrets on sync", async () => {
    const { result, error } = await invoke({ action: 'sync' });

    expect(error).toBeUndefined();
    expect(result?.results.map(({ outcome }) => outcome)).toEqual(['healed', 'healed']);
    for (const workspaceId of WORKSPACES) expect(storedSecretOf(workspaceId)).toMatchObject(activeSecretOf(workspaceId));
  });

  it('rotates every workspace on the scheduled event and puts one rotation event for each on the bus', async () => {
    const rotate = Object.values(readResources(assemblyDirectory, STACK_NAME)).find(
      ({ Type, Properties }) => Type === 'AWS::Scheduler::Schedule' && Properties.ScheduleExpression === 'rate(30 days)',
    );
    const scheduledEvent = JSON.parse((defined(rotate, 'rotation schedule').Properties.Target as { Input: string }).Input) as unknown;
    const eventsBefore = eventBridge.events.length;

    const { result, error } = await invoke(scheduledEvent);

    expect(error).toBeUndefined();
    expect(result?.results.map(({ outcome }) => outcome)).toEqual(['rotated', 'rotated']);
    for (const workspaceId of WORKSPACES) expect(storedSecretOf(workspaceId)).toMatchObject(activeSecretOf(workspaceId));
    expect(eventBridge.events.slice(eventsBefore).map(({ detail }) => (detail as { workspaceId: string }).workspaceId).sort()).toEqual(
      [...WORKSPACES].sort(),
    );
  });
});

function compiled(module: string): string[] {
  return [`${module}.d.ts`, `${module}.js`];
}

function pinnedVersion(name: string): string {
  const { devDependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return defined(devDependencies[name], `${name} in devDependencies`);
}

async function invoke(event: unknown): Promise<Invocation> {
  // Only what Lambda would set, plus the stand-ins' endpoints and dummy credentials.
  return invokeBundle(bundleDirectory, event, {
    ...secretsManager.env(),
    ...eventBridge.env(),
    ...ssm.env(),
    ...deployment.functionEnvironment,
  });
}

function storedSecretOf(workspaceId: string): { id: string; value: string } {
  const target = defined(deployment.targets.find((candidate) => candidate.workspaceId === workspaceId), `target ${workspaceId}`);
  return JSON.parse(secretsManager.valueAt(target.secretId) ?? 'null') as { id: string; value: string };
}

function activeSecretOf(workspaceId: string): { id: string; value: string } {
  const { id, value } = defined(prolific.activeSecret(workspaceId), `Prolific's active secret of ${workspaceId}`);
  return { id, value };
}
