// The recorder of local/standins/call-recorder.ts, against the real stand-ins and the real SDK clients.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../../../local/standins/aws-json.js';
import { startCallRecorder, type CallRecorder } from '../../../local/standins/call-recorder.js';
import { startDynamoDbStandIn, type DynamoDbStandIn } from '../../../local/standins/dynamodb.js';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../../local/standins/eventbridge.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { startSsmStandIn, type SsmStandIn } from '../../../local/standins/ssm.js';

const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'stand-in-secret-access-key' });

describe('startCallRecorder', () => {
  let secretsManager: SecretsManagerStandIn;
  let eventBridge: EventBridgeStandIn;
  let ssm: SsmStandIn;
  let dynamoDb: DynamoDbStandIn;
  let recorder: CallRecorder;
  beforeAll(async () => {
    [secretsManager, eventBridge, ssm, dynamoDb] = await Promise.all([
      startSecretsManagerStandIn(),
      startEventBridgeStandIn(),
      startSsmStandIn(),
      startDynamoDbStandIn(),
    ]);
    recorder = startCallRecorder();
  });
  afterAll(async () => {
    recorder.stop();
    await Promise.all([secretsManager.close(), eventBridge.close(), ssm.close(), dynamoDb.close()]);
  });

  it('records who signed a Secrets Manager call, its action, its SecretId and its version condition keys', async () => {
    const { arn } = secretsManager.createSecret('recorded/secret', 'value');
    const reader = secretsManager.client({ credentials: credentials('AKIAREADER') });
    const writer = secretsManager.client({ credentials: credentials('AKIAWRITER') });
    await reader.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
    await writer.send(new PutSecretValueCommand({ SecretId: 'recorded/secret', SecretString: 'x' }));

    expect(recorder.calls.slice(-2)).toEqual([
      {
        accessKeyId: 'AKIAREADER',
        action: 'secretsmanager:GetSecretValue',
        resource: arn,
        conditionKeys: { 'secretsmanager:VersionStage': 'AWSCURRENT' },
      },
      { accessKeyId: 'AKIAWRITER', action: 'secretsmanager:PutSecretValue', resource: 'recorded/secret', conditionKeys: {} },
    ]);
  });

  it('records a PutEvents on the bus IAM authorizes, with one events:source per entry', async () => {
    await eventBridge.client({ credentials: credentials('AKIAEVENTS') }).send(
      new PutEventsCommand({
        Entries: [
          { Source: 'a.source', DetailType: 'A', Detail: '{}' },
          { Source: 'b.source', DetailType: 'B', Detail: '{}' },
        ],
      }),
    );

    expect(recorder.calls.at(-1)).toEqual({
      accessKeyId: 'AKIAEVENTS',
      action: 'events:PutEvents',
      resource: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
      conditionKeys: { 'events:source': ['a.source', 'b.source'], 'events:detail-type': ['A', 'B'] },
    });
  });

  it('records GetParametersByPath on the path, as a parameter ARN, with ssm:Recursive', async () => {
    const reader = ssm.client({ credentials: credentials('AKIATARGETS') });
    await reader.send(new GetParametersByPathCommand({ Path: '/stack/targets', Recursive: false }));

    expect(recorder.calls.at(-1)).toEqual({
      accessKeyId: 'AKIATARGETS',
      action: 'ssm:GetParametersByPath',
      resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/stack/targets',
      conditionKeys: { 'ssm:Recursive': 'false' },
    });
  });

  it('records a DynamoDB item operation (AWS JSON 1.0) on the ARN of the table it names', async () => {
    const client = new DynamoDBClient({ endpoint: dynamoDb.endpoint, region: REGION, credentials: credentials('AKIATABLE') });
    await client.send(new PutItemCommand({ TableName: 'idempotency', Item: { id: { S: 'key' } } }));
    client.destroy();

    expect(recorder.calls.at(-1)).toEqual({
      accessKeyId: 'AKIATABLE',
      action: 'dynamodb:PutItem',
      resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/idempotency',
      conditionKeys: {},
    });
  });

  it('records nothing once stopped', async () => {
    const other = startCallRecorder();
    other.stop();

    await secretsManager.client().send(new GetSecretValueCommand({ SecretId: 'recorded/secret' }));

    expect(other.calls).toEqual([]);
  });
});
