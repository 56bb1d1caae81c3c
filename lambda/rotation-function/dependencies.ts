// What the handler builds once per execution environment from its configuration: the clients, the store
// and the token cache. Kept apart from the handler so the entry stays a few lines of wiring.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { RotationConfig } from './config.js';
import { SECRETS_MANAGER_REQUEST_TIMEOUT_MS } from '../contract/time-budgets.js';
import { createSecretIdentities, type SecretIdentities } from './secret-arns.js';
import { createProlificClient, type ProlificClientOptions } from './prolific/client.js';
import type { ProlificClient } from './prolific/types.js';
import { readApiToken } from './secrets/api-token.js';
import { createSecretStore, type SecretStore } from './secrets/store.js';
import { loadConfig } from './load-config.js';

/**
 * How the function's AWS clients (Secrets Manager, EventBridge, SSM) talk: the SDK's standard retry mode backs
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

export interface Dependencies {
  readonly config: RotationConfig;
  readonly store: SecretStore;
  /** The full ARN of each configured secret, remembered while the execution environment lives. */
  readonly identities: SecretIdentities;
  /**
   * Reads the API token (cached) once, and returns a maker of Prolific clients that use it: one per target,
   * each within that target's own time (`timeLeftMs`).
   */
  prolificClients(): Promise<(timeLeftMs: () => number) => ProlificClient>;
  /** Forgets the cached token and identities, so that what a person just fixed is read on the next run. */
  forgetCaches(): void;
  /** The client rotation events go out with (the account's default bus). */
  readonly eventBridge: EventBridgeClient;
}

export interface DependencyOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default a client configured by the SDK's environment (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...) */
  readonly secretsManager?: SecretsManagerClient;
  /** @default a client configured by the SDK's environment (AWS_ENDPOINT_URL_EVENTBRIDGE, ...) */
  readonly eventBridge?: EventBridgeClient;
  /** Reads the targets when they live in SSM. @default a client configured by the SDK's environment */
  readonly ssm?: SSMClient;
  /** Overrides for the Prolific client (timeouts, back-off, fetch, retry reporting). */
  readonly prolific?: Omit<Partial<ProlificClientOptions>, 'baseUrl' | 'token'>;
}

/** Validates the configuration (throwing `ConfigurationError` naming the variable) and builds the clients. */
export async function createDependencies(options: DependencyOptions): Promise<Dependencies> {
  const config = await loadConfig(options.env, () => options.ssm ?? new SSMClient(AWS_CLIENT_OPTIONS));
  const client = options.secretsManager ?? new SecretsManagerClient(AWS_CLIENT_OPTIONS);
  const tokens = new SecretsProvider({ awsSdkV3Client: client });
  const store = createSecretStore(client);
  const identities = createSecretIdentities(store, config.concurrency);

  return {
    config,
    store,
    identities,
    eventBridge: options.eventBridge ?? new EventBridgeClient(AWS_CLIENT_OPTIONS),
    async prolificClients() {
      const token = await readApiToken(tokens, config.tokenSecretId);
      return (timeLeftMs) => createProlificClient({ baseUrl: config.prolificApiBaseUrl, token, timeLeftMs, ...options.prolific });
    },
    forgetCaches() {
      tokens.clearCache();
      identities.forget();
    },
  };
}
