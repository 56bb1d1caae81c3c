// A synthesized stack as IAM will see it once deployed: its template's policies resolved to concrete ARNs, who
// its principals are (each role with its identity policies), and the ARN of every resource the code touches.
import { Token, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ProlificWebhookSecretRotation } from '../../infra/construct/prolific-webhook-secret-rotation.js';
import type { ExampleReceiver } from '../../infra/example-receiver/example-receiver.js';
import type { Principal } from './evaluate.js';
import { templatePolicies, type PolicyDocument, type TemplatePolicies } from './template-policies.js';
import type { CfnTemplate } from './template-resolver.js';

export type RolePrincipal = Extract<Principal, { kind: 'role' }>;

/** A role the template creates: who assumes it, and which workspaces' secrets it is meant to read (receivers). */
export interface DeployedRole {
  readonly principal: RolePrincipal;
  readonly assumedBy: string;
  readonly workspaceIds: readonly string[];
}

/** A secret's ARN as Secrets Manager would give it, and its customer-managed key, if it has one. */
export interface DeployedSecret {
  readonly arn: string;
  readonly keyArn: string | undefined;
}

export interface DeployedWorkspace extends DeployedSecret {
  readonly workspaceId: string;
}

/** A function the stack deploys: its ARN and a log stream of its log group. */
export interface DeployedFunction {
  readonly arn: string;
  readonly logStreamArn: string;
}

export interface Deployment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly policies: TemplatePolicies;
  /** By name: `rotation-function`, `scheduler`, `example-receiver`, and the receivers a configuration grants. */
  readonly roles: ReadonlyMap<string, DeployedRole>;
  readonly workspaces: readonly DeployedWorkspace[];
  /** `restricted`: the stack created it, with a resource policy that lets only the function read it. */
  readonly token: DeployedSecret & { readonly restricted: boolean };
  readonly rotationFunction: DeployedFunction & { readonly deadLetterQueueArn: string };
  readonly schedules: { readonly groupArn: string; readonly deadLetterQueueArn: string };
  readonly exampleReceiver: (DeployedFunction & { readonly workspaceId: string; readonly idempotencyTableArn: string }) | undefined;
  /** The secrets whose AWS::SecretsManager::RotationSchedule has Secrets Manager call the function (`rotation: 'secrets-manager'`). */
  readonly nativeRotationSecretArns: readonly string[];
  readonly eventBus: string;
  readonly targetsPath: string;
  readonly alarms: { readonly topicArn: string; readonly alarmArns: readonly string[] };
  /** The customer-managed keys the stack imports: their policies are not in the template. */
  readonly importedKeyArns: ReadonlySet<string>;
}

/** A role the stack creates beside the construct's, named for the checks, with the workspaces it is meant to read. */
export interface ExtraRole {
  readonly name: string;
  readonly role: iam.IRole;
  readonly assumedBy: string;
  readonly workspaceIds: readonly string[];
}

export interface DeploymentSource {
  readonly name: string;
  readonly stack: Stack;
  readonly rotation: ProlificWebhookSecretRotation;
  readonly workspaceIds: readonly string[];
  /** Whether the stack created the token secret (and its resource policy). */
  readonly tokenCreated: boolean;
  readonly exampleReceiver?: { readonly receiver: ExampleReceiver; readonly workspaceId: string };
  readonly extraRoles?: readonly ExtraRole[];
}

// A made-up suffix for a secret adopted by name: Secrets Manager adds 6 random characters to every secret's ARN.
const ADOPTED_BY_NAME_SUFFIX = '-AbC123';

export function deploymentOf(source: DeploymentSource): Deployment {
  const { stack, rotation } = source;
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const environment = { account: stack.account, region: stack.region, stackName: stack.stackName };
  const policies = templatePolicies(template, environment);
  const concrete = (value: string) => policies.resolver.resolveString(stack.resolve(value));
  const secretOf = (secret: secretsmanager.ISecret): DeployedSecret => ({
    arn: secret.secretFullArn === undefined ? `${concrete(secret.secretArn)}${ADOPTED_BY_NAME_SUFFIX}` : concrete(secret.secretFullArn),
    keyArn: secret.encryptionKey === undefined ? undefined : concrete(secret.encryptionKey.keyArn),
  });
  const importedKeys = new Set(
    [rotation.apiTokenSecret, ...source.workspaceIds.map((id) => rotation.secretFor(id))].flatMap((secret) =>
      secret.encryptionKey !== undefined && !Token.isUnresolved(secret.encryptionKey.keyArn) ? [secret.encryptionKey.keyArn] : [],
    ),
  );
  const child = (id: string) => rotation.node.findChild(id);
  const roleOf = (role: iam.IRole, sessionName: string, assumedBy: string, workspaceIds: readonly string[] = []): DeployedRole => {
    const roleArn = concrete(role.roleArn);
    const identityPolicies = policies.identityPolicies(roleArn);
    return { principal: { kind: 'role', roleArn, sessionName, identityPolicies }, assumedBy, workspaceIds };
  };
  const functionOf = (fn: { functionArn: string }, logGroup: logs.ILogGroup): DeployedFunction => ({
    arn: concrete(fn.functionArn),
    logStreamArn: `${concrete(logGroup.logGroupArn).replace(/:\*$/, '')}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
  });
  const receiver = source.exampleReceiver;
  const functionName = concrete(rotation.function.functionName);

  const roles = new Map<string, DeployedRole>([
    ['rotation-function', roleOf(executionRoleOf(rotation.function), functionName, 'lambda.amazonaws.com')],
    ['scheduler', roleOf(child('SchedulerRole') as iam.IRole, 'scheduler-session', 'scheduler.amazonaws.com')],
    ...(receiver === undefined
      ? []
      : [
          [
            'example-receiver',
            roleOf(executionRoleOf(receiver.receiver.function), 'example-receiver', 'lambda.amazonaws.com', [receiver.workspaceId]),
          ] as const,
        ]),
    ...(source.extraRoles ?? []).map(
      ({ name, role, assumedBy, workspaceIds }) => [name, roleOf(role, name, assumedBy, workspaceIds)] as const,
    ),
  ]);

  return {
    name: source.name,
    account: stack.account,
    region: stack.region,
    stackName: stack.stackName,
    template,
    policies,
    roles,
    workspaces: source.workspaceIds.map((workspaceId) => ({ workspaceId, ...secretOf(rotation.secretFor(workspaceId)) })),
    token: { ...secretOf(rotation.apiTokenSecret), restricted: source.tokenCreated },
    rotationFunction: {
      ...functionOf(rotation.function, child('FunctionLogs') as logs.ILogGroup),
      deadLetterQueueArn: concrete((child('FunctionDeadLetterQueue') as sqs.IQueue).queueArn),
    },
    schedules: {
      groupArn: concrete((child('ScheduleGroup') as scheduler.IScheduleGroup).scheduleGroupArn),
      deadLetterQueueArn: concrete((child('ScheduleDeadLetterQueue') as sqs.IQueue).queueArn),
    },
    exampleReceiver:
      receiver === undefined
        ? undefined
        : {
            ...functionOf(receiver.receiver.function, receiver.receiver.node.findChild('Logs') as logs.ILogGroup),
            workspaceId: receiver.workspaceId,
            idempotencyTableArn: concrete(receiver.receiver.idempotencyTable.tableArn),
          },
    nativeRotationSecretArns: Object.values(template.Resources)
      .filter(({ Type }) => Type === 'AWS::SecretsManager::RotationSchedule')
      .map(({ Properties }) => policies.resolver.resolveString(Properties?.SecretId)),
    eventBus: `arn:aws:events:${stack.region}:${stack.account}:event-bus/default`,
    targetsPath: `arn:aws:ssm:${stack.region}:${stack.account}:parameter/${rotation.targetsParameterPath.replace(/^\//, '')}`,
    alarms: { topicArn: concrete(rotation.alarmTopic.topicArn), alarmArns: rotation.alarms.map((alarm) => concrete(alarm.alarmArn)) },
    importedKeyArns: importedKeys,
  };
}

/**
 * The resource's policy: the template's, or for a key the stack imports, the default key policy AWS gives a key
 * (the account may use it as IAM policies allow), which is what the construct's grants assume of such a key.
 */
export function resourcePolicyFor(deployment: Deployment, arn: string): PolicyDocument | undefined {
  if (deployment.importedKeyArns.has(arn)) {
    const account = { AWS: `arn:aws:iam::${deployment.account}:root` };
    return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: account, Action: 'kms:*', Resource: '*' }] };
  }
  return deployment.policies.resourcePolicy(arn);
}

/** The deployment as it would be with its template edited: the edit is made to a copy, the deployment is left as it was. */
export function withEditedTemplate(deployment: Deployment, edit: (template: CfnTemplate) => void): Deployment {
  const template = structuredClone(deployment.template);
  edit(template);
  const policies = templatePolicies(template, deployment);
  const roles = new Map(
    [...deployment.roles].map(([name, role]) => {
      const identityPolicies = policies.identityPolicies(role.principal.roleArn);
      return [name, { ...role, principal: { ...role.principal, identityPolicies } }];
    }),
  );
  return { ...deployment, template, policies, roles };
}

function executionRoleOf(fn: lambda.IFunction): iam.IRole {
  if (fn.role === undefined) throw new Error(`Function ${fn.node.path} has no role`);
  return fn.role;
}
