// What the handler builds once per execution environment: the configuration, checked first; the Prolific
// clients, over the API token read once; and the caches a failed run forgets.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDependencies, type DependencyOptions } from '../../../lambda/rotation-function/dependencies.js';
import { startProlificStandIn, type ProlificStandIn } from '../../../local/standins/prolific.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { clocklessProlific } from '../../support/clockless-prolific.js';
import { rejectionOf } from '../../support/errors.js';

const WORKSPACE = '6655443322110099aabbccdd';

let prolific: ProlificStandIn;
let secretsManager: SecretsManagerStandIn;
let options: DependencyOptions;

beforeEach(async () => {
  prolific = await startProlificStandIn({ workspaces: [WORKSPACE] });
  secretsManager = await startSecretsManagerStandIn();
  const tokenArn = secretsManager.createSecret('prolific/api-token', prolific.token).arn;
  const targetArn = secretsManager.createSecret(`prolific/webhook-signing-secret/${WORKSPACE}`, '{}').arn;
  options = {
    env: {
      ROTATION_TARGETS: JSON.stringify([{ workspaceId: WORKSPACE, secretId: targetArn }]),
      PROLIFIC_TOKEN_SECRET_ID: tokenArn,
      PROLIFIC_API_BASE_URL: prolific.url,
    },
    secretsManager: secretsManager.client({ maxAttempts: 1 }),
    prolific: clocklessProlific(),
  };
});

afterEach(async () => {
  await Promise.all([prolific.close(), secretsManager.close()]);
});

const callsOf = (operation: string) => secretsManager.calls.filter((call) => call.operation === operation).length;

describe('createDependencies', () => {
  it('checks the configuration first, naming the variable, before any call', async () => {
    await expect(createDependencies({ ...options, env: { ...options.env, PROLIFIC_TOKEN_SECRET_ID: undefined } })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: 'Environment variable PROLIFIC_TOKEN_SECRET_ID is required.',
    });
    expect(secretsManager.calls).toHaveLength(0);
  });

  it('makes Prolific clients that call the configured API with the token from its secret', async () => {
    const dependencies = await createDependencies(options);

    const client = (await dependencies.prolificClients())(() => 60_000);

    expect((await client.getActiveSecret(WORKSPACE))?.id).toBe(prolific.activeSecret(WORKSPACE)?.id);
    expect(prolific.calls.map((call) => call.outcome)).toEqual([200]);
  });

  it('reads the API token once for every client it makes, and again after forgetCaches()', async () => {
    const dependencies = await createDependencies(options);

    await dependencies.prolificClients();
    await dependencies.prolificClients();
    const readsBefore = callsOf('GetSecretValue');
    dependencies.forgetCaches();
    await dependencies.prolificClients();

    expect(readsBefore).toBe(1);
    expect(callsOf('GetSecretValue')).toBe(2);
  });

  it('remembers the ARN of each secret, and describes it again after forgetCaches()', async () => {
    const dependencies = await createDependencies(options);
    const secretId = dependencies.config.targets[0]?.secretId ?? '';

    await dependencies.identities.resolve([secretId]);
    await dependencies.identities.resolve([secretId]);
    dependencies.forgetCaches();
    await dependencies.identities.resolve([secretId]);

    expect(callsOf('DescribeSecret')).toBe(2);
  });

  it('fails to make clients, with ApiTokenError, while the token secret holds no token', async () => {
    await secretsManager.client().send(new PutSecretValueCommand({ SecretId: options.env.PROLIFIC_TOKEN_SECRET_ID, SecretString: ' ' }));
    const dependencies = await createDependencies(options);

    const failure = await rejectionOf(dependencies.prolificClients());

    expect(failure.name).toBe('ApiTokenError');
    expect(failure.message).toContain('holds no Prolific API token yet');
    expect(prolific.calls).toHaveLength(0);
  });
});
