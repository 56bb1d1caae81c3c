import { ArnFormat, CfnOutput, Duration, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../../lambda/contract/stack.js';
import { ExampleReceiver } from '../example-receiver/example-receiver.js';
import { ProlificWebhookSecretRotation } from '../construct/prolific-webhook-secret-rotation.js';
import { checkStalenessThreshold, scheduleInterval } from '../construct/schedule-interval.js';
import { isSecretArn, type StackSettings, type WorkspaceSetting } from './stack-settings.js';

// CloudFormation allows 200 outputs a stack. A list of secret ARNs helps while it is short enough to read in
// the console; at a hundred it is not how anyone finds one secret any more, and half the quota stays free.
const MAX_SECRET_OUTPUTS = 100;

export interface RotationStackProps extends StackProps {
  /** The deployment's settings, read from CDK context. */
  readonly settings: StackSettings;
}

/** The deployable app: one rotation construct wired from context, with outputs that name (never show) secrets. */
export class ProlificWebhookSecretRotationStack extends Stack {
  public readonly rotation: ProlificWebhookSecretRotation;
  /** With `-c exampleReceiver=true`: a webhook receiver of the first workspace. */
  public readonly exampleReceiver?: ExampleReceiver;

  constructor(scope: Construct, id: string, props: RotationStackProps) {
    super(scope, id, props);
    const { settings } = props;
    checkStalenessSetting(settings);

    this.rotation = new ProlificWebhookSecretRotation(this, 'Rotation', {
      workspaces: settings.workspaces.map(({ workspaceId, existingSecret, encryptionKeyArn, format }) => {
        const encryptionKey =
          encryptionKeyArn === undefined ? undefined : Key.fromKeyArn(this, `SecretKey-${workspaceId}`, encryptionKeyArn);
        return existingSecret === undefined
          ? { workspaceId, format, encryptionKey }
          : { workspaceId, format, secret: this.importSecret(`ExistingSecret-${workspaceId}`, existingSecret, encryptionKey) };
      }),
      apiTokenSecret:
        settings.tokenSecret === undefined
          ? undefined
          : this.importSecret(
              'ExistingApiTokenSecret',
              settings.tokenSecret,
              settings.tokenSecretKeyArn === undefined ? undefined : Key.fromKeyArn(this, 'ApiTokenSecretKey', settings.tokenSecretKeyArn),
            ),
      schedule: ScheduleExpression.expression(settings.schedule, TimeZone.of(settings.timeZone)),
      scheduleEnabled: settings.scheduleEnabled,
      stalenessThreshold:
        settings.stalenessThresholdDays === undefined ? undefined : Duration.days(settings.stalenessThresholdDays),
      alarmEmail: settings.alarmEmail,
      concurrency: settings.concurrency,
      testEvents: settings.testEvents,
      rotation: settings.rotation,
      // Its own metrics per stack: staging and production in one account and region must not set off each
      // other's alarms. For the default stack name this is the default namespace.
      metricsNamespace: this.stackName,
    });

    new CfnOutput(this, STACK_OUTPUTS.functionName, {
      description: 'The rotation function: invoke it with {"action":"status"} to see where each secret stands.',
      value: this.rotation.function.functionName,
    });
    new CfnOutput(this, 'ApiTokenSecretArn', {
      description: 'The secret to put the Prolific API token in.',
      value: this.rotation.apiTokenSecret.secretArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'The topic every alarm notifies.',
      value: this.rotation.alarmTopic.topicArn,
    });
    this.addOnCallOutputs();
    this.addSecretOutputs(settings.workspaces);
    const [firstWorkspace] = settings.workspaces;
    if (settings.exampleReceiver && firstWorkspace !== undefined) {
      this.exampleReceiver = this.addExampleReceiver(firstWorkspace);
    }
  }

  /** What on-call reaches for first: the queues that hold failed runs, the log group and the dashboard. */
  private addOnCallOutputs(): void {
    const { rotation } = this;
    new CfnOutput(this, 'FunctionDeadLetterQueueUrl', {
      description:
        'Failed scheduled invocations, each with its event and error: aws sqs receive-message --queue-url <this URL>.',
      value: rotation.functionDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', {
      description: 'Scheduled events EventBridge Scheduler could not deliver: aws sqs receive-message --queue-url <this URL>.',
      value: rotation.scheduleDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'LogGroupName', {
      description: "The function's log group; its saved Logs Insights queries are in the console under this stack's name.",
      value: rotation.logGroup.logGroupName,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard: secret ages, rotations, failures, heals, delivery health and the alarms.',
      value: rotation.dashboardUrl,
    });
  }

  /**
   * One output per workspace naming its secret while they are few enough to read; beyond that, none (they
   * would crowd out the stack's other outputs), and the targets' parameter path says where each secret is.
   */
  private addSecretOutputs(workspaces: readonly WorkspaceSetting[]): void {
    const listed = workspaces.length <= MAX_SECRET_OUTPUTS;
    new CfnOutput(this, 'TargetsParameterPath', {
      description:
        'The SSM parameters the function reads its workspaces from, each workspace with its secret ARN: ' +
        'aws ssm get-parameters-by-path --path <this path>' +
        (listed ? '.' : ` (more than ${MAX_SECRET_OUTPUTS} workspaces: no SecretArn output for each).`),
      value: this.rotation.targetsParameterPath,
    });
    if (!listed) return;
    for (const { workspaceId } of workspaces) {
      new CfnOutput(this, `SecretArn-${workspaceId}`, {
        description: `Webhook signing secret of Prolific workspace ${workspaceId} (receivers read its JSON key "value").`,
        value: this.rotation.secretFor(workspaceId).secretArn,
      });
    }
  }

  /** A receiver of one workspace (a subscription's target_url serves one), the first, with its URL as an output. */
  private addExampleReceiver({ workspaceId, format }: WorkspaceSetting): ExampleReceiver {
    const receiver = new ExampleReceiver(this, 'ExampleReceiver', { rotation: this.rotation, workspaceId, format });
    new CfnOutput(this, 'ExampleReceiverUrl', {
      description:
        `Example webhook receiver of workspace ${workspaceId}: point a Prolific webhook subscription's ` +
        'target_url at this URL. It answers 200 to deliveries that verify with the stored secret, 401 otherwise.',
      value: receiver.url.url,
    });
    return receiver;
  }

  /** An existing secret by complete ARN or by name, with its customer-managed key when it has one. */
  private importSecret(id: string, reference: string, encryptionKey: IKey | undefined): ISecret {
    if (encryptionKey === undefined) {
      return isSecretArn(reference) ? Secret.fromSecretCompleteArn(this, id, reference) : Secret.fromSecretNameV2(this, id, reference);
    }
    // By name, the ARN without its random suffix: grants then match exactly that secret's ARNs.
    return isSecretArn(reference)
      ? Secret.fromSecretAttributes(this, id, { secretCompleteArn: reference, encryptionKey })
      : Secret.fromSecretAttributes(this, id, {
          secretPartialArn: this.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: reference,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
          encryptionKey,
        });
  }
}

/**
 * A staleness threshold shorter than the rotation interval, refused naming the context keys (the construct would
 * refuse it too, naming its props).
 */
function checkStalenessSetting(settings: StackSettings): void {
  if (!settings.scheduleEnabled || settings.stalenessThresholdDays === undefined) return;
  checkStalenessThreshold(Duration.days(settings.stalenessThresholdDays), scheduleInterval(settings.schedule, 'Context key "schedule"'), {
    threshold: 'Context key "stalenessThresholdDays"',
    schedule: 'context key "schedule"',
  });
}
