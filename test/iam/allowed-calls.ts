// What must be allowed in a deployment: every recorded call, made concrete for each principal that makes it
// there (with the KMS calls Secrets Manager makes on the caller's behalf for a secret with a customer-managed
// key), the calls Powertools' idempotency persistence makes on paths the run does not reach, and what AWS's
// services do for the stack (assume its roles, write its logs, invoke it, deliver to its queues and topic), each
// named with why it is needed.
import type { Deployment, DeployedSecret, DeployedWorkspace } from './deployments.js';
import { roleNamed, viaSecretsManager, type IamCheck } from './iam-checks.js';
import type { Principal } from './evaluate.js';
import { describeRoleCall, type PrincipalRole, type ResourceRole, type RoleCall } from './role-calls.js';

/** The receivers a configuration may grant, which the receiver kit's calls are evaluated for. */
export const KIT_READERS = ['grant-read', 'grant-read-for', 'grant-read-for-adopted', 'ecs-task-execution'] as const;

// The KMS calls Secrets Manager makes with the caller's permissions for a secret with a customer-managed key.
const KMS_ON_BEHALF: Readonly<Record<string, readonly string[]>> = {
  'secretsmanager:GetSecretValue': ['kms:Decrypt'],
  'secretsmanager:PutSecretValue': ['kms:GenerateDataKey', 'kms:Decrypt'],
};

// The calls Powertools' DynamoDB persistence (2.x) makes that the representative run does not reach, read from its
// source: the example's delivery handling never throws, and the stand-in answers a failed conditional put with the
// item it found, as DynamoDB does.
const IDEMPOTENCY_CALLS_NOT_RUN: readonly (readonly [action: string, why: string])[] = [
  ['dynamodb:DeleteItem', "Powertools deletes a delivery's in-progress record when its processing throws, so that a retry runs it"],
  ['dynamodb:GetItem', 'Powertools reads the record itself when a failed conditional put comes back without it'],
];

// Beyond this many workspaces, the function's calls are checked for a sample that names every statement's first secret.
const EVERY_WORKSPACE_UP_TO = 10;

export function recordedChecks(deployment: Deployment, calls: readonly RoleCall[]): IamCheck[] {
  const byPrincipal = (principal: PrincipalRole) => calls.filter((call) => call.principal === principal);
  const workspaces = (ids: readonly string[]) => deployment.workspaces.filter(({ workspaceId }) => ids.includes(workspaceId));
  const readers = [...deployment.roles].filter(([name]) => (KIT_READERS as readonly string[]).includes(name));
  const example = deployment.roles.get('example-receiver');
  return [
    ...byPrincipal('rotation-function').flatMap((call) =>
      concreteCalls(deployment, 'rotation-function', call, sampledWorkspaces(deployment)),
    ),
    ...(example === undefined
      ? []
      : byPrincipal('example-receiver').flatMap((call) =>
          concreteCalls(deployment, 'example-receiver', call, workspaces(example.workspaceIds)),
        )),
    ...readers.flatMap(([name, role]) =>
      byPrincipal('receiver-kit').flatMap((call) => concreteCalls(deployment, name, call, workspaces(role.workspaceIds))),
    ),
    ...idempotencyChecks(deployment),
  ];
}

/** What Powertools' persistence calls on the example receiver's idempotency table beyond the recorded calls. */
function idempotencyChecks(deployment: Deployment): IamCheck[] {
  const table = deployment.exampleReceiver?.idempotencyTableArn;
  if (table === undefined) return [];
  const principal = roleNamed(deployment, 'example-receiver');
  return IDEMPOTENCY_CALLS_NOT_RUN.map(([action, why]): IamCheck => ({
    who: 'example-receiver',
    resourceLabel: 'idempotency table',
    request: { principal, action, resource: table, context: {} },
    expected: 'Allowed',
    source: 'library',
    why,
  }));
}

/** One recorded call made by role `who` on each resource its role stands for here, with the KMS calls it causes. */
function concreteCalls(deployment: Deployment, who: string, call: RoleCall, workspaces: readonly DeployedWorkspace[]): IamCheck[] {
  const principal = roleNamed(deployment, who);
  const why = `recorded ${call.count}x: ${describeRoleCall(call)}`;
  const targets = targetsOf(deployment, call.resource, workspaces);
  return targets.flatMap(({ label, arn, secret }) => {
    const made: IamCheck = {
      who,
      resourceLabel: label,
      request: {
        principal,
        action: call.action,
        resource: arn,
        context: { ...call.conditionKeys, ...(secret ? { 'secretsmanager:SecretId': arn } : {}) },
      },
      expected: 'Allowed',
      source: 'recorded',
      why,
    };
    const keyArn = secret?.keyArn;
    if (keyArn === undefined) return [made];
    return [
      made,
      ...(KMS_ON_BEHALF[call.action] ?? []).map(
        (action): IamCheck => ({
          who,
          resourceLabel: `key of the ${label}`,
          request: { principal, action, resource: keyArn, context: viaSecretsManager(deployment) },
          expected: 'Allowed',
          source: 'on behalf',
          why: `Secrets Manager calls it for ${call.action} on a secret with a customer-managed key`,
        }),
      ),
    ];
  });
}

function targetsOf(
  deployment: Deployment,
  resource: ResourceRole,
  workspaces: readonly DeployedWorkspace[],
): { label: string; arn: string; secret?: DeployedSecret }[] {
  switch (resource) {
    case 'token-secret':
      return [{ label: 'token secret', arn: deployment.token.arn, secret: deployment.token }];
    case 'target-secret':
      return workspaces.map((workspace) => ({ label: 'target secret', arn: workspace.arn, secret: workspace }));
    case 'default-event-bus':
      return [{ label: 'default event bus', arn: deployment.eventBus }];
    case 'targets-parameter-path':
      return [{ label: 'targets SSM path', arn: deployment.targetsPath }];
    case 'idempotency-table': {
      const table = deployment.exampleReceiver?.idempotencyTableArn;
      if (table === undefined) throw new Error(`${deployment.name} has no example receiver, whose idempotency table a call touched`);
      return [{ label: 'idempotency table', arn: table }];
    }
  }
}

/** Every workspace, or (for hundreds) the first, the last, and each one a statement of the function's policies names first. */
export function sampledWorkspaces(deployment: Deployment): readonly DeployedWorkspace[] {
  const all = deployment.workspaces;
  if (all.length <= EVERY_WORKSPACE_UP_TO) return all;
  const firsts = new Set(
    roleNamed(deployment, 'rotation-function').identityPolicies.flatMap(({ document }) =>
      document.Statement.map((statement) => [statement.Resource].flat()[0]),
    ),
  );
  return all.filter((workspace, index) => index === 0 || index === all.length - 1 || firsts.has(workspace.arn));
}

/** A request a service (or a principal the stack creates, acting for a service) must be allowed. */
interface ServiceRequest {
  readonly who: string;
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  readonly resourceLabel: string;
  readonly why: string;
  readonly context?: Record<string, string>;
}

const serviceCheck = ({ who, principal, action, resource, resourceLabel, why, context = {} }: ServiceRequest): IamCheck => ({
  who,
  resourceLabel,
  request: { principal, action, resource, context },
  expected: 'Allowed',
  source: 'service',
  why,
});

const servicePrincipal = (service: string): Principal => ({ kind: 'service', service });

/** What AWS's services do for the stack, with the stack's own principals where a service acts as one. */
export function serviceChecks(deployment: Deployment): IamCheck[] {
  const fn = deployment.rotationFunction;
  const fnRole = roleNamed(deployment, 'rotation-function');
  const schedulerRole = roleNamed(deployment, 'scheduler');
  const receiver = deployment.exampleReceiver;
  // Only schedules of the stack's own group may use the scheduler's role.
  const asScheduler = { 'aws:SourceAccount': deployment.account, 'aws:SourceArn': deployment.schedules.groupArn };
  return [
    ...[...deployment.roles].map(([name, { principal, assumedBy }]) =>
      serviceCheck({
        who: assumedBy,
        principal: servicePrincipal(assumedBy),
        action: 'sts:AssumeRole',
        resource: principal.roleArn,
        resourceLabel: `${name} role`,
        why: 'The service assumes the role it runs with',
        context: name === 'scheduler' ? asScheduler : {},
      }),
    ),
    ...logWrites('rotation-function', fnRole, fn.logStreamArn, 'function log group'),
    serviceCheck({
      who: 'rotation-function',
      principal: fnRole,
      action: 'sqs:SendMessage',
      resource: fn.deadLetterQueueArn,
      resourceLabel: 'function dead-letter queue',
      why: "Lambda's on-failure destination sends with the function's role",
    }),
    serviceCheck({
      who: 'scheduler',
      principal: schedulerRole,
      action: 'lambda:InvokeFunction',
      resource: fn.arn,
      resourceLabel: 'rotation function',
      why: 'The schedules invoke the function',
    }),
    serviceCheck({
      who: 'scheduler',
      principal: schedulerRole,
      action: 'sqs:SendMessage',
      resource: deployment.schedules.deadLetterQueueArn,
      resourceLabel: 'schedule dead-letter queue',
      why: 'The scheduler keeps what it could not deliver',
    }),
    ...deployment.alarms.alarmArns.map((alarmArn) =>
      serviceCheck({
        who: 'cloudwatch.amazonaws.com',
        principal: servicePrincipal('cloudwatch.amazonaws.com'),
        action: 'sns:Publish',
        resource: deployment.alarms.topicArn,
        resourceLabel: 'alarm topic',
        why: 'Each alarm notifies the topic',
        context: { 'aws:SourceAccount': deployment.account, 'aws:SourceArn': alarmArn },
      }),
    ),
    ...(receiver === undefined ? [] : exampleReceiverServiceChecks(deployment, receiver)),
    ...deployment.nativeRotationSecretArns.map((secretArn) =>
      serviceCheck({
        who: 'secretsmanager.amazonaws.com',
        principal: servicePrincipal('secretsmanager.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        resource: fn.arn,
        resourceLabel: 'rotation function',
        why: "Secrets Manager's rotation of each target secret invokes the function with its four steps",
        context: { 'aws:SourceAccount': deployment.account, 'aws:SourceArn': secretArn },
      }),
    ),
    ...ecsAgentChecks(deployment, 'ecs-task-execution'),
  ];
}

/** Lambda writes a function's logs with the function's role. */
function logWrites(who: string, principal: Principal, logStreamArn: string, resourceLabel: string): IamCheck[] {
  return ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) =>
    serviceCheck({ who, principal, action, resource: logStreamArn, resourceLabel, why: "Lambda writes the function's logs with its role" }),
  );
}

function exampleReceiverServiceChecks(deployment: Deployment, receiver: NonNullable<Deployment['exampleReceiver']>): IamCheck[] {
  const anyone: Principal = { kind: 'anonymous' };
  return [
    ...logWrites('example-receiver', roleNamed(deployment, 'example-receiver'), receiver.logStreamArn, 'receiver log group'),
    serviceCheck({
      who: 'anyone',
      principal: anyone,
      action: 'lambda:InvokeFunctionUrl',
      resource: receiver.arn,
      resourceLabel: 'example receiver function',
      why: 'Prolific delivers to its public Function URL',
      context: { 'lambda:FunctionUrlAuthType': 'NONE' },
    }),
    serviceCheck({
      who: 'anyone',
      principal: anyone,
      action: 'lambda:InvokeFunction',
      resource: receiver.arn,
      resourceLabel: 'example receiver function',
      why: 'A Function URL invocation needs InvokeFunction too',
      context: { 'lambda:InvokedViaFunctionUrl': 'true' },
    }),
  ];
}

/** What ECS does with a task execution role for a secret injected as docs/receivers.md shows: GetSecretValue at AWSCURRENT. */
export function ecsAgentChecks(deployment: Deployment, name: string): IamCheck[] {
  const role = deployment.roles.get(name);
  if (role === undefined) return [];
  return deployment.workspaces
    .filter(({ workspaceId }) => role.workspaceIds.includes(workspaceId))
    .flatMap((workspace) => [
      {
        who: name,
        resourceLabel: 'target secret',
        request: {
          principal: role.principal,
          action: 'secretsmanager:GetSecretValue',
          resource: workspace.arn,
          context: { 'secretsmanager:VersionStage': 'AWSCURRENT', 'secretsmanager:SecretId': workspace.arn },
        },
        expected: 'Allowed',
        source: 'service',
        why: 'ECS injects the secret\'s "value" when a task starts (valueFrom "<ARN>:value::")',
      } satisfies IamCheck,
      ...(workspace.keyArn === undefined
        ? []
        : [
            {
              who: name,
              resourceLabel: 'key of the target secret',
              request: {
                principal: role.principal,
                action: 'kms:Decrypt',
                resource: workspace.keyArn,
                context: viaSecretsManager(deployment),
              },
              expected: 'Allowed',
              source: 'on behalf',
              why: 'Secrets Manager decrypts the injected secret with its customer-managed key',
            } satisfies IamCheck,
          ]),
    ]);
}
