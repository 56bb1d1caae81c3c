// The client the kit makes when given none: bounded connection and request times, and attempts.
import { describe, expect, it } from 'vitest';
import { createDefaultSecretsManagerClient, DEFAULT_CLIENT_BOUNDS } from '../../../lambda/receiver-kit/secrets-manager-client.js';

describe('createDefaultSecretsManagerClient', () => {
  it('times out a connection after 1 s and an answer after 3 s, and tries twice at most', async () => {
    process.env.AWS_REGION ??= 'us-east-1';
    const client = createDefaultSecretsManagerClient();

    // The handler resolves its options on first use; this reads them as it will.
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
    expect(DEFAULT_CLIENT_BOUNDS).toEqual({ connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 2 });
    expect(await client.config.maxAttempts()).toBe(2);
    expect(await handler.configProvider).toMatchObject({ connectionTimeout: 1000, requestTimeout: 3000 });
    client.destroy();
  });
});
