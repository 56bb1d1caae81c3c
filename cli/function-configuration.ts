// What the command line needs to know of the deployed function before it invokes it: its timeout (how long an
// invocation may take) and its environment (the workspaces it is configured with).
import { GetFunctionConfigurationCommand, type EnvironmentResponse, type LambdaClient } from '@aws-sdk/client-lambda';
import { callAws } from './aws-errors.js';

export interface DeployedFunction {
  /** As the command line was given it, or the stack's output names it. */
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly environment?: EnvironmentResponse;
}

/** Lambda's timeout of a function created without one. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

export async function describeFunction(lambda: LambdaClient, functionName: string, region: string): Promise<DeployedFunction> {
  const configuration = await callAws(
    { permission: 'lambda:GetFunctionConfiguration', resource: `function ${functionName}`, region },
    () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
  );
  return {
    functionName,
    timeoutSeconds: configuration.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    environment: configuration.Environment,
  };
}
