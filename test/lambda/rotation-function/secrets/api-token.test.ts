import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PLACEHOLDER } from '../../../../lambda/contract/secret-formats.js';
import { ApiTokenError } from '../../../../lambda/rotation-function/errors.js';
import { API_TOKEN_CACHE_SECONDS, readApiToken } from '../../../../lambda/rotation-function/secrets/api-token.js';

const SECRET_ID = 'prolific/api-token';
const TOKEN = 'tok-3f9a1c-not-a-real-token';

/** A stand-in of Powertools' provider: answers `stored` (or throws `failure`) and remembers what it was asked. */
function providerAnswering(stored: unknown, failure?: Error) {
  const calls: { name: string; maxAge: number | undefined }[] = [];
  const provider = {
    get: (name: string, options?: { maxAge?: number }) => {
      calls.push({ name, maxAge: options?.maxAge });
      return failure === undefined ? Promise.resolve(stored) : Promise.reject(failure);
    },
  } as unknown as SecretsProvider;
  return { provider, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiTokenError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiTokenError)) throw new Error(`expected an ApiTokenError, got ${String(error)}`);
  return error;
}

describe('readApiToken', () => {
  it('returns the bare token, trimmed, read through the cache for five minutes', async () => {
    const { provider, calls } = providerAnswering(`${TOKEN}\n`);

    await expect(readApiToken(provider, SECRET_ID)).resolves.toBe(TOKEN);
    expect(calls).toEqual([{ name: SECRET_ID, maxAge: API_TOKEN_CACHE_SECONDS }]);
    expect(API_TOKEN_CACHE_SECONDS).toBe(300);
  });

  it.each([
    ['empty', ''],
    ['the stack placeholder', API_TOKEN_PLACEHOLDER],
    ['not a string', 42],
  ])('refuses a secret that holds no token yet (%s), with the command that puts one in', async (_, stored) => {
    const error = await rejectionOf(readApiToken(providerAnswering(stored).provider, SECRET_ID));

    expect(error.message).toBe(
      `Secret ${SECRET_ID} holds no Prolific API token yet. Put the token in it as a plain string: ` +
        `aws secretsmanager put-secret-value --secret-id ${SECRET_ID} --secret-string "<token>"`,
    );
  });

  it.each([
    ['JSON', `{"token":"${TOKEN}"}`],
    ['white space inside', `${TOKEN} ${TOKEN}`],
  ])('refuses a secret that is not a bare token (%s), without quoting it', async (_, stored) => {
    const error = await rejectionOf(readApiToken(providerAnswering(stored).provider, SECRET_ID));

    expect(error.message).toMatch(/^Secret prolific\/api-token does not hold a bare Prolific API token/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('names the secret and the root cause when it cannot be read, and keeps the cause', async () => {
    const denied = new Error('wrapper', { cause: Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }) });

    const error = await rejectionOf(readApiToken(providerAnswering(undefined, denied).provider, SECRET_ID));

    expect(error.message).toMatch(/^Could not read the Prolific API token from secret prolific\/api-token \(.*AccessDeniedException.*\)\. /);
    expect(error.message).toContain('secretsmanager:GetSecretValue');
    expect(error.cause).toBe(denied);
  });
});
