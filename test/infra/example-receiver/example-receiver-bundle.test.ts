// The example webhook receiver's bundle, as esbuild makes it at synthesis, run as Lambda runs it against the
// Secrets Manager stand-in (the kit itself is tested in test/lambda). Slow (a synthesis with bundling), so
// it runs with `npm run reliability`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDelivery } from '../../../lambda/receiver-kit/index.js';
import { startDynamoDbStandIn, type DynamoDbStandIn } from '../../../local/standins/dynamodb.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { copyBundle, invokeBundle } from '../../support/bundle.js';
import { buildStack, testApp } from '../../support/synth.js';

// The handler as esbuild bundles it, imported where no node_modules can help it and run as Lambda runs it.
describe('the bundled example receiver', () => {
  const NOW_SECONDS = String(Math.floor(Date.now() / 1000));
  const BODY = '{"event_type":"study.status.change","resource_id":"abc"}';
  const VALUE = 'current-signing-secret';
  let bundleDirectory: string;
  let secretsManager: SecretsManagerStandIn;
  let dynamoDb: DynamoDbStandIn;
  let secretArn: string;
  const outputs: string[] = [];

  beforeAll(async () => {
    const app = testApp({
      workspaces: 'ws-a',
      exampleReceiver: 'true',
      'aws:cdk:bundling-stacks': ['**'],
      'aws:cdk:enable-asset-metadata': true,
    });
    const stack = buildStack(app);
    const assembly = app.synth();
    const receiver = stack.node.findChild('ExampleReceiver').node.findChild('Function').node.defaultChild as never;
    const { Resources: resources } = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Metadata: Record<string, string> }>;
    };
    const assetPath = resources[stack.getLogicalId(receiver)]?.Metadata['aws:asset:path'] ?? '';
    bundleDirectory = copyBundle(join(assembly.directory, assetPath), 'example-receiver-');
    rmSync(assembly.directory, { recursive: true, force: true });
    secretsManager = await startSecretsManagerStandIn();
    dynamoDb = await startDynamoDbStandIn();
    const stored = { id: 's1', value: VALUE, workspace_id: 'ws-a', rotated_at: new Date().toISOString() };
    secretArn = secretsManager.createSecret('prolific/ws-a', JSON.stringify(stored)).arn;
  });

  afterAll(async () => {
    // Unset when the set-up failed before starting it, which the declared type cannot say.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    await secretsManager?.close();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
    await dynamoDb?.close();
    if (bundleDirectory) rmSync(bundleDirectory, { recursive: true, force: true });
  });

  /** A Function URL event (payload 2.0: lower-case headers) delivered to the bundle; its response. */
  async function deliver(headers: Record<string, string>): Promise<{ statusCode: number; body: string } | undefined> {
    const event = { headers: { 'content-type': 'application/json', ...headers }, body: BODY, isBase64Encoded: false };
    const { result, error, output } = await invokeBundle<{ statusCode: number; body: string }>(bundleDirectory, event, {
      ...dynamoDb.env(),
      ...secretsManager.env(),
      PROLIFIC_SECRET_ID: secretArn,
      PROLIFIC_SECRET_FORMAT: 'json',
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
    });
    outputs.push(output);
    expect(error).toBeUndefined();
    return result;
  }

  it('answers a delivery signed with the stored secret 200, with its event id, and logs which key matched', async () => {
    const response = await deliver({
      'x-prolific-request-signature': signDelivery(VALUE, NOW_SECONDS, BODY),
      'x-prolific-request-timestamp': NOW_SECONDS,
      'x-event-id': 'event-1',
    });

    expect(response).toMatchObject({ statusCode: 200, body: '{"received":"event-1"}' });
    expect(outputs.at(-1)).toMatch(/"event_id":"event-1".*"matched":"AWSCURRENT"|"matched":"AWSCURRENT".*"event_id":"event-1"/);
  });

  it('processes a copy under another event id, reaching another execution environment, once: it answers the first result', async () => {
    const headers = {
      'x-prolific-request-signature': signDelivery(VALUE, NOW_SECONDS, BODY.replace('abc', 'copied')),
      'x-prolific-request-timestamp': NOW_SECONDS,
    };
    const deliverCopy = async (eventId: string) => {
      const event = { headers: { ...headers, 'x-event-id': eventId }, body: BODY.replace('abc', 'copied'), isBase64Encoded: false };
      const { result, output } = await invokeBundle<{ statusCode: number; body: string }>(bundleDirectory, event, {
        ...dynamoDb.env(),
        ...secretsManager.env(),
        PROLIFIC_SECRET_ID: secretArn,
        IDEMPOTENCY_TABLE_NAME: 'idempotency',
      });
      outputs.push(output);
      return { result, processed: output.includes('Delivery verified') };
    };

    const first = await deliverCopy('event-10');
    const copy = await deliverCopy('event-11');

    expect(first).toMatchObject({ result: { statusCode: 200, body: '{"received":"event-10"}' }, processed: true });
    expect(copy).toMatchObject({ result: { statusCode: 200, body: '{"received":"event-10"}' }, processed: false });
    // One completed record per distinct delivery: the first test's and this one's.
    expect(dynamoDb.items('idempotency').map((item) => item.status)).toEqual([{ S: 'COMPLETED' }, { S: 'COMPLETED' }]);
  });

  it('answers a delivery signed with another secret 401', async () => {
    const response = await deliver({
      'x-prolific-request-signature': signDelivery('another-secret', NOW_SECONDS, BODY),
      'x-prolific-request-timestamp': NOW_SECONDS,
      'x-event-id': 'event-2',
    });

    expect(response).toMatchObject({ statusCode: 401 });
  });

  it('never prints the secret value', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(VALUE);
  });
});
