// Every policy a synthesized template deploys, resolved to concrete ARNs: the identity policies of each role
// (inline, AWS::IAM::Policy, AWS::IAM::ManagedPolicy) and the resource policies of each resource (a secret's
// AWS::SecretsManager::ResourcePolicy, a key's KeyPolicy, a topic's or queue's policy, a function's
// AWS::Lambda::Permission resources, a role's trust policy).
import { templateResolver, type CfnTemplate, type DeploymentEnvironment, type TemplateResolver } from './template-resolver.js';

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

export type PolicyStatement = Readonly<Record<string, unknown>>;

export interface NamedPolicy {
  /** The policy's logical id (and, for an inline policy, its name). */
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface TemplatePolicies {
  readonly resolver: TemplateResolver;
  /** The ARN of every role the template creates, by logical id. */
  readonly roleArns: ReadonlyMap<string, string>;
  /** The identity policies attached to a role the template creates, by the role's ARN. */
  readonly identityPolicies: (roleArn: string) => readonly NamedPolicy[];
  /** The resource policy of a resource the template creates; undefined when it has none. */
  readonly resourcePolicy: (resourceArn: string) => PolicyDocument | undefined;
}

// Resource types that carry a policy this module does not read: a template with one must not pass unevaluated.
const UNREAD_POLICY_TYPES = /^AWS::(IAM::(User|Group|UserToGroupAddition)|.*::.*(Policy|Permission))$/;

/** The policies read so far, and how to add to them. */
interface Collected {
  readonly resolver: TemplateResolver;
  readonly environment: DeploymentEnvironment;
  readonly identity: Map<string, NamedPolicy[]>;
  readonly roleArnByName: ReadonlyMap<string, string>;
  readonly addResourceStatements: (arn: string, document: unknown) => void;
}

export function templatePolicies(template: CfnTemplate, environment: DeploymentEnvironment): TemplatePolicies {
  const resolver = templateResolver(template, environment);
  const resources = Object.entries(template.Resources);
  const roles = resources.filter(([, { Type }]) => Type === 'AWS::IAM::Role').map(([logicalId]) => logicalId);
  const roleArns = new Map(roles.map((logicalId) => [logicalId, resolver.arnOf(logicalId)]));
  const resource = new Map<string, PolicyStatement[]>();
  const collected: Collected = {
    resolver,
    environment,
    identity: new Map([...roleArns.values()].map((arn) => [arn, []])),
    roleArnByName: new Map(roles.map((logicalId) => [resolver.resolveString({ Ref: logicalId }), resolver.arnOf(logicalId)])),
    addResourceStatements: (arn, document) =>
      resource.set(arn, [...(resource.get(arn) ?? []), ...(resolver.resolve(document) as PolicyDocument).Statement]),
  };
  for (const [logicalId, { Type, Properties: properties = {} }] of resources) readPolicies(collected, logicalId, Type, properties);

  return {
    resolver,
    roleArns,
    identityPolicies: (roleArn) => collected.identity.get(roleArn) ?? [],
    resourcePolicy: (arn) => {
      const statements = resource.get(arn);
      return statements === undefined ? undefined : { Version: '2012-10-17', Statement: statements };
    },
  };
}

/** Adds the policies one resource of the template carries to those collected. */
function readPolicies(collected: Collected, logicalId: string, type: string, properties: Record<string, unknown>): void {
  const { resolver, addResourceStatements } = collected;
  switch (type) {
    case 'AWS::IAM::Role': {
      const arn = resolver.arnOf(logicalId);
      addResourceStatements(arn, properties.AssumeRolePolicyDocument);
      const inline = (properties.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[];
      collected.identity.get(arn)?.push(
        ...inline.map(({ PolicyName, PolicyDocument }) => ({
          name: `${logicalId}/${PolicyName}`,
          document: resolver.resolve(PolicyDocument) as PolicyDocument,
        })),
      );
      const managed = resolver.resolve(properties.ManagedPolicyArns ?? []) as string[];
      if (managed.length > 0) throw new Error(`Role ${logicalId} has managed policies from outside the template: ${managed.join(', ')}`);
      return;
    }
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      attach(collected, properties, { name: logicalId, document: resolver.resolve(properties.PolicyDocument) as PolicyDocument });
      return;
    case 'AWS::SecretsManager::ResourcePolicy':
      addResourceStatements(resolver.resolveString(properties.SecretId), properties.ResourcePolicy);
      return;
    case 'AWS::KMS::Key':
      addResourceStatements(resolver.arnOf(logicalId), properties.KeyPolicy);
      return;
    case 'AWS::SNS::TopicPolicy':
      for (const topic of resolver.resolve(properties.Topics) as string[]) addResourceStatements(topic, properties.PolicyDocument);
      return;
    case 'AWS::SQS::QueuePolicy':
      for (const url of resolver.resolve(properties.Queues) as string[]) addResourceStatements(queueArnOf(url), properties.PolicyDocument);
      return;
    case 'AWS::Lambda::Permission':
      addLambdaPermission(resolver, properties, addResourceStatements, collected.environment);
      return;
    default:
      if (UNREAD_POLICY_TYPES.test(type)) throw new Error(`${logicalId} (${type}) carries a policy this evaluation does not read`);
  }
}

/** An AWS::IAM::Policy or AWS::IAM::ManagedPolicy, added to each role it names. */
function attach(collected: Collected, properties: Record<string, unknown>, policy: NamedPolicy): void {
  if (properties.Users !== undefined || properties.Groups !== undefined) throw new Error(`${policy.name} is attached to users or groups`);
  for (const roleName of collected.resolver.resolve(properties.Roles ?? []) as string[]) {
    const arn = collected.roleArnByName.get(roleName);
    if (arn === undefined) throw new Error(`Policy ${policy.name} is attached to role ${roleName}, which the template does not create`);
    collected.identity.get(arn)?.push(policy);
  }
}

/** A queue's ARN from the URL that CloudFormation's Ref of a queue gives. */
function queueArnOf(url: string): string {
  const [, region, account, name] = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d{12})\/(.+)$/.exec(url) ?? [];
  if (name === undefined) throw new Error(`Not a queue URL: ${url}`);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** A Lambda permission as the statement Lambda adds to the function's resource policy for it. */
function addLambdaPermission(
  resolver: TemplateResolver,
  properties: Record<string, unknown>,
  add: (arn: string, document: unknown) => void,
  environment: DeploymentEnvironment,
): void {
  const nameOrArn = resolver.resolveString(properties.FunctionName);
  const functionArn = nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:${environment.partition ?? 'aws'}:lambda:${environment.region}:${environment.account}:function:${nameOrArn}`;
  const principal = resolver.resolveString(properties.Principal);
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: unknown) => {
    if (value !== undefined) condition[operator] = { ...condition[operator], [key]: String(resolver.resolve(value)) };
  };
  put('ArnLike', 'aws:SourceArn', properties.SourceArn);
  put('StringEquals', 'aws:SourceAccount', properties.SourceAccount);
  put('StringEquals', 'aws:PrincipalOrgID', properties.PrincipalOrgID);
  put('StringEquals', 'lambda:FunctionUrlAuthType', properties.FunctionUrlAuthType);
  put('Bool', 'lambda:InvokedViaFunctionUrl', properties.InvokedViaFunctionUrl);
  const statement = {
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: resolver.resolve(properties.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  add(functionArn, { Statement: [statement] });
}
