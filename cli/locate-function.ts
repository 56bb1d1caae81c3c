// Which function to invoke: the one named on the command line, or the one the stack's output names.
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '../lambda/contract/stack.js';
import { callAws } from './aws-errors.js';
import { CouldNotRunError } from './errors.js';
import type { FunctionLocation } from './usage.js';

const FUNCTION_NAME_OUTPUT = STACK_OUTPUTS.functionName;

export async function locateFunction(location: FunctionLocation, cloudFormation: CloudFormationClient, region: string): Promise<string> {
  if ('functionName' in location) return location.functionName;
  const { stackName } = location;
  const answer = await callAws({ permission: 'cloudformation:DescribeStacks', resource: `stack ${stackName}`, region }, () =>
    cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })),
  );
  const output = answer.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === FUNCTION_NAME_OUTPUT);
  if (output?.OutputValue === undefined || output.OutputValue === '') {
    throw new CouldNotRunError(
      `Stack ${stackName} in ${region} has no output ${FUNCTION_NAME_OUTPUT}: it is not this app's stack, or is not deployed yet.\n` +
        'Pass the stack you deployed with --stack, or the function with --function-name.',
    );
  }
  return output.OutputValue;
}
