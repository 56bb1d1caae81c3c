// The AWS clients the command line uses, configured the SDK's own way: --region and --profile when given,
// otherwise the SDK's defaults (AWS_REGION, AWS_PROFILE, the credential chain, AWS_ENDPOINT_URL_*). Every
// call gives up when AWS does not answer in time: a silent network ends the run instead of holding it.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { explainCredentialsError } from './aws-errors.js';
import { CouldNotRunError } from './errors.js';
import type { AwsOptions } from './usage.js';
import { DEFAULT_CALL_TIMEOUT_SECONDS, READ_ATTEMPTS } from './waits.js';

export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudFormation: CloudFormationClient;
  readonly ssm: SSMClient;
  /** How long one try of a call waits (--call-timeout); an invocation waits longer (invocation-wait.ts). */
  readonly callTimeoutSeconds: number;
  /** The region the calls go to (the SDK's choice unless --region was given). */
  region(): Promise<string>;
  /** Gets the credentials the calls will use, saying why there are none (a profile in no config file...). */
  checkCredentials(): Promise<void>;
  destroy(): void;
}

export function createAwsClients({ region, profile, callTimeoutSeconds = DEFAULT_CALL_TIMEOUT_SECONDS }: AwsOptions): AwsClients {
  // What the credential providers say as they try each source: the SDK's one word on a profile it cannot find.
  const credentialNotes: string[] = [];
  const logger = {
    debug: (note: unknown) => void credentialNotes.push(String(note)),
    info: () => undefined,
    warn: (message: unknown) => void process.stderr.write(`${String(message)}\n`),
    error: () => undefined,
  };
  const timeoutMs = callTimeoutSeconds * 1000;
  const config = {
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    logger,
    // Without throwOnRequestTimeout the SDK only warns when requestTimeout passes, and goes on waiting.
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
  // An invocation is never retried: one that got no answer may still be running, so a retry would be
  // throttled (reserved concurrency 1) or run the same batch twice. The person sees why and runs it again.
  const lambda = new LambdaClient({ ...config, maxAttempts: 1 });
  const cloudFormation = new CloudFormationClient({ ...config, maxAttempts: READ_ATTEMPTS });
  const ssm = new SSMClient({ ...config, maxAttempts: READ_ATTEMPTS });
  return {
    lambda,
    cloudFormation,
    ssm,
    callTimeoutSeconds,
    async region() {
      try {
        return await lambda.config.region();
      } catch (error) {
        throw new CouldNotRunError(
          error instanceof Error && error.message === 'Region is missing'
            ? 'No AWS region: pass --region <region>, or set AWS_REGION (or a region in your profile).'
            : `The AWS region could not be determined: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    async checkCredentials() {
      try {
        await lambda.config.credentials();
      } catch (error) {
        const named = profile ?? process.env.AWS_PROFILE;
        const missing = named === undefined ? undefined : profileNotFound(named, credentialNotes);
        throw missing ?? explainCredentialsError(error) ?? couldNotGetCredentials(error);
      }
    },
    destroy() {
      for (const client of [lambda, cloudFormation, ssm]) client.destroy();
    },
  };
}

/**
 * When the profile named (--profile, AWS_PROFILE) is in neither the config nor the credentials file, says so: the
 * chain's own error says only that no provider had credentials. The profile provider's note ("Could not resolve
 * credentials using profile: [name]") also stands for a profile that holds no credentials; the process
 * provider's ("Profile name could not be found in shared credentials file.") only for one that is not there.
 */
function profileNotFound(profile: string, notes: readonly string[]): CouldNotRunError | undefined {
  if (!notes.some((note) => note.includes(`Profile ${profile} could not be found in shared credentials file`))) return undefined;
  return new CouldNotRunError(
    `The AWS profile ${profile} was not found in your AWS config files ` +
      '(AWS_CONFIG_FILE or ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials).\n' +
      'Check its name (aws configure list-profiles), then pass it with --profile or AWS_PROFILE.',
  );
}

function couldNotGetCredentials(error: unknown): CouldNotRunError {
  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CouldNotRunError(`Could not get your AWS credentials: ${description}`);
}
