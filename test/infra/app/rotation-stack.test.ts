import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_PLACEHOLDER, TARGET_SECRET_PLACEHOLDER } from '../../../lambda/contract/secret-formats.js';
import { HEARTBEAT_EVENT } from '../../../lambda/contract/invocation-events.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { buildStack, getAtt, logicalIdAt, refTo, testApp } from '../../support/synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];
const TWO_MONTHS_IN_SECONDS = 60 * 24 * 60 * 60;
const TARGETS_PATH = '/ProlificWebhookSecretRotation/Rotation/rotation-targets';
const ON_CALL_OUTPUTS = ['FunctionDeadLetterQueueUrl', 'ScheduleDeadLetterQueueUrl', 'LogGroupName', 'DashboardUrl'];

let stack: ProlificWebhookSecretRotationStack;
let template: Template;

beforeAll(() => {
  // Prepare: the app as `cdk deploy -c workspaces=ws-a,ws-b -c alarmEmail=...` builds it.
  stack = buildStack(testApp({ workspaces: WORKSPACES.join(','), alarmEmail: 'rotation-alarms@example.com' }));
  template = Template.fromStack(stack);
});

const functionDlq = () => getAtt(stack, 'Rotation/FunctionDeadLetterQueue', 'Arn');
const scheduleDlq = () => getAtt(stack, 'Rotation/ScheduleDeadLetterQueue', 'Arn');
const secretRef = (workspaceId: string) => refTo(stack, `Rotation/Secret-${workspaceId}`);
const tokenRef = () => refTo(stack, 'Rotation/ApiTokenSecret');
const functionArn = () => getAtt(stack, 'Rotation/Function', 'Arn');
interface PolicyResource {
  readonly Properties: { readonly PolicyDocument: { readonly Statement: Record<string, unknown>[] } };
}
interface TemplateResource {
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
}
/** The resource behind the construct at `path`, as the template holds it. */
const resourceAt = (path: string): TemplateResource | undefined =>
  (template.toJSON().Resources as Record<string, TemplateResource>)[logicalIdAt(stack, path)];
// The group's name is generated at synthesis; schedules and the alarm refer to it by that name.
const scheduleGroupName = (): string => resourceAt('Rotation/ScheduleGroup')?.Properties.Name as string;

describe('the rotation function', () => {
  it('runs on nodejs24.x on arm64, one invocation at a time', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      MemorySize: 256,
      Handler: 'index.handler',
    });
  });

  it('has a timeout of 15 s plus 75 s for each round of 10 workspaces at once: 90 s for two', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 90 });
  });

  it(
    'is never retried by Lambda, keeps a waiting scheduled run 6 hours, and sends failed async invocations to its dead-letter queue',
    () => {
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: refTo(stack, 'Rotation/Function'),
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 6 * 60 * 60,
        DestinationConfig: { OnFailure: { Destination: functionDlq() } },
      });
    },
  );

  it('logs to its own log group, kept for a year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: refTo(stack, 'Rotation/FunctionLogs') },
    });
  });

  it('is configured with the path of its targets and their fingerprint, its concurrency and ARNs, never a value', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          ROTATION_TARGETS_PARAMETER_PATH: TARGETS_PATH,
          ROTATION_TARGETS_VERSION: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
          ROTATION_CONCURRENCY: '10',
          PROLIFIC_TOKEN_SECRET_ID: tokenRef(),
          PROLIFIC_API_BASE_URL: 'https://api.prolific.com',
          POWERTOOLS_SERVICE_NAME: 'prolific-webhook-secret-rotation',
          POWERTOOLS_METRICS_NAMESPACE: 'ProlificWebhookSecretRotation',
        }),
      },
    });
  });
});

describe('the target list in Parameter Store', () => {
  it('is one standard String parameter under the path, holding workspace ids and secret ARNs in order', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `${TARGETS_PATH}/000`,
      Type: 'String',
      Tier: 'Standard',
      Value: {
        'Fn::Join': [
          '',
          ['[{"workspaceId":"ws-a","secretId":"', secretRef('ws-a'), '"},{"workspaceId":"ws-b","secretId":"', secretRef('ws-b'), '"}]'],
        ],
      },
    });
  });

  it('exists before the function, which reads it when it starts', () => {
    expect(resourceAt('Rotation/Function')?.DependsOn).toContain(logicalIdAt(stack, 'Rotation/RotationTargets000'));
  });
});

describe('the dead-letter queues', () => {
  it.each([
    ['function', 'Rotation/FunctionDeadLetterQueue'],
    ['schedule', 'Rotation/ScheduleDeadLetterQueue'],
  ])('the %s queue is encrypted and refuses requests without TLS', (_name, path) => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: Match.absent(),
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 60 * 60,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [refTo(stack, path)],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: getAtt(stack, path, 'Arn'),
          },
        ],
      },
    });
  });
});

describe('the schedules', () => {
  it('rotate every 30 days with {"action":"rotate"}, an explicit retry policy and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 days)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      GroupName: scheduleGroupName(),
      Target: {
        Arn: functionArn(),
        RoleArn: getAtt(stack, 'Rotation/SchedulerRole', 'Arn'),
        Input: '{"action":"rotate"}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: scheduleDlq() },
      },
    });
  });

  it('send the daily heartbeat event the staleness alarm relies on (pinned to {"action":"sync"} in rotation-schedules.test.ts)', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      GroupName: scheduleGroupName(),
      Target: {
        Arn: functionArn(),
        Input: JSON.stringify(HEARTBEAT_EVENT),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: scheduleDlq() },
      },
    });
  });

  it('use a role only the scheduler of this account and schedule group may assume', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '123456789012',
                'aws:SourceArn': getAtt(stack, 'Rotation/ScheduleGroup', 'Arn'),
              },
            },
          },
        ],
      },
    });
  });

  it('may invoke only the rotation function and write only their dead-letter queue', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo(stack, 'Rotation/SchedulerRole')],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [functionArn(), { 'Fn::Join': ['', [functionArn(), ':*']] }],
          }),
          Match.objectEquals({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: scheduleDlq() }),
        ],
      },
    });
  });
});

describe('the function role', () => {
  it('holds exactly: its log group, its dead-letter queue, the target secrets, the token secret, its targets and its event', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo(stack, 'Rotation/FunctionRole')],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: getAtt(stack, 'Rotation/FunctionLogs', 'Arn'),
          }),
          Match.objectEquals({
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Effect: 'Allow',
            Resource: functionDlq(),
          }),
          Match.objectEquals({
            Sid: 'RotateTargetSecrets',
            Action: [
              'secretsmanager:DescribeSecret',
              'secretsmanager:GetSecretValue',
              'secretsmanager:PutSecretValue',
              'secretsmanager:UpdateSecretVersionStage',
            ],
            Effect: 'Allow',
            Resource: [secretRef('ws-a'), secretRef('ws-b')],
          }),
          Match.objectEquals({
            Sid: 'ReadApiToken',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: tokenRef(),
          }),
          // GetParametersByPath is authorized on the path alone, not on the parameters it returns.
          Match.objectEquals({
            Sid: 'ReadRotationTargets',
            Action: 'ssm:GetParametersByPath',
            Effect: 'Allow',
            Resource: `arn:aws:ssm:eu-west-2:123456789012:parameter${TARGETS_PATH}`,
          }),
          Match.objectEquals({
            Sid: 'PutRotationEvents',
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: 'arn:aws:events:eu-west-2:123456789012:event-bus/default',
            Condition: {
          'ForAllValues:StringEquals': { 'events:source': ['prolific.webhook-secret-rotation'] },
          Null: { 'events:source': 'false' },
        },
          }),
        ],
      },
    });
  });

  it('has no managed policy and no other policy attached', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    const functionRole = refTo(stack, 'Rotation/FunctionRole');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown } }[];
    const policiesOnRole = policies.filter((policy) => JSON.stringify(policy.Properties.Roles).includes(functionRole.Ref));
    expect(policiesOnRole).toHaveLength(1);
  });

  it('grants no Secrets Manager or KMS action on a wildcard resource, in any policy', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const sensitive = statements.filter((statement) =>
      [statement.Action].flat().some((action) => /^(secretsmanager|kms):/.test(action)),
    );

    expect(sensitive.length).toBeGreaterThan(0);
    for (const statement of sensitive) {
      expect([statement.Resource].flat()).not.toContain('*');
    }
  });
});

describe('the secrets', () => {
  it.each(WORKSPACES)('creates the secret of %s, kept on deletion, described as written by the function', (workspaceId) => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: Match.stringLikeRegexp(`workspace ${workspaceId}\\. Written by the rotation function`),
        SecretString: Match.stringLikeRegexp('^Not synced yet'),
        GenerateSecretString: Match.absent(),
      },
    });
  });

  it('creates the API-token secret holding only the placeholder the function refuses to use', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Description: Match.stringLikeRegexp('^Prolific API token'),
        SecretString: API_TOKEN_PLACEHOLDER,
      },
    });
  });

  it('creates exactly the target secrets and the token secret', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', WORKSPACES.length + 1);
  });
});

describe('the alarms', () => {
  const topicRef = () => refTo(stack, 'Rotation/AlarmTopic');

  it.each([
    ['function errors', 'AWS/Lambda', 'Errors', 'Sum', () => [{ Name: 'FunctionName', Value: refTo(stack, 'Rotation/Function') }]],
    [
      'messages in the function dead-letter queue',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'Maximum',
      () => [{ Name: 'QueueName', Value: getAtt(stack, 'Rotation/FunctionDeadLetterQueue', 'QueueName') }],
    ],
    [
      'messages in the schedule dead-letter queue',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'Maximum',
      () => [{ Name: 'QueueName', Value: getAtt(stack, 'Rotation/ScheduleDeadLetterQueue', 'QueueName') }],
    ],
    [
      'schedule target errors',
      'AWS/Scheduler',
      'TargetErrorCount',
      'Sum',
      () => [{ Name: 'ScheduleGroup', Value: scheduleGroupName() }],
    ],
  ])('alarm on %s, notifying the topic', (_name, namespace, metricName, statistic, dimensions) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: dimensions(),
      Statistic: statistic,
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('alarm when the oldest secret of all was not rotated within twice the interval, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ProlificWebhookSecretRotation',
      MetricName: 'SecondsSinceLastRotation',
      Dimensions: [{ Name: 'service', Value: 'prolific-webhook-secret-rotation' }],
      Statistic: 'Maximum',
      Period: 86400,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: TWO_MONTHS_IN_SECONDS,
      TreatMissingData: 'breaching',
      AlarmActions: [topicRef()],
    });
  });

  it('are the four operational alarms, six condition alarms and one staleness alarm, nothing else', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 + 6 + 1);
  });

  it('one alarm fires when any workspace had no version labelled AWSCURRENT', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ProlificWebhookSecretRotation',
      MetricName: 'CurrentVersionMissing',
      Dimensions: [{ Name: 'service', Value: 'prolific-webhook-secret-rotation' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef()],
    });
  });

  it('go to a topic that only accepts TLS publishers, with the e-mail subscribed', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef()],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'rotation-alarms@example.com',
      TopicArn: topicRef(),
    });
  });
});

describe('every alarm reaches a person', () => {
  it('each alarm action is a topic whose policy lets CloudWatch publish, for this account\'s alarms only', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const alarms = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');
    const topicPolicies = Object.values(resources).filter((resource) => resource.Type === 'AWS::SNS::TopicPolicy');
    expect(alarms.length).toBeGreaterThan(0);

    for (const [alarmId, alarm] of alarms) {
      const actions = alarm.Properties.AlarmActions as { Ref: string }[];
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) {
        const policy = topicPolicies.find((candidate) => JSON.stringify(candidate.Properties.Topics) === JSON.stringify([action]));
        const statements = (policy?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        const allow = statements.find(
          (statement) =>
            statement.Effect === 'Allow' &&
            (statement.Principal as { Service?: string } | undefined)?.Service === 'cloudwatch.amazonaws.com',
        );
        expect(allow).toMatchObject({
          Action: 'sns:Publish',
          Resource: action,
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        });
        // The topic is not encrypted, so no key policy has to admit CloudWatch as well.
        expect(resources[action.Ref]?.Properties.KmsMasterKeyId).toBeUndefined();
        expect((allow?.Condition as { ArnEquals: { 'aws:SourceArn': unknown[] } }).ArnEquals['aws:SourceArn']).toContainEqual({
          'Fn::GetAtt': [alarmId, 'Arn'],
        });
      }
    }
  });
});

describe('the API token secret', () => {
  it('denies reading its value to everyone but the function\'s role, whatever IAM allows them', () => {
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      SecretId: tokenRef(),
      ResourcePolicy: {
        Statement: [
          {
            Sid: 'OnlyTheRotationFunctionReadsTheToken',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:PrincipalArn': getAtt(stack, 'Rotation/FunctionRole', 'Arn') } },
          },
        ],
      },
    });
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 1);
  });
});

describe('the placeholders', () => {
  it('are pinned to the letter: a changed text would make CloudFormation overwrite a live secret', () => {
    expect(API_TOKEN_PLACEHOLDER).toBe('REPLACE-WITH-YOUR-PROLIFIC-API-TOKEN');
    expect(TARGET_SECRET_PLACEHOLDER).toBe('Not synced yet: run the rotation function with {"action":"sync"}.');
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: API_TOKEN_PLACEHOLDER });
    for (const workspaceId of WORKSPACES) {
      expect(resourceAt(`Rotation/Secret-${workspaceId}`)?.Properties.SecretString).toBe(
        TARGET_SECRET_PLACEHOLDER,
      );
    }
  });
});

describe('the stack outputs', () => {
  it('name the secrets, the function, the topic and the targets\' path, and never a value', () => {
    const outputs = template.findOutputs('*');

    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiTokenSecretArn',
        'FunctionName',
        'SecretArnwsa',
        'SecretArnwsb',
        'TargetsParameterPath',
        ...ON_CALL_OUTPUTS,
      ].sort(),
    );
    expect(outputs.TargetsParameterPath?.Value).toBe(TARGETS_PATH);
    expect(outputs.SecretArnwsa?.Value).toEqual(secretRef('ws-a'));
    expect(outputs.SecretArnwsb?.Value).toEqual(secretRef('ws-b'));
    expect(outputs.ApiTokenSecretArn?.Value).toEqual(tokenRef());
    expect(outputs.FunctionName?.Value).toEqual(refTo(stack, 'Rotation/Function'));
    expect(outputs.AlarmTopicArn?.Value).toEqual(refTo(stack, 'Rotation/AlarmTopic'));
    expect(JSON.stringify(outputs)).not.toMatch(/SecretString|resolve:secretsmanager/);
  });
});

describe('the outputs on-call needs', () => {
  it('give both dead-letter queues\' URLs, the log group\'s name and the dashboard\'s console URL, each saying what it is for', () => {
    const outputs = template.findOutputs('*');

    expect(outputs.FunctionDeadLetterQueueUrl?.Value).toEqual(refTo(stack, 'Rotation/FunctionDeadLetterQueue'));
    expect(outputs.ScheduleDeadLetterQueueUrl?.Value).toEqual(refTo(stack, 'Rotation/ScheduleDeadLetterQueue'));
    expect(outputs.LogGroupName?.Value).toEqual(refTo(stack, 'Rotation/FunctionLogs'));
    expect(outputs.DashboardUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#dashboards:name=', refTo(stack, 'Rotation/Dashboard')],
      ],
    });
    for (const key of ON_CALL_OUTPUTS) expect(outputs[key]?.Description).toMatch(/\w+/);
    expect(outputs.FunctionDeadLetterQueueUrl?.Description).toContain('aws sqs receive-message --queue-url');
  });
});

describe('a staleness threshold from context', () => {
  it('is refused when shorter than the rotation interval, naming both context keys and both durations', () => {
    expect(() => buildStack(testApp({ workspaces: 'ws-a', schedule: 'rate(30 days)', stalenessThresholdDays: 7 }))).toThrow(
      /^Context key "stalenessThresholdDays" \(7 days\) is shorter than the rotation interval of context key "schedule" \(30 days\): the staleness alarm would fire before every rotation\. Give at least 30 days/,
    );
  });

  it('is taken when it is the interval or more, or the schedule is disabled', () => {
    expect(() => buildStack(testApp({ workspaces: 'ws-a', schedule: 'rate(7 days)', stalenessThresholdDays: 7 }))).not.toThrow();
    expect(() =>
      buildStack(testApp({ workspaces: 'ws-a', scheduleEnabled: 'false', stalenessThresholdDays: 7 })),
    ).not.toThrow();
  });
});

describe('adopted secrets from context', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const TOKEN_KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/9876abcd-12ab-34cd-56ef-1234567890ab';
  const statementsOf = (adopted: Template) =>
    (Object.values(adopted.findResources('AWS::IAM::Policy')) as PolicyResource[]).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );

  it('grants the customer-managed keys named for an adopted secret and the token secret', () => {
    const adopted = Template.fromStack(
      buildStack(
        testApp({
          workspaces: 'ws-a=prolific/webhook-a,ws-b',
          secretKeys: `ws-a=${KEY_ARN}`,
          tokenSecret: 'prolific/token',
          tokenSecretKey: TOKEN_KEY_ARN,
        }),
      ),
    );

    const statements = statementsOf(adopted);
    expect(statements).toContainEqual(
      expect.objectContaining({ Sid: 'UseTargetSecretKeys', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'UseApiTokenKey', Action: 'kms:Decrypt', Resource: TOKEN_KEY_ARN }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'RotateTargetSecrets',
        Resource: expect.arrayContaining(['arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/webhook-a-??????']) as unknown,
      }),
    );
  });

  it('tells the function which workspaces store the bare value', () => {
    const adopted = Template.fromStack(buildStack(testApp({ workspaces: 'ws-a=prolific/bare,ws-b', secretFormats: 'ws-a=plain' })));

    const [parameter] = Object.values(adopted.findResources('AWS::SSM::Parameter')) as { Properties: { Value: unknown } }[];
    const targets = JSON.stringify(parameter?.Properties.Value);
    expect(targets).toContain('\\"workspaceId\\":\\"ws-a\\",\\"secretId\\":\\"prolific/bare\\",\\"format\\":\\"plain\\"');
    expect(targets).not.toMatch(/ws-b[^}]*format/);
  });
});

describe('a stack named with -c stackName', () => {
  it('takes the name, and gives it to its alarms and its metrics, so staging and production can share an account', () => {
    // Prepare: `cdk deploy -c stackName=Staging -c workspaces=ws-a`.
    const staging = buildStack(testApp({ workspaces: 'ws-a', stackName: 'Staging' }));
    const stagingTemplate = Template.fromStack(staging);

    // Assess
    expect(staging.stackName).toBe('Staging');
    stagingTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'Staging' }) },
    });
    const alarms = Object.values(stagingTemplate.findResources('AWS::CloudWatch::Alarm')) as TemplateResource[];
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmName).toMatch(/^Staging-/);
    stagingTemplate.hasResourceProperties('AWS::SSM::Parameter', { Name: Match.stringLikeRegexp('^/Staging/') });
  });

  it('keeps the default namespace for the default name, so an existing deployment keeps its metrics', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'ProlificWebhookSecretRotation' }) },
    });
  });
});
