// Resolves a synthesized CloudFormation template's intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select,
// Fn::Split and the pseudo parameters) to the concrete values CloudFormation would give them, so that an IAM
// evaluator can read the template's policies. Names CloudFormation would generate are made up from the logical
// id, the same on every run; only what a policy refers to needs to be resolved, and anything else throws.
import { createHash } from 'node:crypto';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface DeploymentEnvironment {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** How CloudFormation names and identifies one type of resource: its name property, what Ref gives, its attributes. */
interface ResourceKind {
  readonly nameProperty?: string;
  readonly ref: 'name' | 'arn' | 'id' | 'url';
  readonly arn: (names: ResourceNames) => string;
  readonly attributes?: Readonly<Record<string, (names: ResourceNames) => string>>;
}

interface ResourceNames {
  readonly name: string;
  readonly id: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

const arnIn = (service: string, resource: (names: ResourceNames) => string, global = false) => (names: ResourceNames) =>
  `arn:${names.partition}:${service}:${global ? '' : names.region}:${names.account}:${resource(names)}`;

const KINDS: Readonly<Record<string, ResourceKind>> = {
  'AWS::IAM::Role': { nameProperty: 'RoleName', ref: 'name', arn: arnIn('iam', ({ name }) => `role/${name}`, true) },
  'AWS::IAM::ManagedPolicy': { nameProperty: 'ManagedPolicyName', ref: 'arn', arn: arnIn('iam', ({ name }) => `policy/${name}`, true) },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    ref: 'arn',
    arn: arnIn('secretsmanager', ({ name, id }) => `secret:${name}-${id.slice(0, 6)}`),
  },
  'AWS::KMS::Key': { ref: 'id', arn: arnIn('kms', ({ id }) => `key/${id}`) },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', ref: 'name', arn: arnIn('lambda', ({ name }) => `function:${name}`) },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: 'url',
    arn: arnIn('sqs', ({ name }) => name),
    attributes: { QueueName: ({ name }) => name },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: 'arn',
    arn: arnIn('sns', ({ name }) => name),
    attributes: { TopicName: ({ name }) => name },
  },
  // CloudFormation's Arn of a log group ends in ":*", which covers its log streams.
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', ref: 'name', arn: arnIn('logs', ({ name }) => `log-group:${name}:*`) },
  'AWS::Scheduler::ScheduleGroup': { nameProperty: 'Name', ref: 'name', arn: arnIn('scheduler', ({ name }) => `schedule-group/${name}`) },
  'AWS::CloudWatch::Alarm': { nameProperty: 'AlarmName', ref: 'name', arn: arnIn('cloudwatch', ({ name }) => `alarm:${name}`) },
  'AWS::SSM::Parameter': { nameProperty: 'Name', ref: 'name', arn: arnIn('ssm', ({ name }) => `parameter/${name.replace(/^\//, '')}`) },
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', ref: 'name', arn: arnIn('dynamodb', ({ name }) => `table/${name}`) },
  'AWS::ECS::TaskDefinition': { nameProperty: 'Family', ref: 'arn', arn: arnIn('ecs', ({ name }) => `task-definition/${name}:1`) },
};

export interface TemplateResolver {
  /** `value` with every intrinsic replaced by what CloudFormation would resolve it to. */
  readonly resolve: (value: unknown) => unknown;
  /** `value` resolved, which must be a string. */
  readonly resolveString: (value: unknown) => string;
  /** What `Fn::GetAtt` of the resource's `Arn` gives. */
  readonly arnOf: (logicalId: string) => string;
}

/** What resolving an intrinsic needs: references to resources and parameters, and resolving what it holds. */
interface References {
  readonly ref: (logicalId: string) => string;
  readonly getAtt: (logicalId: string, attribute: string) => string;
  readonly resolve: (value: unknown) => unknown;
}

export function templateResolver(template: CfnTemplate, environment: DeploymentEnvironment): TemplateResolver {
  const partition = environment.partition ?? 'aws';
  const { account, region } = environment;
  const pseudo: Readonly<Record<string, string>> = {
    'AWS::AccountId': account,
    'AWS::Region': region,
    'AWS::Partition': partition,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': environment.stackName,
  };

  function resourceOf(logicalId: string): { kind: ResourceKind; names: ResourceNames } {
    const resource = template.Resources[logicalId];
    if (resource === undefined) throw new Error(`The template has no resource ${logicalId}`);
    const kind = KINDS[resource.Type];
    if (kind === undefined) throw new Error(`Cannot resolve a reference to ${logicalId}: no rule for ${resource.Type}`);
    const given = kind.nameProperty === undefined ? undefined : resource.Properties?.[kind.nameProperty];
    const id = createHash('sha256').update(`${environment.stackName}/${logicalId}`).digest('hex');
    const name = given === undefined ? `${environment.stackName}-${logicalId}` : asString(resolve(given));
    return { kind, names: { name, id: uuidOf(id), partition, region, account } };
  }

  const references: References = {
    ref(logicalId) {
      const known = pseudo[logicalId];
      if (known !== undefined) return known;
      const { kind, names } = resourceOf(logicalId);
      switch (kind.ref) {
        case 'name':
          return names.name;
        case 'arn':
          return kind.arn(names);
        case 'id':
          return names.id;
        case 'url':
          return `https://sqs.${region}.amazonaws.com/${account}/${names.name}`;
      }
    },
    getAtt(logicalId, attribute) {
      const { kind, names } = resourceOf(logicalId);
      const read = attribute === 'Arn' ? kind.arn : kind.attributes?.[attribute];
      if (read === undefined) throw new Error(`Cannot resolve ${logicalId}.${attribute}: no rule for that attribute`);
      return read(names);
    },
    resolve: (value) => resolve(value),
  };

  function resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return resolveIntrinsic(first[0], first[1], references);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item)]));
  }

  return { resolve, resolveString: (value) => asString(resolve(value)), arnOf: (logicalId) => references.getAtt(logicalId, 'Arn') };
}

function resolveIntrinsic(name: string, argument: unknown, { ref, getAtt, resolve }: References): unknown {
  switch (name) {
    case 'Ref':
      return ref(argument as string);
    case 'Fn::GetAtt': {
      const [logicalId = '', attribute = ''] = typeof argument === 'string' ? argument.split('.') : (argument as string[]);
      return getAtt(logicalId, attribute);
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      return (resolve(parts) as unknown[]).map((part) => asString(part)).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables = {}] = typeof argument === 'string' ? [argument] : (argument as [string, Record<string, unknown>]);
      return text.replace(/\$\{([^}!]+)\}/g, (_, reference: string) => {
        if (reference in variables) return asString(resolve(variables[reference]));
        const [logicalId = '', attribute] = reference.split('.');
        return attribute === undefined ? ref(logicalId) : getAtt(logicalId, attribute);
      });
    }
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      return (resolve(list) as unknown[])[Number(resolve(index))];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return asString(resolve(text)).split(separator);
    }
    default:
      throw new Error(`Cannot resolve ${name}: no rule for that intrinsic`);
  }
}

function asString(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`Expected a string, resolved ${JSON.stringify(value)}`);
  return value;
}

/** A UUID-shaped id from a hex digest, as KMS gives keys. */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
