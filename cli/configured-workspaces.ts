// The workspaces a function is configured with, read as the function itself reads them: from its
// environment (ROTATION_TARGETS), or from the SSM parameters it points at (ROTATION_TARGETS_PARAMETER_PATH).
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ENVIRONMENT } from '../lambda/contract/environment.js';
import { ConfigurationError } from '../lambda/rotation-function/errors.js';
import { loadTargets } from '../lambda/rotation-function/load-config.js';
import { explainAwsError } from './aws-errors.js';
import { CouldNotRunError } from './errors.js';
import type { DeployedFunction } from './function-configuration.js';

export async function configuredWorkspaces(
  { functionName, environment }: DeployedFunction,
  ssm: SSMClient,
  region: string,
): Promise<string[]> {
  if (environment?.Error !== undefined) {
    // Lambda answers this instead of the variables when the caller may not decrypt them (a customer-managed key).
    throw new CouldNotRunError(
      `Could not read the environment of function ${functionName}: ${environment.Error.ErrorCode}: ${environment.Error.Message}\n` +
        'Ask for kms:Decrypt on its key, or name the workspaces with --workspace.',
    );
  }
  try {
    const targets = await loadTargets(environment?.Variables ?? {}, ssm);
    return targets.map((target) => target.workspaceId);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // Reading the SSM parameters failed: say so in the person's terms (their credentials, not the function's).
    if (error.cause !== undefined) {
      const path = environment?.Variables?.[ENVIRONMENT.targetsParameterPath];
      throw explainAwsError(error.cause, { permission: 'ssm:GetParametersByPath', resource: `SSM path ${path}`, region });
    }
    throw new CouldNotRunError(
      `Function ${functionName} is misconfigured, and refuses every run until it is fixed: ${error.message}\n` +
        'Fix the configuration and deploy again.',
    );
  }
}
