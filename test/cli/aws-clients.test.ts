// The command line's AWS clients: --region and --profile when given, else the SDK's own chain; an invocation
// is never retried; a missing region is said in one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients, type AwsClients } from '../../cli/aws-clients.js';
import { TEST_CREDENTIALS } from '../../local/standins/aws-json.js';
import { startSilentServer } from './silent-server.js';

let clients: AwsClients | undefined;
afterEach(() => {
  clients?.destroy();
  clients = undefined;
  vi.unstubAllEnvs();
});

describe('createAwsClients', () => {
  it('gives every client the --region and --profile given', async () => {
    clients = createAwsClients({ region: 'eu-west-2', profile: 'oncall' });

    expect(await clients.region()).toBe('eu-west-2');
    const profiles = [clients.lambda.config.profile, clients.cloudFormation.config.profile, clients.ssm.config.profile];
    expect(profiles).toEqual(['oncall', 'oncall', 'oncall']);
    expect(await clients.ssm.config.region()).toBe('eu-west-2');
  });

  it('never retries an invocation, which may still be running', async () => {
    clients = createAwsClients({ region: 'eu-west-2' });

    expect(await clients.lambda.config.maxAttempts()).toBe(1);
  });

  it('takes the region from the SDK\'s chain (AWS_REGION) when no --region is given', async () => {
    vi.stubEnv('AWS_REGION', 'ap-southeast-2');
    clients = createAwsClients({});

    expect(await clients.region()).toBe('ap-southeast-2');
  });

  it('says how to give a region when none is found', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws/credentials');
    clients = createAwsClients({});

    await expect(clients.region()).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message: 'No AWS region: pass --region <region>, or set AWS_REGION (or a region in your profile).',
    });
  });

  it('gives up on a call that gets no answer within the call timeout: CloudFormation and SSM after 3 tries, Lambda after 1', async () => {
    const silent = await startSilentServer();
    try {
      for (const name of ['CLOUDFORMATION', 'LAMBDA']) vi.stubEnv(`AWS_ENDPOINT_URL_${name}`, silent.endpoint);
      vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
      clients = createAwsClients({ region: 'us-east-1', callTimeoutSeconds: 0.2 });

      const describeStacks = clients.cloudFormation.send(new DescribeStacksCommand({ StackName: 'S' }));
      await expect(describeStacks).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(silent.accepted()).toBe(3);
      await expect(clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'f' }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(silent.accepted()).toBe(4);
    } finally {
      await silent.close();
    }
  });

  it('says a profile named but in no config file was not found', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cli-profiles-'));
    try {
      writeFileSync(join(home, 'config'), '[profile oncall]\nregion = eu-west-1\n');
      writeFileSync(join(home, 'credentials'), '[oncall]\naws_access_key_id = A\naws_secret_access_key = B\n');
      vi.stubEnv('AWS_CONFIG_FILE', join(home, 'config'));
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, 'credentials'));
      vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
      clients = createAwsClients({ region: 'us-east-1', profile: 'nosuch' });

      await expect(clients.checkCredentials()).rejects.toMatchObject({
        name: 'CouldNotRunError',
        message: expect.stringMatching(/^The AWS profile nosuch was not found in your AWS config files .*\nCheck its name/) as unknown,
      });
      clients.destroy();
      clients = createAwsClients({ region: 'us-east-1', profile: 'oncall' });
      await expect(clients.checkCredentials()).resolves.toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
