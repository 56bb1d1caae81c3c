import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EXAMPLE_RECEIVER_ENVIRONMENT } from '../../lambda/contract/environment.js';
import type { SecretFormat } from '../../lambda/contract/secret-formats.js';
import { acknowledgeNoDeadLetterQueueOrTracing, createBundledFunction } from '../construct/bundled-function.js';
import type { ProlificWebhookSecretRotation } from '../construct/prolific-webhook-secret-rotation.js';
import { secretIdOf } from '../construct/workspace-secrets.js';

// A flood of deliveries (or of forgeries) runs at most this many at once; the rest are throttled (429),
// which Prolific retries.
const RESERVED_CONCURRENCY = 10;

export interface ExampleReceiverProps {
  /** The construct that keeps the workspace's secret. */
  readonly rotation: ProlificWebhookSecretRotation;
  /**
   * The workspace whose deliveries it verifies. One: a subscription belongs to one workspace and signs
   * with that workspace's secret, so a receiver URL serves one workspace.
   */
  readonly workspaceId: string;
  /** What the workspace's secret holds. @default 'json' */
  readonly format?: SecretFormat;
}

/**
 * A webhook receiver for one workspace, behind a public Function URL: it answers 200 with the event id of
 * a delivery that verifies with the workspace's secret (across rotations), 401 otherwise.
 */
export class ExampleReceiver extends Construct {
  public readonly function: NodejsFunction;
  public readonly url: lambda.FunctionUrl;
  /** Where the receiver records the deliveries it processed (Powertools Idempotency), keyed on their replay key. */
  public readonly idempotencyTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ExampleReceiverProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Example webhook receiver: its log group, idempotency table and the signing secret of workspace ${props.workspaceId}.`,
    });
    logGroup.grantWrite(role);
    this.idempotencyTable = createIdempotencyTable(this);
    // The four calls Powertools' persistence makes, on this table only.
    this.idempotencyTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    this.function = createBundledFunction(this, 'Function', 'example-receiver', {
      memorySize: 256,
      // A cold start reads the secret (DescribeSecret and one GetSecretValue per label) before it answers.
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        [EXAMPLE_RECEIVER_ENVIRONMENT.secretId]: secretIdOf(props.rotation.secretFor(props.workspaceId)),
        [EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat]: props.format ?? 'json',
        [EXAMPLE_RECEIVER_ENVIRONMENT.idempotencyTable]: this.idempotencyTable.tableName,
      },
      reservedConcurrentExecutions: RESERVED_CONCURRENCY,
      description: `Example Prolific webhook receiver of workspace ${props.workspaceId}: verifies each delivery's signature.`,
    });
    props.rotation.grantReadFor(props.workspaceId, this.function);
    // Prolific cannot sign AWS requests: the delivery's signature, checked by the function, is the authentication.
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    acknowledgeReceiverFindings(this.function);
  }
}

/**
 * Powertools Idempotency's table (its default attribute names): one item per delivery processed, deleted by
 * TTL after its expiry. It exists with the example only, and holds no secret: replay keys and results.
 */
function createIdempotencyTable(scope: Construct): dynamodb.Table {
  return new dynamodb.Table(scope, 'Idempotency', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Records of deliveries already processed, worth nothing once the example is removed.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

function acknowledgeReceiverFindings(fn: NodejsFunction): void {
  acknowledgeNoDeadLetterQueueOrTracing(fn, {
    noDeadLetterQueue:
      'Invoked synchronously through its Function URL only: a failed delivery is answered with an error, ' +
      'and Prolific retries it; there is no asynchronous invocation whose event a DLQ could keep.',
    noTracing:
      'An example receiver that makes one Secrets Manager call per cache period: its log lines show each ' +
      "delivery's event id and outcome, and X-Ray would add a wildcard-resource policy to its role.",
  });
}
