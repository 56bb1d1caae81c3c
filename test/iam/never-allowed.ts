// What must never be allowed in a deployment, whatever the code does: the function writing the token or a
// secret outside the stack, deleting or re-policying a target, posing as another event source, reading another
// SSM path, or using a key directly; a receiver reading the token or another workspace's secret, or writing
// anything; an account administrator reading the token the stack created; a principal of another account
// touching anything; the scheduler's role doing anything but invoking the function and sending to its queue;
// the example receiver's idempotency table used by anyone but the receiver, or for more than its items; AWS's
// services acting for anyone but the stack.
import type { ConditionKeys } from '../../local/standins/call-recorder.js';
import { ROTATION_EVENT } from '../../lambda/contract/rotation-event.js';
import { KIT_READERS } from './allowed-calls.js';
import type { Deployment, DeployedSecret, DeployedWorkspace, RolePrincipal } from './deployments.js';
import type { Principal } from './evaluate.js';
import { roleNamed, viaSecretsManager, type IamCheck } from './iam-checks.js';

const OTHER_ACCOUNT = '210987654321';

/** One request that must be denied: its action, resource (and what that is), why, and its condition keys. */
type Never = readonly [action: string, resource: string, resourceLabel: string, why: string, context?: ConditionKeys];

function never(who: string, principal: Principal, requests: readonly Never[]): IamCheck[] {
  return requests.map(([action, resource, resourceLabel, why, context = {}]) => ({
    who,
    resourceLabel,
    request: { principal, action, resource, context },
    expected: 'Denied',
    source: 'never',
    why,
  }));
}

const ADMINISTRATOR_ACCESS = {
  name: 'AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** A role with `*` on `*` in `account`. */
function administrator(account: string, name: string): RolePrincipal {
  return { kind: 'role', roleArn: `arn:aws:iam::${account}:role/${name}`, sessionName: name, identityPolicies: [ADMINISTRATOR_ACCESS] };
}

export function neverAllowed(deployment: Deployment): IamCheck[] {
  return [
    ...functionNever(deployment),
    ...receiverNever(deployment),
    ...outsiderNever(deployment),
    ...schedulerNever(deployment),
    ...idempotencyTableNever(deployment),
    ...serviceNever(deployment),
    ...secretsManagerInvocationNever(deployment),
  ];
}

function firstTarget(deployment: Deployment): DeployedWorkspace {
  const [first] = deployment.workspaces;
  if (first === undefined) throw new Error(`${deployment.name} has no workspace`);
  return first;
}

function functionNever(deployment: Deployment): IamCheck[] {
  const target = firstTarget(deployment);
  const outside = `arn:aws:secretsmanager:${deployment.region}:${deployment.account}:secret:someone-elses/secret-QwErTy`;
  const events = (sources: string[]) => ({ 'events:source': sources, 'events:detail-type': [ROTATION_EVENT.detailType] });
  const bus = deployment.eventBus;
  const fn = roleNamed(deployment, 'rotation-function');
  return [
    ...never('rotation-function', fn, [
      ['secretsmanager:PutSecretValue', deployment.token.arn, 'token secret', 'It must never write the API token'],
      ['secretsmanager:PutSecretValue', outside, 'secret outside the stack', 'It writes only its targets'],
      ['secretsmanager:GetSecretValue', outside, 'secret outside the stack', 'It reads only its targets and the token'],
      ['secretsmanager:DeleteSecret', target.arn, 'target secret', 'Deleting a target would lose the signing secret'],
      ['secretsmanager:PutResourcePolicy', target.arn, 'target secret', 'It must not change who may read a target'],
      ['secretsmanager:UpdateSecret', target.arn, 'target secret', "Secret.grantWrite's extra action, which rotation does not need"],
      ['events:PutEvents', bus, 'default event bus', 'It must not pose as another source', events(['aws.secretsmanager'])],
      ['events:PutEvents', bus, 'default event bus', 'Every entry must carry its own source', events([ROTATION_EVENT.source, 'aws.sts'])],
      ['events:PutEvents', bus, 'default event bus', 'No source at all must not pass the set operator vacuously'],
      ['events:PutEvents', bus.replace(/default$/, 'other'), 'another event bus', 'Only on the default bus', events([ROTATION_EVENT.source])],
      [
        'ssm:GetParametersByPath',
        deployment.targetsPath.replace(/rotation-targets$/, 'other'),
        'another SSM path',
        'It reads its own targets only',
        { 'ssm:Recursive': 'false' },
      ],
      [
        'ssm:GetParametersByPath',
        deployment.targetsPath.replace(/\/[^/]+\/[^/]+$/, ''),
        "the stack's SSM path",
        'Nor everything above them',
        { 'ssm:Recursive': 'true' },
      ],
    ]),
    ...keyUsedDirectly('rotation-function', fn, deployment, [target, deployment.token]),
  ];
}

/** kms:Decrypt on a secret's key outside Secrets Manager: the grants hold only via Secrets Manager. */
function keyUsedDirectly(who: string, principal: Principal, deployment: Deployment, secrets: readonly DeployedSecret[]): IamCheck[] {
  const directly = { 'kms:CallerAccount': deployment.account };
  const throughS3 = { ...viaSecretsManager(deployment), 'kms:ViaService': `s3.${deployment.region}.amazonaws.com` };
  return secrets.flatMap(({ keyArn }) =>
    keyArn === undefined
      ? []
      : never(who, principal, [
          ['kms:Decrypt', keyArn, 'key of a secret', 'A key is granted only through Secrets Manager', directly],
          ['kms:Decrypt', keyArn, 'key of a secret', 'Nor through another service', throughS3],
        ]),
  );
}

function receiverNever(deployment: Deployment): IamCheck[] {
  const isReader = (name: string) => name === 'example-receiver' || (KIT_READERS as readonly string[]).includes(name);
  const readers = [...deployment.roles].filter(([name]) => isReader(name));
  return readers.flatMap(([name, { principal, workspaceIds }]) => {
    const own = deployment.workspaces.filter(({ workspaceId }) => workspaceIds.includes(workspaceId)).slice(0, 1);
    const other = deployment.workspaces.filter(({ workspaceId }) => !workspaceIds.includes(workspaceId)).slice(0, 1);
    return [
      ...never(name, principal, [
        ['secretsmanager:GetSecretValue', deployment.token.arn, 'token secret', 'A receiver never reads the API token'],
        ['secretsmanager:DescribeSecret', deployment.token.arn, 'token secret', 'Nor describes it'],
        ...other.map(({ arn }): Never => ['secretsmanager:GetSecretValue', arn, "another workspace's secret", 'It reads its own only']),
        ...own.flatMap(({ arn }): Never[] => [
          ['secretsmanager:PutSecretValue', arn, 'target secret', 'A receiver writes nothing'],
          ['secretsmanager:UpdateSecretVersionStage', arn, 'target secret', 'Nor moves a label'],
          ['secretsmanager:DeleteSecret', arn, 'target secret', 'Nor deletes a secret'],
        ]),
      ]),
      ...keyUsedDirectly(name, principal, deployment, own),
    ];
  });
}

/** An administrator of the account may not read the token the stack created; nobody in another account may touch anything. */
function outsiderNever(deployment: Deployment): IamCheck[] {
  const target = firstTarget(deployment);
  const why = 'Nothing in the stack is shared with another account';
  const restricted = deployment.token.restricted;
  const administratorReads: Never = [
    'secretsmanager:GetSecretValue',
    deployment.token.arn,
    'token secret',
    "The token's resource policy denies everyone but the function",
  ];
  return [
    ...never('account administrator', administrator(deployment.account, 'Administrator'), restricted ? [administratorReads] : []),
    ...never('another account', administrator(OTHER_ACCOUNT, 'Outsider'), [
      ['secretsmanager:GetSecretValue', target.arn, 'target secret', why],
      ['secretsmanager:DescribeSecret', target.arn, 'target secret', why],
      ['secretsmanager:PutSecretValue', target.arn, 'target secret', why],
      ['secretsmanager:GetSecretValue', deployment.token.arn, 'token secret', why],
      ...(target.keyArn === undefined
        ? []
        : [['kms:Decrypt', target.keyArn, 'key of a target secret', why, viaSecretsManager(deployment)] as Never]),
      ['events:PutEvents', deployment.eventBus, 'default event bus', why, { 'events:source': [ROTATION_EVENT.source] }],
      ['ssm:GetParametersByPath', deployment.targetsPath, 'targets SSM path', why],
      ['sqs:SendMessage', deployment.rotationFunction.deadLetterQueueArn, 'function dead-letter queue', why],
      ['sns:Publish', deployment.alarms.topicArn, 'alarm topic', why],
      ['lambda:InvokeFunction', deployment.rotationFunction.arn, 'rotation function', why],
      ['sts:AssumeRole', roleNamed(deployment, 'rotation-function').roleArn, 'rotation-function role', why],
    ]),
  ];
}

function schedulerNever(deployment: Deployment): IamCheck[] {
  const target = firstTarget(deployment);
  const why = 'The scheduler only invokes the function and sends to its queue';
  const receiver = deployment.exampleReceiver;
  return never('scheduler', roleNamed(deployment, 'scheduler'), [
    ['secretsmanager:GetSecretValue', target.arn, 'target secret', why],
    ['secretsmanager:PutSecretValue', target.arn, 'target secret', why],
    ['events:PutEvents', deployment.eventBus, 'default event bus', why, { 'events:source': [ROTATION_EVENT.source] }],
    ['lambda:InvokeFunction', deployment.rotationFunction.arn.replace(/function:.*$/, 'function:another'), 'another function', why],
    ...(receiver === undefined ? [] : [['lambda:InvokeFunction', receiver.arn, 'example receiver function', why] as const]),
    ['sqs:SendMessage', deployment.rotationFunction.deadLetterQueueArn, 'function dead-letter queue', why],
    ['sqs:ReceiveMessage', deployment.schedules.deadLetterQueueArn, 'schedule dead-letter queue', why],
  ]);
}

/** The example receiver's table is its own, for Powertools' item calls only. */
function idempotencyTableNever(deployment: Deployment): IamCheck[] {
  const table = deployment.exampleReceiver?.idempotencyTableArn;
  if (table === undefined) return [];
  const anotherTable = table.replace(/table\/.*$/, 'table/another-table');
  const receiverWhy = 'Powertools reads and writes items one by one';
  return [
    ...never('example-receiver', roleNamed(deployment, 'example-receiver'), [
      ['dynamodb:GetItem', anotherTable, 'another table', 'It uses its own idempotency table only'],
      ['dynamodb:PutItem', anotherTable, 'another table', 'It uses its own idempotency table only'],
      ['dynamodb:Scan', table, 'idempotency table', receiverWhy],
      ['dynamodb:Query', table, 'idempotency table', receiverWhy],
      ['dynamodb:DeleteTable', table, 'idempotency table', 'It must never remove the table'],
    ]),
    ...never('rotation-function', roleNamed(deployment, 'rotation-function'), [
      ['dynamodb:GetItem', table, 'idempotency table', "The receiver's table is none of the function's business"],
      ['dynamodb:PutItem', table, 'idempotency table', "The receiver's table is none of the function's business"],
    ]),
    ...never('another account', administrator(OTHER_ACCOUNT, 'Outsider'), [
      ['dynamodb:PutItem', table, 'idempotency table', 'Nothing in the stack is shared with another account'],
    ]),
  ];
}

/** Secrets Manager invokes the function only in `secrets-manager` mode, and then only for secrets of this account. */
function secretsManagerInvocationNever(deployment: Deployment): IamCheck[] {
  const secretsManager: Principal = { kind: 'service', service: 'secretsmanager.amazonaws.com' };
  const fn = deployment.rotationFunction.arn;
  const [rotated] = deployment.nativeRotationSecretArns;
  if (rotated === undefined) {
    const ownSecret = { 'aws:SourceAccount': deployment.account, 'aws:SourceArn': firstTarget(deployment).arn };
    return never('secretsmanager.amazonaws.com', secretsManager, [
      ['lambda:InvokeFunction', fn, 'rotation function', 'With the scheduler rotating, Secrets Manager never invokes it', ownSecret],
    ]);
  }
  const otherAccountsSecret = { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': rotated.replace(deployment.account, OTHER_ACCOUNT) };
  return never('secretsmanager.amazonaws.com', secretsManager, [
    ['lambda:InvokeFunction', fn, 'rotation function', "Another account's rotation must not run the function", otherAccountsSecret],
    ['lambda:InvokeFunction', fn, 'rotation function', 'Nor a call that names no account'],
  ]);
}

/** AWS's services act for this stack only: another account's alarm, an unsigned caller, another service. */
function serviceNever(deployment: Deployment): IamCheck[] {
  const [alarm = ''] = deployment.alarms.alarmArns;
  const topic = deployment.alarms.topicArn;
  const schedulerRole = roleNamed(deployment, 'scheduler').roleArn;
  const otherSchedules = {
    'aws:SourceAccount': OTHER_ACCOUNT,
    'aws:SourceArn': deployment.schedules.groupArn.replace(deployment.account, OTHER_ACCOUNT),
  };
  const receiver = deployment.exampleReceiver;
  const service = (name: string): Principal => ({ kind: 'service', service: name });
  return [
    ...never('cloudwatch.amazonaws.com', service('cloudwatch.amazonaws.com'), [
      [
        'sns:Publish',
        topic,
        'alarm topic',
        "Another account's alarm",
        { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': alarm.replace(deployment.account, OTHER_ACCOUNT) },
      ],
      [
        'sns:Publish',
        topic,
        'alarm topic',
        'An alarm the stack did not create',
        { 'aws:SourceAccount': deployment.account, 'aws:SourceArn': alarm.replace(/alarm:.*$/, 'alarm:someone-elses-alarm') },
      ],
    ]),
    ...never('scheduler.amazonaws.com', service('scheduler.amazonaws.com'), [
      ['sts:AssumeRole', schedulerRole, 'scheduler role', "Another account's schedule group", otherSchedules],
    ]),
    ...never('lambda.amazonaws.com', service('lambda.amazonaws.com'), [
      ['sts:AssumeRole', schedulerRole, 'scheduler role', 'Each role is for its own service'],
    ]),
    ...never('anyone', { kind: 'anonymous' }, [
      ['lambda:InvokeFunction', deployment.rotationFunction.arn, 'rotation function', 'Only the schedules invoke it'],
      ...(receiver === undefined
        ? []
        : [['lambda:InvokeFunction', receiver.arn, 'example receiver function', 'Only through its Function URL'] as Never]),
    ]),
    ...never('rotation-function', roleNamed(deployment, 'rotation-function'), [
      [
        'sqs:SendMessage',
        deployment.rotationFunction.deadLetterQueueArn,
        'function dead-letter queue',
        'The queues take TLS only',
        { 'aws:SecureTransport': 'false' },
      ],
    ]),
  ];
}
