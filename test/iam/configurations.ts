// The configurations the IAM evaluation covers, synthesized as the tests and `cdk synth` synthesize them:
// the app from context (created and adopted secrets, customer-managed keys for both and for the token, the
// example receiver, console test events, 500 workspaces whose grants are split into chunks, Secrets Manager's own
// rotation), and the construct with a key of its own and the receivers docs/receivers.md describes (grantRead,
// grantReadFor, an ECS task).
import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ProlificWebhookSecretRotation } from '../../infra/construct/prolific-webhook-secret-rotation.js';
import { readStackSettings } from '../../infra/app/stack-settings.js';
import { buildStack, TEST_ENV, testApp } from '../support/synth.js';
import { deploymentOf, type Deployment } from './deployments.js';

const SECRET_ARN_PREFIX = `arn:aws:secretsmanager:${TEST_ENV.region}:${TEST_ENV.account}:secret:`;
const keyArn = (digit: number) =>
  `arn:aws:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/${String(digit).repeat(8)}-1111-2222-3333-444444444444`;

/** The deployable stack from `-c` context, as `cdk synth` builds it. */
function fromContext(name: string, context: Record<string, string>): Deployment {
  const stackApp = testApp(context);
  const settings = readStackSettings(stackApp.node);
  const stack = buildStack(stackApp);
  const exampleReceiver = stack.exampleReceiver;
  const [first] = settings.workspaces;
  return deploymentOf({
    name,
    stack,
    rotation: stack.rotation,
    workspaceIds: settings.workspaces.map(({ workspaceId }) => workspaceId),
    tokenCreated: settings.tokenSecret === undefined,
    exampleReceiver:
      exampleReceiver === undefined || first === undefined ? undefined : { receiver: exampleReceiver, workspaceId: first.workspaceId },
  });
}

function createdSecrets(name: string): Deployment {
  return fromContext(name, { workspaces: 'ws-a,ws-b', exampleReceiver: 'true', testEvents: 'true' });
}

function adoptedSecretsWithKeys(name: string): Deployment {
  return fromContext(name, {
    workspaces: `ws-a,ws-b=prolific/adopted-by-name,ws-c=${SECRET_ARN_PREFIX}prolific/adopted-by-arn-XyZ789`,
    secretKeys: `ws-a=${keyArn(1)},ws-b=${keyArn(2)},ws-c=${keyArn(3)}`,
    tokenSecret: 'prolific/api-token',
    tokenSecretKey: keyArn(9),
    secretFormats: 'ws-b=plain',
    exampleReceiver: 'true',
  });
}

/** A created secret and one adopted by ARN with its own key, rotated by `rotation` (the same stack but for that). */
export function secretsManagerRotationSecrets(rotation: 'scheduler' | 'secrets-manager', name = `rotation ${rotation}`): Deployment {
  return fromContext(name, {
    workspaces: `ws-a,ws-b=${SECRET_ARN_PREFIX}prolific/adopted-by-arn-XyZ789`,
    secretKeys: `ws-b=${keyArn(4)}`,
    rotation,
    exampleReceiver: 'true',
  });
}

export const HUNDREDS = 500;

function hundredsOfWorkspaces(name: string): Deployment {
  const ids = Array.from({ length: HUNDREDS }, (_, index) => index.toString(16).padStart(24, '0'));
  return fromContext(name, {
    workspaces: ids.map((id) => `${id}=${SECRET_ARN_PREFIX}prolific/webhook-signing-secret/${id}-AbC123`).join(','),
    secretKeys: ids.map((id) => `${id}=${keyArn(5)}`).join(','),
  });
}

/** Task definitions whose container reads the `value` of workspace secrets, as docs/receivers.md shows. */
function ecsExecutionRole(stack: Stack, id: string, secrets: readonly secretsmanager.ISecret[]): iam.IRole {
  const task = new ecs.FargateTaskDefinition(stack, id);
  task.addContainer('Receiver', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/webhook-receiver:1'),
    secrets: Object.fromEntries(
      secrets.map((secret, index) => [`WEBHOOK_SECRET_${index}`, ecs.Secret.fromSecretsManager(secret, 'value')]),
    ),
  });
  return task.obtainExecutionRole();
}

/** The construct with a key it creates (its key policy in the template), one on the AWS managed key, one adopted with an imported key. */
function constructStack(id: string): { stack: Stack; rotation: ProlificWebhookSecretRotation } {
  const stack = new Stack(testApp(), id, { env: TEST_ENV });
  const key = new kms.Key(stack, 'SecretKey', { enableKeyRotation: true });
  const adopted = secretsmanager.Secret.fromSecretAttributes(stack, 'Adopted', {
    secretCompleteArn: `${SECRET_ARN_PREFIX}prolific/adopted-XyZ789`,
    encryptionKey: kms.Key.fromKeyArn(stack, 'AdoptedKey', keyArn(7)),
  });
  const rotation = new ProlificWebhookSecretRotation(stack, 'Rotation', {
    workspaces: [{ workspaceId: 'ws-a', encryptionKey: key }, { workspaceId: 'ws-b' }, { workspaceId: 'ws-c', secret: adopted }],
  });
  return { stack, rotation };
}

const CONSTRUCT_WORKSPACES = ['ws-a', 'ws-b', 'ws-c'];
const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/** The construct and the receivers docs/receivers.md describes: grantRead, grantReadFor, an ECS task execution role. */
function constructWithReceivers(name: string): Deployment {
  const { stack, rotation } = constructStack('ReceiversStack');
  const lambdaRole = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const readsAll = lambdaRole('GrantReadReceiver');
  rotation.grantRead(readsAll);
  const readsOne = lambdaRole('GrantReadForReceiver');
  rotation.grantReadFor('ws-a', readsOne);
  const readsAdopted = lambdaRole('GrantReadForAdoptedReceiver');
  rotation.grantReadFor('ws-c', readsAdopted);
  const ecsRole = ecsExecutionRole(stack, 'EcsReceiverTask', [rotation.secretFor('ws-a'), rotation.secretFor('ws-c')]);
  // docs/receivers.md: "and kms:Decrypt on its key, if it has its own", which the construct's grant gives.
  rotation.grantReadFor('ws-c', ecsRole);
  return deploymentOf({
    name,
    stack,
    rotation,
    workspaceIds: CONSTRUCT_WORKSPACES,
    tokenCreated: true,
    extraRoles: [
      { name: 'grant-read', role: readsAll, assumedBy: 'lambda.amazonaws.com', workspaceIds: CONSTRUCT_WORKSPACES },
      { name: 'grant-read-for', role: readsOne, assumedBy: 'lambda.amazonaws.com', workspaceIds: ['ws-a'] },
      { name: 'grant-read-for-adopted', role: readsAdopted, assumedBy: 'lambda.amazonaws.com', workspaceIds: ['ws-c'] },
      { name: 'ecs-task-execution', role: ecsRole, assumedBy: ECS_TASKS, workspaceIds: ['ws-a', 'ws-c'] },
    ],
  });
}

/** An ECS task execution role granted by `ecs.Secret.fromSecretsManager` alone, for a created key's secret and an imported key's. */
export function ecsFromSecretsManagerOnly(): Deployment {
  const { stack, rotation } = constructStack('EcsReceiverStack');
  const role = ecsExecutionRole(stack, 'EcsReceiverTask', [rotation.secretFor('ws-a'), rotation.secretFor('ws-c')]);
  return deploymentOf({
    name: 'an ECS task execution role granted by ecs.Secret.fromSecretsManager alone',
    stack,
    rotation,
    workspaceIds: CONSTRUCT_WORKSPACES,
    tokenCreated: true,
    extraRoles: [{ name: 'ecs-task-execution', role, assumedBy: ECS_TASKS, workspaceIds: ['ws-a', 'ws-c'] }],
  });
}

/** The configurations every check runs in, by a letter for tables. */
export const CONFIGURATIONS = [
  { key: 'A', name: 'created secrets, example receiver, console test events', synthesize: createdSecrets },
  {
    key: 'B',
    name: 'adopted secrets (by name, by ARN), customer-managed keys for created and adopted secrets and the token, example receiver',
    synthesize: adoptedSecretsWithKeys,
  },
  {
    key: 'C',
    name: 'the construct with a key of its own, the AWS managed key and an imported key, and its receivers',
    synthesize: constructWithReceivers,
  },
  {
    key: 'D',
    name: `${HUNDREDS} adopted secrets sharing a customer-managed key (grants split into chunks and managed policies)`,
    synthesize: hundredsOfWorkspaces,
  },
  {
    key: 'E',
    name: "Secrets Manager's own rotation (rotation 'secrets-manager'): a created secret and one adopted by ARN with its own key",
    synthesize: (name: string) => secretsManagerRotationSecrets('secrets-manager', name),
  },
] as const;
