// The Secrets Manager client the kit makes when it is given none: bounded at every level, so that an
// endpoint that accepts a connection and never answers costs a delivery seconds, not minutes.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The default client's bounds, in milliseconds and attempts. */
export const DEFAULT_CLIENT_BOUNDS = {
  /** To open the connection (TCP and TLS). */
  connectionTimeoutMs: 1000,
  /** For an answer once connected, per attempt. */
  requestTimeoutMs: 3000,
  /** The first attempt and one retry. */
  maxAttempts: 2,
} as const;

export function createDefaultSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({
    maxAttempts: DEFAULT_CLIENT_BOUNDS.maxAttempts,
    requestHandler: {
      connectionTimeout: DEFAULT_CLIENT_BOUNDS.connectionTimeoutMs,
      requestTimeout: DEFAULT_CLIENT_BOUNDS.requestTimeoutMs,
    },
  });
}
