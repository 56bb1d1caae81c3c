// The deployed function's timeout and environment, as GetFunctionConfiguration gives them.
import { afterEach, describe, expect, it } from 'vitest';
import { describeFunction } from '../../cli/function-configuration.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';
import { rejectionOf } from '../support/errors.js';

const FUNCTION_NAME = 'ProlificWebhookSecretRotation-RotationFunction-Abc123';

let lambda: LambdaStandIn | undefined;
afterEach(async () => {
  await lambda?.close();
  lambda = undefined;
});

async function describeOf(functionName: string) {
  const invoke = () => Promise.resolve({});
  lambda = await startLambdaStandIn({ name: FUNCTION_NAME, environment: { A: 'b' }, timeoutSeconds: 780, invoke });
  return describeFunction(lambda.client(), functionName, 'us-east-1');
}

describe('describeFunction', () => {
  it('answers the function\'s timeout and environment', async () => {
    expect(await describeOf(FUNCTION_NAME)).toEqual({
      functionName: FUNCTION_NAME,
      timeoutSeconds: 780,
      environment: { Variables: { A: 'b' } },
    });
  });

  it('says the function was not found', async () => {
    const failure = await rejectionOf(describeOf('no-such-function'));

    expect(failure.name).toBe('CouldNotRunError');
    expect(failure.message).toMatch(/^The function no-such-function was not found in us-east-1\.\n/);
  });
});
