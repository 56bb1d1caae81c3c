// The construct's props: what each one means, its limits and its default. This is their one description;
// docs/design.md points here.
import type { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { SecretFormat } from '../../lambda/contract/secret-formats.js';
import type { RotationMode } from './native-rotation.js';

/** One Prolific workspace whose webhook signing secret is rotated. */
export interface ProlificWorkspace {
  /**
   * The Prolific workspace id.
   *
   * 1 to 128 letters, digits, `-` or `_`; each workspace once.
   */
  readonly workspaceId: string;

  /**
   * An existing secret to adopt.
   *
   * Import it with its key (`Secret.fromSecretAttributes`) if it is encrypted with a customer-managed key, so
   * that the function is granted that key. It must be no other workspace's secret and not the token secret:
   * where the names are known at synthesis (imported by name or by complete ARN, either way round) the
   * construct refuses that; elsewhere the function refuses it at run time.
   *
   * @default - a new secret is created (kept on stack deletion)
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * A customer-managed KMS key for the secret the construct creates.
   *
   * Not allowed with `secret`.
   *
   * @default - the account's AWS managed key `aws/secretsmanager`
   */
  readonly encryptionKey?: IKey;

  /**
   * What the secret holds.
   *
   * `json` is `{"id", "value", "workspace_id", "rotated_at"}`, whose key `value` receivers read; `plain` is the
   * bare signing secret, for adopted secrets whose readers expect exactly that. The function refuses to write
   * JSON over an adopted plain value, so set `plain` for such a secret.
   *
   * @default 'json'
   */
  readonly format?: SecretFormat;
}

/** Props of `ProlificWebhookSecretRotation`. */
export interface ProlificWebhookSecretRotationProps {
  /**
   * The workspaces to rotate.
   *
   * At least one, each once; hundreds are fine (docs/operations.md, "Hundreds of workspaces", gives the
   * limits). Beyond what one invocation finishes (`concurrency` × 11), the schedules rotate them in batches,
   * one invocation each.
   */
  readonly workspaces: readonly ProlificWorkspace[];

  /**
   * The secret whose `SecretString` is the Prolific API token.
   *
   * The construct gives an adopted secret no resource policy.
   *
   * @default - a new secret holding a placeholder, whose resource policy lets only the function read it; put
   * the token in it before the first run
   */
  readonly apiTokenSecret?: secretsmanager.ISecret;

  /**
   * When to rotate: a recurring `rate(...)` or `cron(...)` expression, with its time zone.
   *
   * Refused: a one-time `at(...)`; anything more often than once an hour (`rate(30 minutes)`, a cron whose
   * minutes field is not a single number); a cron that breaks EventBridge's rule that exactly one of
   * day-of-month and day-of-week is `?`.
   *
   * @default ScheduleExpression.rate(Duration.days(30))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Whether the rotation schedule runs.
   *
   * When false the schedule is deployed disabled, and the daily heartbeat (a sync run) and the staleness alarm
   * are left out: rotation is then a manual job. The other alarms stay, since a run by hand reports the same
   * conditions.
   *
   * @default true
   */
  readonly scheduleEnabled?: boolean;

  /**
   * Who starts each rotation.
   *
   * `scheduler`: the construct's EventBridge Scheduler schedules, in batched runs. `secrets-manager`: Secrets
   * Manager's own rotation, an `AWS::SecretsManager::RotationSchedule` on each secret calling the function, so
   * "Rotate secret immediately" works and the console shows the last and next rotation dates. In that mode
   * `schedule` must be `rate(<n> days)`; each secret gets a UTC rotation window of its own (daily below 7 days,
   * weekly below 28, else every nearest whole number of months), none overlapping another or the daily
   * heartbeat (00:00 UTC), and every secret must be known by its complete ARN; `scheduleEnabled` must be true.
   * docs/operations.md, "Choosing the rotation mode", compares them.
   *
   * @default 'scheduler'
   */
  readonly rotation?: RotationMode;

  /**
   * How long each secret's rotation window is, with `rotation: 'secrets-manager'` (Secrets Manager rotates at
   * any time within it).
   *
   * Whole hours from 1 to 23. Each secret has a window of its own, so a longer window fits fewer secrets in a day.
   *
   * @default Duration.hours(1)
   */
  readonly rotationWindow?: Duration;

  /**
   * How long a workspace may go without a successful rotation before the staleness alarm fires.
   *
   * Positive, and no shorter than the interval of a `rate(...)` schedule (the alarm would fire before every
   * rotation); required when `schedule` is a `cron(...)` expression.
   *
   * @default - twice the interval of the `rate(...)` schedule
   */
  readonly stalenessThreshold?: Duration;

  /**
   * The topic every alarm notifies.
   *
   * A topic passed in keeps its own policy, which must let `cloudwatch.amazonaws.com` call `sns:Publish`
   * (and, if the topic is encrypted, its key policy must let CloudWatch use the key).
   *
   * @default - a new topic that only accepts TLS publishers, with a policy that lets this account's alarms publish
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * An e-mail address subscribed to the alarm topic; the recipient confirms the subscription.
   *
   * Must look like an e-mail address (checked when known at synthesis).
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * Base URL of the Prolific API.
   *
   * `https:` only, except `http:` on a loopback host for local runs; no credentials, query or fragment
   * (checked when known at synthesis).
   *
   * @default 'https://api.prolific.com'
   */
  readonly prolificApiBaseUrl?: string;

  /**
   * CloudWatch namespace of the metrics the function emits; the alarms and the dashboard read the same.
   *
   * @default 'ProlificWebhookSecretRotation'
   */
  readonly metricsNamespace?: string;

  /**
   * Service name in the function's logs and the `service` dimension of its metrics; the alarms and the
   * dashboard read the same.
   *
   * @default 'prolific-webhook-secret-rotation'
   */
  readonly serviceName?: string;

  /**
   * How long the function's log group keeps its logs.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Name of the CloudWatch dashboard.
   *
   * @default - generated by CloudFormation
   */
  readonly dashboardName?: string;

  /**
   * How many workspaces one invocation works on at once.
   *
   * A whole number from 1 to 50, known at synthesis. The function's timeout, and how many workspaces one
   * scheduled invocation is given, follow from it. More is faster, and asks more of Prolific at once (it
   * answers 429 under load, which the function retries within each workspace's budget). The default keeps the
   * writes of a run (about four `PutSecretValue` and `UpdateSecretVersionStage` calls a rotation) under
   * Secrets Manager's 50 a second for the account and Region.
   *
   * @default 10
   */
  readonly concurrency?: number;

  /**
   * Whether to deploy the function's shareable Lambda console test events.
   *
   * The events (status, sync, rotate, dry runs, filled in with the configured workspaces) are one schema in
   * the EventBridge schema registry `lambda-testevent-schemas`, which must exist in the account and Region
   * (the Lambda console creates it with the first shareable test event).
   *
   * @default false
   */
  readonly testEvents?: boolean;
}
