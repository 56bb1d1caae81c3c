// The DynamoDB stand-in of local/standins/dynamodb.ts, through the real SDK client: the item operations
// Powertools' idempotency persistence makes, with the conditions it writes.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION, TEST_CREDENTIALS } from '../../../local/standins/aws-json.js';
import { startDynamoDbStandIn, type DynamoDbStandIn } from '../../../local/standins/dynamodb.js';

const TABLE = 'idempotency';
// Powertools' condition: no record yet, or one whose expiry has passed.
const NEW_OR_EXPIRED = {
  ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now',
  ExpressionAttributeNames: { '#id': 'id', '#expiry': 'expiration' },
};
const record = (id: string, expiration: number, status = 'INPROGRESS') => ({
  id: { S: id },
  expiration: { N: String(expiration) },
  status: { S: status },
});

describe('startDynamoDbStandIn', () => {
  let standIn: DynamoDbStandIn;
  let client: DynamoDBClient;
  beforeAll(async () => {
    standIn = await startDynamoDbStandIn();
    client = new DynamoDBClient({ endpoint: standIn.endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });
  const putNew = (id: string, expiration: number, now: number) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: record(id, expiration),
        ...NEW_OR_EXPIRED,
        ExpressionAttributeValues: { ':now': { N: String(now) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  const get = async (id: string) => (await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } } }))).Item;

  it('puts an item whose condition holds, and reads it back by its key', async () => {
    await putNew('first', 2000, 1000);

    expect(await get('first')).toEqual(record('first', 2000));
  });

  it('refuses a put whose condition fails, returning the item it kept (ALL_OLD)', async () => {
    await putNew('kept', 2000, 1000);

    const refused = putNew('kept', 3000, 1500);

    await expect(refused).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(refused).rejects.toMatchObject({ Item: record('kept', 2000) });
    expect(await get('kept')).toEqual(record('kept', 2000));
  });

  it('replaces an item once its condition holds again (an expired record)', async () => {
    await putNew('expired', 2000, 1000);

    await putNew('expired', 4000, 3000);

    expect(await get('expired')).toEqual(record('expired', 4000));
  });

  it('sets attributes with UpdateItem, through names and values', async () => {
    await putNew('updated', 2000, 1000);

    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { id: { S: 'updated' } },
        UpdateExpression: 'SET #status = :status, #data = :data',
        ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
        ExpressionAttributeValues: { ':status': { S: 'COMPLETED' }, ':data': { S: '{"received":"event-1"}' } },
      }),
    );

    expect(await get('updated')).toEqual({ ...record('updated', 2000, 'COMPLETED'), data: { S: '{"received":"event-1"}' } });
  });

  it('deletes an item, after which it reads nothing and a conditional put succeeds', async () => {
    await putNew('deleted', 2000, 1000);

    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: 'deleted' } } }));

    expect(await get('deleted')).toBeUndefined();
    await putNew('deleted', 2000, 1000);
    expect(standIn.items(TABLE).map(({ id }) => id)).toContainEqual({ S: 'deleted' });
  });

  it('keeps each table apart', async () => {
    await putNew('shared-key', 2000, 1000);

    await client.send(new PutItemCommand({ TableName: 'other', Item: record('shared-key', 1) }));

    expect(standIn.items('other')).toEqual([record('shared-key', 1)]);
    expect(await get('shared-key')).toEqual(record('shared-key', 2000));
  });
});
