// Which function to invoke: the one named with --function-name, or the one the stack's FunctionName output names.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFunction } from '../../cli/locate-function.js';
import { startCloudFormationStandIn, type CloudFormationStandIn } from '../../local/standins/cloudformation.js';
import { rejectionOf } from '../support/errors.js';

let cloudFormation: CloudFormationStandIn;
beforeAll(async () => {
  cloudFormation = await startCloudFormationStandIn([
    {
      name: 'ProlificWebhookSecretRotation',
      outputs: { FunctionName: 'rotation-function-abc', AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms' },
    },
    { name: 'SomeOtherApp', outputs: { BucketName: 'some-bucket' } },
  ]);
});
afterAll(async () => {
  await cloudFormation.close();
});

describe('locateFunction', () => {
  it('takes the function named on the command line without asking CloudFormation', async () => {
    const noCalls = { send: () => Promise.reject(new Error('CloudFormation must not be called')) } as unknown as CloudFormationClient;

    expect(await locateFunction({ functionName: 'my-function' }, noCalls, 'us-east-1')).toBe('my-function');
  });

  it('finds the function by the stack\'s FunctionName output', async () => {
    const located = await locateFunction({ stackName: 'ProlificWebhookSecretRotation' }, cloudFormation.client(), 'us-east-1');

    expect(located).toBe('rotation-function-abc');
  });

  it.each([
    ['a stack without the output', 'SomeOtherApp', /^Stack SomeOtherApp in us-east-1 has no output FunctionName: it is not this app's stack, or is not deployed yet\.\n/],
    ['a stack that does not exist', 'NoSuchStack', /^The stack NoSuchStack was not found in us-east-1\.\nPass the name you deployed it as with --stack/],
  ])('says what to pass instead for %s', async (_what, stackName, message) => {
    const failure = await rejectionOf(locateFunction({ stackName }, cloudFormation.client(), 'us-east-1'));

    expect(failure.name).toBe('CouldNotRunError');
    expect(failure.message).toMatch(message);
  });
});
