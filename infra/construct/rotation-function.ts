import { Stack, Token, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENVIRONMENT } from '../../lambda/contract/environment.js';
import { ROTATION_EVENT } from '../../lambda/contract/rotation-event.js';
import type { SecretFormat } from '../../lambda/contract/secret-formats.js';
import { acknowledgeNoDeadLetterQueueOrTracing, createBundledFunction } from './bundled-function.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { MAX_EVENT_AGE } from './invocation-batches.js';
import { packInOrder } from './pack-in-order.js';
import { createTargetParameters, grantTargetsRead, type TargetParameters } from './rotation-targets.js';
import { secretIdOf } from './workspace-secrets.js';

/** What the rotation function is told (through its environment) and allowed to touch. */
export interface RotationFunctionOptions {
  /** The secret of each workspace, by workspace id. */
  readonly workspaceSecrets: ReadonlyMap<string, secretsmanager.ISecret>;
  /** What each workspace's secret holds, by workspace id. */
  readonly formats: ReadonlyMap<string, SecretFormat>;
  readonly apiTokenSecret: secretsmanager.ISecret;
  readonly prolificApiBaseUrl: string;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  /** How many targets one invocation works on at once. */
  readonly concurrency: number;
  /** Room for the largest batch of targets one invocation is given. */
  readonly timeout: Duration;
}

/** The rotation function, its role, its target list and the queue that receives its failed asynchronous invocations. */
export interface RotationFunction {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly targets: TargetParameters;
}

/**
 * The function that rotates every workspace in one run, with its own log group, role and dead-letter
 * queue, and the permissions it needs on the secrets.
 */
export function createRotationFunction(scope: Construct, options: RotationFunctionOptions): RotationFunction {
  const deadLetterQueue = createDeadLetterQueue(
    scope,
    'FunctionDeadLetterQueue',
    'Lambda on-failure destination: it receives each asynchronous invocation that failed.',
  );
  const logGroup = new logs.LogGroup(scope, 'FunctionLogs', { retention: options.logRetention });
  const role = new iam.Role(scope, 'FunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Rotation function: its log group, its dead-letter queue, the Prolific secrets, its event on the default bus.',
  });
  logGroup.grantWrite(role);
  const targets = createTargetParameters(
    scope,
    [...options.workspaceSecrets].map(([workspaceId, secret]) => {
      const format = options.formats.get(workspaceId) ?? 'json';
      // The default is left out: the list stays as short as it can.
      return { workspaceId, secretId: secretIdOf(secret), ...(format === 'json' ? {} : { format }) };
    }),
  );
  const fn = createBundledFunction(scope, 'Function', 'rotation-function', {
    memorySize: 256,
    timeout: options.timeout,
    role,
    logGroup,
    environment: functionEnvironment(options, targets),
    // One run at a time: a pending version is the lock, and Lambda must not start a second run.
    reservedConcurrentExecutions: 1,
    // A retry would rotate again; the next scheduled run (or a person) repairs a failed one.
    retryAttempts: 0,
    // Scheduled runs that fire together wait for one another in Lambda's queue: as long as Lambda allows,
    // which the construct checks the batches fit in. One that waited longer goes to the dead-letter queue.
    maxEventAge: MAX_EVENT_AGE,
    onFailure: new SqsDestination(deadLetterQueue),
    description: 'Rotates Prolific webhook signing secrets and stores them in Secrets Manager.',
  });
  // The function reads its targets when it starts: they exist before it does.
  fn.node.addDependency(...targets.parameters);
  acknowledgeFunctionFindings(fn);
  grantRotation(fn, [...options.workspaceSecrets.values()], options.apiTokenSecret);
  grantTargetsRead(fn, targets.path);
  grantRotationEvents(fn);
  return { function: fn, role, deadLetterQueue, targets };
}

/** The variables `lambda/rotation-function/config.ts` reads. */
function functionEnvironment(options: RotationFunctionOptions, targets: TargetParameters): Record<string, string> {
  return {
    [ENVIRONMENT.targetsParameterPath]: targets.path,
    [ENVIRONMENT.targetsVersion]: targets.version,
    [ENVIRONMENT.concurrency]: String(options.concurrency),
    [ENVIRONMENT.tokenSecretId]: secretIdOf(options.apiTokenSecret),
    [ENVIRONMENT.prolificApiBaseUrl]: options.prolificApiBaseUrl,
    [ENVIRONMENT.serviceName]: options.serviceName,
    [ENVIRONMENT.metricsNamespace]: options.metricsNamespace,
  };
}

// Written out rather than Secret.grantRead/grantWrite: grantWrite adds secretsmanager:UpdateSecret, no
// grant covers UpdateSecretVersionStage, and the token secret needs GetSecretValue and DescribeSecret (to
// resolve its ARN, so that no workspace's secret is the token secret under another name) alone.
function grantRotation(
  fn: lambda.IFunction,
  workspaceSecrets: secretsmanager.ISecret[],
  apiTokenSecret: secretsmanager.ISecret,
): void {
  const principal = fn.grantPrincipal;
  const allow = (statement: StatementProps) => {
    for (const chunk of statementsWithinBudget(statement)) principal.addToPrincipalPolicy(chunk);
  };
  allow({
    sid: 'RotateTargetSecrets',
    actions: [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ],
    resources: workspaceSecrets.map(policyArnOf),
  });
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadApiToken',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      resources: [policyArnOf(apiTokenSecret)],
    }),
  );
  const viaSecretsManager = {
    StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` },
  };
  const targetKeys = uniqueKeyArns(workspaceSecrets);
  if (targetKeys.length > 0) {
    allow({
      sid: 'UseTargetSecretKeys',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: targetKeys,
      conditions: viaSecretsManager,
    });
  }
  const tokenKeys = uniqueKeyArns([apiTokenSecret]);
  if (tokenKeys.length > 0) {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseApiTokenKey',
        actions: ['kms:Decrypt'],
        resources: tokenKeys,
        conditions: viaSecretsManager,
      }),
    );
  }
}

// Written out rather than EventBus.fromEventBusName(scope, id, 'default').grantPutEventsTo(fn): that grant
// allows any source, and this statement allows only the rotation event's, so the function cannot pose as
// another service to the rules on the account's default bus. `events:source` is multivalued (one PutEvents
// carries up to ten entries), so IAM needs a set operator: a plain StringEquals never matches it and would
// deny every event. ForAllValues holds every entry to the one source; the Null check stops an empty set
// from passing it vacuously.
function grantRotationEvents(fn: lambda.IFunction): void {
  fn.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PutRotationEvents',
      actions: ['events:PutEvents'],
      resources: [Stack.of(fn).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: {
        'ForAllValues:StringEquals': { 'events:source': [ROTATION_EVENT.source] },
        Null: { 'events:source': 'false' },
      },
    }),
  );
}

function acknowledgeFunctionFindings(fn: NodejsFunction): void {
  acknowledgeNoDeadLetterQueueOrTracing(fn, {
    noDeadLetterQueue:
      'Failed asynchronous invocations go to an on-failure destination (an encrypted SQS queue with ' +
      'an alarm), which records the error as well as the event; a legacy DLQ would duplicate it.',
    noTracing:
      'One scheduled function calling two services: its structured logs and EMF metrics show each ' +
      'step, and X-Ray would add a wildcard-resource xray policy to a role kept to named resources.',
  });
}

type StatementProps = Required<Pick<iam.PolicyStatementProps, 'sid' | 'actions' | 'resources'>> &
  Pick<iam.PolicyStatementProps, 'conditions'>;

// CDK moves the statements that overflow a role's inline policy (10,240 characters) into managed policies
// (6,144 each), but never splits a statement, so hundreds of secrets go into statements of this size (the
// size CDK merges statements up to), estimated as CDK does: an ARN that is still a token counts 150.
const STATEMENT_SIZE_BUDGET = 2_000;
const TOKEN_ARN_ESTIMATE = 150;

/**
 * The statement, its resources spread over as many statements as keep each within the budget. Only the first
 * keeps the Sid: CDK's size estimate, by which it fills the inline policy, leaves Sids out.
 */
function statementsWithinBudget({ sid, actions, resources, conditions }: StatementProps): iam.PolicyStatement[] {
  const runs = packInOrder(resources, {
    budget: STATEMENT_SIZE_BUDGET,
    base: JSON.stringify({ Sid: sid, Effect: 'Allow', Action: actions, Condition: conditions }).length,
    // The resource, its quotes and the comma after it.
    sizeOf: (resource) => (Token.isUnresolved(resource) ? TOKEN_ARN_ESTIMATE : resource.length) + 3,
  });
  return runs.map((run, index) => new iam.PolicyStatement({ sid: index === 0 ? sid : undefined, actions, resources: run, conditions }));
}

/** The ARN a policy names: a secret imported without its 6-character suffix matches exactly that one. */
function policyArnOf(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

function uniqueKeyArns(secrets: secretsmanager.ISecret[]): string[] {
  const arns = secrets.flatMap((secret) => (secret.encryptionKey ? [secret.encryptionKey.keyArn] : []));
  return [...new Set(arns)];
}
