import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import type { RotationStepEvent, SecretsManagerFault, SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { defined } from '../../support/defined.js';
import { rejectionOf } from '../../support/errors.js';

const ARN_PATTERN = /^arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook\/ws-1-[A-Za-z0-9]{6}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  // One attempt: an error reaches the test as the stand-in sent it. Retry tests ask for their own client.
  client = standIn.client({ maxAttempts: 1 });
});

afterEach(async () => {
  await standIn.close();
});

/** Stages of every version, oldest first, as the stand-in stores them. */
const stagesById = (secretId: string) =>
  Object.fromEntries(standIn.versions(secretId).map((version) => [version.versionId, version.stages]));

/** Sends a hand-made request, for what the SDK never sends (unknown operations, broken JSON, no signature). */
async function rawRequest(target: string, body: string, headers: Record<string, string> = { authorization: 'AWS4-HMAC-SHA256 stand-in' }) {
  const response = await fetch(standIn.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body,
  });
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: await response.json() };
}

describe('CreateSecret and DescribeSecret', () => {
  it('creates a secret whose first value is AWSCURRENT, and describes it', async () => {
    // Act
    const created = await client.send(new CreateSecretCommand({
      Name: 'webhook/ws-1', SecretString: '{"value":"s1"}', Description: 'signing secret', KmsKeyId: 'alias/rotation',
    }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'webhook/ws-1' }));

    // Assess
    expect(created.ARN).toMatch(ARN_PATTERN);
    expect(created.VersionId).toMatch(UUID_PATTERN);
    expect(described).toMatchObject({
      ARN: created.ARN, Name: 'webhook/ws-1', Description: 'signing secret', KmsKeyId: 'alias/rotation',
      VersionIdsToStages: { [defined(created.VersionId)]: ['AWSCURRENT'] },
    });
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
  });

  it('creates a secret without a value as a secret without versions', async () => {
    // Act
    const created = await client.send(new CreateSecretCommand({ Name: 'webhook/ws-1' }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'webhook/ws-1' }));

    // Assess
    expect(created.VersionId).toBeUndefined();
    expect(described.VersionIdsToStages).toEqual({});
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
  });

  it('refuses a second secret with the same name', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'first');

    // Act
    const creating = client.send(new CreateSecretCommand({ Name: 'webhook/ws-1', SecretString: 'second' }));

    // Assess
    await expect(creating).rejects.toMatchObject({ name: 'ResourceExistsException' });
    expect(standIn.versions('webhook/ws-1').map((version) => version.secretString)).toEqual(['first']);
  });
});

describe('finding a secret', () => {
  it.each([
    ['its name', (arn: string) => defined(arn.split(':secret:')[1]).slice(0, -7)],
    ['its full ARN', (arn: string) => arn],
    ['its partial ARN (without the random suffix)', (arn: string) => arn.slice(0, -7)],
  ])('finds a secret by %s', async (_how, secretIdFrom) => {
    // Prepare
    const { arn } = standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    const value = await client.send(new GetSecretValueCommand({ SecretId: secretIdFrom(arn) }));

    // Assess
    expect(value).toMatchObject({ ARN: arn, Name: 'webhook/ws-1', SecretString: 'v1' });
  });

  it.each([
    ['an unknown name', 'webhook/ws-2'],
    ['an ARN with the wrong suffix', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook/ws-1-AAAAAA'],
  ])('answers ResourceNotFoundException for %s', async (_what, secretId) => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    const describing = client.send(new DescribeSecretCommand({ SecretId: secretId }));

    // Assess
    await expect(describing).rejects.toMatchObject({
      name: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret.", $fault: 'client',
    });
  });
});

describe('GetSecretValue', () => {
  async function secretWithTwoVersions() {
    const first = standIn.createSecret('webhook/ws-1', 'v1');
    const second = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v2' }));
    return { firstVersionId: defined(first.versionId), secondVersionId: defined(second.VersionId) };
  }

  it('reads AWSCURRENT by default, and another version by stage or by id', async () => {
    // Prepare
    const { firstVersionId, secondVersionId } = await secretWithTwoVersions();

    // Act
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));
    const previous = await client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1', VersionStage: 'AWSPREVIOUS' }));
    const byId = await client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1', VersionId: firstVersionId }));
    const byBoth = await client.send(new GetSecretValueCommand({
      SecretId: 'webhook/ws-1', VersionId: secondVersionId, VersionStage: 'AWSCURRENT',
    }));

    // Assess
    expect(current).toMatchObject({ VersionId: secondVersionId, SecretString: 'v2', VersionStages: ['AWSCURRENT'] });
    expect(current.CreatedDate).toBeInstanceOf(Date);
    expect(previous).toMatchObject({ VersionId: firstVersionId, SecretString: 'v1', VersionStages: ['AWSPREVIOUS'] });
    expect(byId.SecretString).toBe('v1');
    expect(byBoth.SecretString).toBe('v2');
  });

  it.each<[string, (ids: { firstVersionId: string }) => GetSecretValueCommandInput, string]>([
    ['a stage no version carries', () => ({ SecretId: 'webhook/ws-1', VersionStage: 'AWSPENDING' }),
      "Secrets Manager can't find the specified secret value for staging label: AWSPENDING"],
    ['an unknown version id', () => ({ SecretId: 'webhook/ws-1', VersionId: 'no-such-version' }),
      "Secrets Manager can't find the specified secret value for VersionId: no-such-version"],
    ['a version id and a stage that name different versions',
      ({ firstVersionId }) => ({ SecretId: 'webhook/ws-1', VersionId: firstVersionId, VersionStage: 'AWSCURRENT' }),
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"],
  ])('answers ResourceNotFoundException for %s', async (_what, inputFor, message) => {
    // Prepare
    const ids = await secretWithTwoVersions();

    // Act
    const reading = client.send(new GetSecretValueCommand(inputFor(ids)));

    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'ResourceNotFoundException', message });
  });
});

describe('PutSecretValue', () => {
  it('moves AWSCURRENT to the new version and AWSPREVIOUS to the version that had AWSCURRENT', async () => {
    // Prepare
    const first = standIn.createSecret('webhook/ws-1', 'v1');
    const second = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v2' }));

    // Act
    const third = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v3' }));

    // Assess
    expect(third).toMatchObject({ Name: 'webhook/ws-1', VersionStages: ['AWSCURRENT'] });
    expect(stagesById('webhook/ws-1')).toEqual({
      [defined(first.versionId)]: [], [defined(second.VersionId)]: ['AWSPREVIOUS'], [defined(third.VersionId)]: ['AWSCURRENT'],
    });
  });

  it('attaches only the requested stages, leaving AWSCURRENT where it is', async () => {
    // Prepare
    const first = standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    const pending = await client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v2', VersionStages: ['AWSPENDING'],
    }));

    // Assess
    expect(pending.VersionStages).toEqual(['AWSPENDING']);
    expect(stagesById('webhook/ws-1')).toEqual({
      [defined(first.versionId)]: ['AWSCURRENT'],
      [defined(pending.VersionId)]: ['AWSPENDING'],
    });
  });

  it('makes the first version of a secret AWSCURRENT whatever stages were asked for', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1');

    // Act
    const put = await client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v1', VersionStages: ['AWSPENDING'],
    }));

    // Assess
    expect(put.VersionStages).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(standIn.valueAt('webhook/ws-1')).toBe('v1');
  });

  it('uses the ClientRequestToken the SDK fills in as the VersionId', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v2' }));

    // Assess
    expect(put.VersionId).toMatch(UUID_PATTERN);
    expect(standIn.calls.at(-1)).toMatchObject({ operation: 'PutSecretValue', clientRequestToken: put.VersionId });
  });

  it('succeeds without change when a token is reused with the same value', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');
    const token = 'a1b2c3d4-5678-90ab-cdef-000000000001';
    await client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v2', ClientRequestToken: token, VersionStages: ['AWSPENDING'],
    }));
    const before = standIn.versions('webhook/ws-1');

    // Act
    const again = await client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v2', ClientRequestToken: token, VersionStages: ['AWSCURRENT'],
    }));

    // Assess
    expect(again).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
    expect(standIn.versions('webhook/ws-1')).toEqual(before);
  });

  it('refuses to reuse a token with a different value', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');
    const token = 'a1b2c3d4-5678-90ab-cdef-000000000001';
    await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v2', ClientRequestToken: token }));
    const before = standIn.versions('webhook/ws-1');

    // Act
    const reusing = client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v3', ClientRequestToken: token,
    }));

    // Assess
    const failure = await rejectionOf(reusing);
    expect(failure.name).toBe('ResourceExistsException');
    expect(failure.message).not.toContain('v3');
    expect(standIn.versions('webhook/ws-1')).toEqual(before);
  });
});

describe('UpdateSecretVersionStage', () => {
  async function secretWithPendingVersion() {
    const current = standIn.createSecret('webhook/ws-1', 'v1');
    const pending = await client.send(new PutSecretValueCommand({
      SecretId: 'webhook/ws-1', SecretString: 'v2', VersionStages: ['AWSPENDING'],
    }));
    return { currentVersionId: defined(current.versionId), pendingVersionId: defined(pending.VersionId) };
  }

  it('moves AWSCURRENT and gives the version that had it AWSPREVIOUS', async () => {
    // Prepare
    const { currentVersionId, pendingVersionId } = await secretWithPendingVersion();

    // Act
    const moved = await client.send(new UpdateSecretVersionStageCommand({
      SecretId: 'webhook/ws-1', VersionStage: 'AWSCURRENT',
      MoveToVersionId: pendingVersionId, RemoveFromVersionId: currentVersionId,
    }));

    // Assess
    expect(moved.Name).toBe('webhook/ws-1');
    expect(moved.ARN).toMatch(ARN_PATTERN);
    expect(stagesById('webhook/ws-1')).toEqual({
      [currentVersionId]: ['AWSPREVIOUS'], [pendingVersionId]: ['AWSPENDING', 'AWSCURRENT'],
    });
  });

  it.each<[string, (pendingVersionId: string) => string | undefined, string]>([
    ['without RemoveFromVersionId', () => undefined, "The parameter RemoveFromVersionId can't be empty."],
    ['with a RemoveFromVersionId that does not hold the label', (pendingVersionId) => pendingVersionId, 'not to version'],
  ])('refuses to move a label attached elsewhere %s', async (_how, removeFromFor, messagePart) => {
    // Prepare
    const { currentVersionId, pendingVersionId } = await secretWithPendingVersion();
    const before = standIn.versions('webhook/ws-1');

    // Act
    const moving = client.send(new UpdateSecretVersionStageCommand({
      SecretId: 'webhook/ws-1', VersionStage: 'AWSCURRENT', MoveToVersionId: pendingVersionId,
      RemoveFromVersionId: removeFromFor(pendingVersionId),
    }));

    // Assess
    const failure = await rejectionOf(moving);
    expect(failure.name).toBe('InvalidParameterException');
    expect(failure.message).toContain(`Staging label AWSCURRENT is currently attached to version ${currentVersionId}`);
    expect(failure.message).toContain(messagePart);
    expect(standIn.versions('webhook/ws-1')).toEqual(before);
  });

  it('detaches a label when only RemoveFromVersionId is given', async () => {
    // Prepare
    const { currentVersionId, pendingVersionId } = await secretWithPendingVersion();

    // Act
    await client.send(new UpdateSecretVersionStageCommand({
      SecretId: 'webhook/ws-1', VersionStage: 'AWSPENDING', RemoveFromVersionId: pendingVersionId,
    }));

    // Assess
    expect(stagesById('webhook/ws-1')).toEqual({ [currentVersionId]: ['AWSCURRENT'], [pendingVersionId]: [] });
  });

  it('succeeds without change when the label is already on the target version', async () => {
    // Prepare
    const { currentVersionId } = await secretWithPendingVersion();
    const before = standIn.versions('webhook/ws-1');

    // Act
    await client.send(new UpdateSecretVersionStageCommand({
      SecretId: 'webhook/ws-1', VersionStage: 'AWSCURRENT', MoveToVersionId: currentVersionId,
    }));

    // Assess
    expect(standIn.versions('webhook/ws-1')).toEqual(before);
  });

  it('answers ResourceNotFoundException for an unknown MoveToVersionId', async () => {
    // Prepare
    const { currentVersionId } = await secretWithPendingVersion();

    // Act
    const moving = client.send(new UpdateSecretVersionStageCommand({
      SecretId: 'webhook/ws-1', VersionStage: 'AWSCURRENT', MoveToVersionId: 'no-such-version', RemoveFromVersionId: currentVersionId,
    }));

    // Assess
    const failure = await rejectionOf(moving);
    expect(failure.name).toBe('ResourceNotFoundException');
    expect(failure.message).toContain('no-such-version');
  });
});

describe('ListSecretVersionIds', () => {
  it('lists versions without labels only when IncludeDeprecated is set', async () => {
    // Prepare
    const first = standIn.createSecret('webhook/ws-1', 'v1');
    const second = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v2' }));
    const third = await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: 'v3' }));

    // Act
    const labelled = await client.send(new ListSecretVersionIdsCommand({ SecretId: 'webhook/ws-1' }));
    const all = await client.send(new ListSecretVersionIdsCommand({ SecretId: 'webhook/ws-1', IncludeDeprecated: true }));

    // Assess
    expect(labelled.Name).toBe('webhook/ws-1');
    expect(labelled.Versions?.map((version) => [version.VersionId, version.VersionStages])).toEqual([
      [second.VersionId, ['AWSPREVIOUS']], [third.VersionId, ['AWSCURRENT']],
    ]);
    expect(all.Versions?.map((version) => version.VersionId)).toEqual([first.versionId, second.VersionId, third.VersionId]);
    expect(all.Versions?.[0]?.CreatedDate).toBeInstanceOf(Date);
  });
});

describe('protocol errors', () => {
  it('answers ValidationException naming a missing required parameter', async () => {
    // Act
    const reading = client.send(new GetSecretValueCommand({} as GetSecretValueCommandInput));

    // Assess
    const failure = await rejectionOf(reading);
    expect(failure.name).toBe('ValidationException');
    expect(failure.message).toContain("Value null at 'secretId'");
  });

  it.each([
    ['an unknown operation', 'secretsmanager.DeleteSecret', '{}', undefined, 400, 'UnknownOperationException'],
    ['a malformed JSON body', 'secretsmanager.GetSecretValue', '{"SecretId": ', undefined, 400, 'SerializationException'],
    ['a request without an Authorization header', 'secretsmanager.GetSecretValue', '{}', {}, 403, 'MissingAuthenticationToken'],
  ])('answers %s with the error type in the body and the header', async (_what, target, body, headers, status, type) => {
    // Act
    const response = await rawRequest(target, body, headers);

    // Assess
    expect(response).toMatchObject({ status, errorType: type, body: { __type: type } });
    expect(typeof (response.body as { message?: unknown }).message).toBe('string');
  });
});

describe('faults', () => {
  beforeEach(() => {
    standIn.createSecret('webhook/ws-1', 'v1');
  });

  it.each<[SecretsManagerFault['error'], string, number]>([
    ['ThrottlingException', 'ThrottlingException', 400],
    ['InternalServiceError', 'InternalServiceError', 500],
    ['AccessDeniedException', 'AccessDeniedException', 400],
    ['ResourceNotFoundException', 'ResourceNotFoundException', 400],
    ['DecryptionFailure', 'DecryptionFailure', 400],
    ['EncryptionFailure', 'EncryptionFailure', 400],
    ['KMSAccessDeniedException', 'KMSAccessDeniedException', 400],
    [{ type: 'LimitExceededException', status: 400, message: 'Too many versions' }, 'LimitExceededException', 400],
  ])('fails a call with %j', async (error, name, status) => {
    // Prepare
    standIn.injectFault({ operation: 'GetSecretValue', error });

    // Act
    const reading = client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));

    // Assess
    await expect(reading).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(standIn.calls.map((call) => call.outcome)).toEqual([name]);
  });

  it('lets afterCalls matching calls through, fails the next `times`, then succeeds again, changing nothing when failing', async () => {
    // Prepare
    standIn.injectFault({ operation: 'PutSecretValue', error: 'EncryptionFailure', afterCalls: 1, times: 1 });
    const put = (value: string) => client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-1', SecretString: value }));

    // Act
    await put('v2');
    const failing = put('v3');
    await expect(failing).rejects.toMatchObject({ name: 'EncryptionFailure' });
    const valueAfterFailure = standIn.valueAt('webhook/ws-1');
    await put('v4');

    // Assess
    expect(valueAfterFailure).toBe('v2');
    expect(standIn.versions('webhook/ws-1').map((version) => version.secretString)).toEqual(['v1', 'v2', 'v4']);
    expect(standIn.calls.map((call) => call.outcome)).toEqual(['ok', 'EncryptionFailure', 'ok']);
  });

  it('fails only calls about the named secret, however the call names it', async () => {
    // Prepare
    const { arn } = standIn.createSecret('webhook/ws-2', 'other');
    standIn.injectFault({ operation: '*', error: 'AccessDeniedException', secretId: arn, times: Infinity });

    // Act
    const byName = await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: 'webhook/ws-2' })));
    const byPartialArn = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) })));
    const otherSecret = await client.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));

    // Assess
    expect(byName).toMatchObject({ name: 'AccessDeniedException' });
    expect(byPartialArn).toMatchObject({ name: 'AccessDeniedException' });
    expect(otherSecret.SecretString).toBe('v1');
  });

  it('stops failing after clearFaults()', async () => {
    // Prepare
    standIn.injectFault({ operation: '*', error: 'InternalServiceError', times: Infinity });
    await expect(client.send(new DescribeSecretCommand({ SecretId: 'webhook/ws-1' }))).rejects.toMatchObject({
      name: 'InternalServiceError',
    });

    // Act
    standIn.clearFaults();
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'webhook/ws-1' }));

    // Assess
    expect(described.Name).toBe('webhook/ws-1');
  });

  describe('with the SDK default retry strategy', () => {
    it('retries a ThrottlingException and succeeds', async () => {
      // Prepare: throttling backs off up to 1 s per retry (SDK retry config 2026), so allow exactly one retry.
      standIn.injectFault({ operation: 'GetSecretValue', error: 'ThrottlingException', times: 1 });
      const retryingClient = standIn.client({ maxAttempts: 2 });

      // Act
      const value = await retryingClient.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));

      // Assess
      expect(value.SecretString).toBe('v1');
      expect(value.$metadata.attempts).toBe(2);
      expect(standIn.calls.map((call) => call.outcome)).toEqual(['ThrottlingException', 'ok']);
    });

    it('retries an InternalServiceError (HTTP 500) and succeeds', async () => {
      // Prepare
      standIn.injectFault({ operation: 'GetSecretValue', error: 'InternalServiceError', times: 1 });
      const retryingClient = standIn.client({ maxAttempts: 2 });

      // Act
      const value = await retryingClient.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));

      // Assess
      expect(value.$metadata.attempts).toBe(2);
      expect(standIn.calls.map((call) => call.outcome)).toEqual(['InternalServiceError', 'ok']);
    });

    it('does not retry an AccessDeniedException', async () => {
      // Prepare
      standIn.injectFault({ operation: 'GetSecretValue', error: 'AccessDeniedException', times: Infinity });
      const retryingClient = standIn.client();

      // Act
      const reading = retryingClient.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));

      // Assess
      await expect(reading).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { attempts: 1 } });
      expect(standIn.calls).toHaveLength(1);
    });
  });

  it('holds a hanging request until close(), which still resolves', async () => {
    // Prepare: a client the stand-in did not hand out, so only the server side can end the request.
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = standIn.env();
    const ownClient = new SecretsManagerClient({
      region: standIn.region, endpoint: standIn.endpoint, maxAttempts: 1,
      credentials: { accessKeyId: defined(AWS_ACCESS_KEY_ID), secretAccessKey: defined(AWS_SECRET_ACCESS_KEY) },
    });
    standIn.injectFault({ operation: 'GetSecretValue', error: 'hang' });
    const outcome = ownClient.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }))
      .then(() => 'answered', () => 'failed');
    await standIn.waitForCalls(1);

    // Act
    await standIn.close();

    // Assess
    expect(await outcome).toBe('failed');
    expect(standIn.calls).toEqual([{ operation: 'GetSecretValue', secretId: 'webhook/ws-1', outcome: 'hang' }]);
    ownClient.destroy();
  });
});

describe('env()', () => {
  /** Runs with exactly these AWS variables set (and no profile or generic endpoint), then restores process.env. */
  async function withAwsEnvironment<T>(variables: Record<string, string>, run: () => Promise<T>): Promise<T> {
    for (const name of ['AWS_PROFILE', 'AWS_ENDPOINT_URL']) vi.stubEnv(name, undefined);
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
    try {
      return await run();
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('lets a client built from the environment alone reach the stand-in', async () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    const value = await withAwsEnvironment(standIn.env(), async () => {
      const ownClient = new SecretsManagerClient({});
      try {
        return await ownClient.send(new GetSecretValueCommand({ SecretId: 'webhook/ws-1' }));
      } finally {
        ownClient.destroy();
      }
    });

    // Assess
    expect(value.SecretString).toBe('v1');
    expect(standIn.calls).toHaveLength(1);
    expect(standIn.env()).toMatchObject({ AWS_ENDPOINT_URL_SECRETS_MANAGER: standIn.endpoint, AWS_REGION: 'us-east-1' });
  });
});

describe('direct access for tests', () => {
  it('seeds secrets and reports versions, values by stage, and every value ever stored', async () => {
    // Prepare
    const seeded = standIn.createSecret('webhook/ws-1', 'v1');
    standIn.createSecret('webhook/ws-2');
    await client.send(new PutSecretValueCommand({ SecretId: seeded.arn, SecretString: 'v2' }));
    await client.send(new PutSecretValueCommand({ SecretId: 'webhook/ws-2', SecretString: 'w1' }));

    // Act
    const versions = standIn.versions(seeded.arn);

    // Assess
    expect(seeded.arn).toMatch(ARN_PATTERN);
    expect(versions.map((version) => [version.secretString, version.stages])).toEqual([['v1', ['AWSPREVIOUS']], ['v2', ['AWSCURRENT']]]);
    expect(versions[0]?.createdAt).toBeInstanceOf(Date);
    expect(standIn.valueAt('webhook/ws-1')).toBe('v2');
    expect(standIn.valueAt('webhook/ws-1', 'AWSPREVIOUS')).toBe('v1');
    expect(standIn.valueAt('webhook/ws-1', 'AWSPENDING')).toBeUndefined();
    expect(standIn.storedValues().sort()).toEqual(['v1', 'v2', 'w1']);
    expect(() => standIn.versions('webhook/ws-3')).toThrow(/can't find the specified secret/);
  });

  it('hands out copies, so a test cannot change stored state by accident', () => {
    // Prepare
    standIn.createSecret('webhook/ws-1', 'v1');

    // Act
    standIn.versions('webhook/ws-1')[0]?.stages.push('AWSPENDING');

    // Assess
    expect(standIn.versions('webhook/ws-1')[0]?.stages).toEqual(['AWSCURRENT']);
  });
});

describe('RotateSecret with a rotation function, as Secrets Manager runs a rotation', () => {
  const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotation';
  let rotating: SecretsManagerStandIn;
  let invocations: RotationStepEvent[];
  let failAt: string | undefined;

  beforeEach(async () => {
    invocations = [];
    failAt = undefined;
    rotating = await startSecretsManagerStandIn({
      rotationFunction: (functionArn, event) => {
        expect(functionArn).toBe(FUNCTION_ARN);
        invocations.push(event);
        if (event.Step === failAt) return Promise.reject(Object.assign(new Error('step failed'), { name: 'RotationConflictError' }));
        return Promise.resolve({});
      },
    });
  });

  afterEach(async () => {
    await rotating.close();
  });

  async function rotate(input: Partial<ConstructorParameters<typeof RotateSecretCommand>[0]> = {}) {
    const rotatingClient = rotating.client({ maxAttempts: 1 });
    const { arn } = rotating.createSecret('webhook/ws-1', '{"value":"s1"}');
    const started = await rotatingClient.send(
      new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 7 }, ...input }),
    );
    await rotating.rotationsSettled();
    return { arn, started, client: rotatingClient };
  }

  it('labels a new version AWSPENDING under the ClientRequestToken, then invokes the four steps in order with it', async () => {
    const token = '0123456789abcdef0123456789abcdef';

    const { arn, started } = await rotate({ ClientRequestToken: token });

    expect(started.VersionId).toBe(token);
    expect(rotating.versions(arn).at(-1)).toMatchObject({ versionId: token, stages: ['AWSPENDING'] });
    expect(invocations).toEqual(
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((Step) => ({
        Step,
        SecretId: arn,
        ClientRequestToken: token,
        RotationToken: token,
      })),
    );
    expect(rotating.rotations).toEqual([
      { secretArn: arn, token, outcome: 'succeeded', steps: invocations.map(({ Step }) => ({ step: Step, outcome: 'ok' })) },
    ]);
  });

  it('stops at the first step that fails, as AWS does', async () => {
    failAt = 'testSecret';

    await rotate();

    expect(invocations.map(({ Step }) => Step)).toEqual(['createSecret', 'setSecret', 'testSecret']);
    expect(rotating.rotations[0]).toMatchObject({
      outcome: 'failed',
      steps: [{}, {}, { step: 'testSecret', outcome: 'RotationConflictError' }],
    });
  });

  it('describes rotation: enabled, its function and rules, and the last and next rotation dates once one succeeded', async () => {
    const { arn, client: rotatingClient } = await rotate();

    const described = await rotatingClient.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 7 },
    });
    const last = defined(described.LastRotatedDate).getTime();
    expect(defined(described.NextRotationDate).getTime()).toBe(last + 7 * 86_400_000);
  });

  it('leaves LastRotatedDate out while no rotation has succeeded', async () => {
    failAt = 'createSecret';
    const { arn, client: rotatingClient } = await rotate();

    const described = await rotatingClient.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(described.LastRotatedDate).toBeUndefined();
    expect(described.RotationEnabled).toBe(true);
  });

  it('refuses to start while an earlier rotation is not complete, and without a rotation function', async () => {
    failAt = 'createSecret';
    const { arn, client: rotatingClient } = await rotate();

    await expect(rotatingClient.send(new RotateSecretCommand({ SecretId: arn }))).rejects.toThrow(
      "A previous rotation isn't complete. That rotation will be reattempted.",
    );
    const { arn: other } = rotating.createSecret('webhook/ws-2', '{"value":"s2"}');
    await expect(rotatingClient.send(new RotateSecretCommand({ SecretId: other }))).rejects.toThrow(
      'No Lambda rotation function ARN is associated with this secret.',
    );
  });

  it('CancelRotateSecret turns rotation off and leaves the pending label where it is', async () => {
    failAt = 'createSecret';
    const { arn, started, client: rotatingClient } = await rotate();

    await rotatingClient.send(new CancelRotateSecretCommand({ SecretId: arn }));
    const described = await rotatingClient.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(described.RotationEnabled).toBeUndefined();
    expect(described.NextRotationDate).toBeUndefined();
    expect(described.VersionIdsToStages?.[defined(started.VersionId)]).toEqual(['AWSPENDING']);
  });
});
