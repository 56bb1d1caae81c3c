// The AWS clients the command line uses, configured the SDK's own way: --region and --profile when given,
// otherwise the SDK's defaults (AWS_REGION, AWS_PROFILE, the credential chain, AWS_ENDPOINT_URL_*).
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CouldNotRunError } from './errors.js';
import type { AwsOptions } from './usage.js';

export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudFormation: CloudFormationClient;
  readonly ssm: SSMClient;
  /** The region the calls go to (the SDK's choice unless --region was given). */
  region(): Promise<string>;
  destroy(): void;
}

export function createAwsClients({ region, profile }: AwsOptions): AwsClients {
  const config = { ...(region === undefined ? {} : { region }), ...(profile === undefined ? {} : { profile }) };
  // An invocation is never retried: one that got no answer may still be running, so a retry would be
  // throttled (reserved concurrency 1) or run the same batch twice. The person sees why and runs it again.
  const lambda = new LambdaClient({ ...config, maxAttempts: 1 });
  const cloudFormation = new CloudFormationClient(config);
  const ssm = new SSMClient(config);
  return {
    lambda,
    cloudFormation,
    ssm,
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
    destroy() {
      for (const client of [lambda, cloudFormation, ssm]) client.destroy();
    },
  };
}
