import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { API_TOKEN_PLACEHOLDER } from '../../contract/secret-formats.js';
import { ApiTokenError, describeError } from '../errors.js';

/** How long a read token is reused before it is read again (seconds); a replaced token is picked up after this. */
export const API_TOKEN_CACHE_SECONDS = 300;

/**
 * Reads the Prolific API token from its secret through Powertools' cached provider. On any failure the
 * error says which secret to fix; the token itself never appears in a message.
 */
export async function readApiToken(provider: SecretsProvider, tokenSecretId: string): Promise<string> {
  let stored: unknown;
  try {
    stored = await provider.get(tokenSecretId, { maxAge: API_TOKEN_CACHE_SECONDS });
  } catch (error) {
    throw new ApiTokenError(
      `Could not read the Prolific API token from secret ${tokenSecretId} (${describeRootCause(error)}). ` +
        'Check that the secret exists and that the function may call secretsmanager:GetSecretValue on it ' +
        '(and kms:Decrypt on its key).',
      { cause: error },
    );
  }
  const token = typeof stored === 'string' ? stored.trim() : '';
  if (token === '' || token === API_TOKEN_PLACEHOLDER) {
    throw new ApiTokenError(
      `Secret ${tokenSecretId} holds no Prolific API token yet. Put the token in it as a plain string: ` +
        `aws secretsmanager put-secret-value --secret-id ${tokenSecretId} --secret-string "<token>"`,
    );
  }
  if (/\s/.test(token) || token.startsWith('{')) {
    throw new ApiTokenError(
      `Secret ${tokenSecretId} does not hold a bare Prolific API token (it looks like JSON or has white space). ` +
        'Store the token itself as the plain SecretString.',
    );
  }
  return token;
}

function describeRootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return describeError(current);
}
