// What the handler builds once per execution environment from its configuration: the clients, the store
// and the token cache. Kept apart from the handler so the entry stays a few lines of wiring.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseConfig, type RotationConfig } from './config.js';
import { SECRETS_MANAGER_REQUEST_TIMEOUT_MS } from './contract.js';
import { createSecretIdentities, type SecretIdentities } from './identity.js';
import { createProlificClient, type ProlificClientOptions } from './prolific/client.js';
import type { ProlificClient } from './prolific/types.js';
import { readApiToken } from './secrets/api-token.js';
import { createSecretStore, type SecretStore } from './secrets/store.js';

/**
 * How the function's AWS clients (Secrets Manager, EventBridge) talk: the SDK's standard retry mode backs
 * off on throttling and 5xx, a few more tries than its default 3; and without the timeouts a hung
 * connection would wait for the Lambda timeout instead of being retried.
 */
const AWS_CLIENT_OPTIONS = {
  maxAttempts: 5,
  requestHandler: {
    connectionTimeout: SECRETS_MANAGER_REQUEST_TIMEOUT_MS,
    requestTimeout: SECRETS_MANAGER_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
};

export interface Runtime {
  readonly config: RotationConfig;
  readonly store: SecretStore;
  /** The full ARN of each configured secret, remembered while the execution environment lives. */
  readonly identities: SecretIdentities;
  /** Reads the API token (cached) and returns a Prolific client that uses it, within `timeLeftMs`. */
  prolificClient(timeLeftMs: () => number): Promise<ProlificClient>;
  /** Forgets the cached token and identities, so that what a person just fixed is read on the next run. */
  forgetCaches(): void;
  /** The client rotation events go out with (the account's default bus). */
  readonly eventBridge: EventBridgeClient;
}

export interface RuntimeOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default a client configured by the SDK's environment (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...) */
  readonly secretsManager?: SecretsManagerClient;
  /** @default a client configured by the SDK's environment (AWS_ENDPOINT_URL_EVENTBRIDGE, ...) */
  readonly eventBridge?: EventBridgeClient;
  /** Overrides for the Prolific client (timeouts, back-off, fetch, retry reporting). */
  readonly prolific?: Omit<Partial<ProlificClientOptions>, 'baseUrl' | 'token'>;
}

/** Validates the configuration (throwing `ConfigurationError` naming the variable) and builds the clients. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const config = parseConfig(options.env);
  const client = options.secretsManager ?? new SecretsManagerClient(AWS_CLIENT_OPTIONS);
  const tokens = new SecretsProvider({ awsSdkV3Client: client });
  const store = createSecretStore(client);
  const identities = createSecretIdentities(store);

  return {
    config,
    store,
    identities,
    eventBridge: options.eventBridge ?? new EventBridgeClient(AWS_CLIENT_OPTIONS),
    async prolificClient(timeLeftMs) {
      const token = await readApiToken(tokens, config.tokenSecretId);
      return createProlificClient({ baseUrl: config.prolificApiBaseUrl, token, timeLeftMs, ...options.prolific });
    },
    forgetCaches() {
      tokens.clearCache();
      identities.forget();
    },
  };
}
