// The workspaces a function is configured with, read as the function reads them (its environment, or the SSM
// parameters it points at), and every way that can fail said in the person's terms.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredWorkspaces } from '../../cli/configured-workspaces.js';
import { describeFunction } from '../../cli/function-configuration.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';
import { startSsmStandIn, type SsmStandIn } from '../../local/standins/ssm.js';

const FUNCTION_NAME = 'ProlificWebhookSecretRotation-RotationFunction-Abc123';
const PATH = '/ProlificWebhookSecretRotation/rotation-targets';
const TARGETS = [
  { workspaceId: 'aa01', secretId: 'webhook/aa01' },
  { workspaceId: 'bb02', secretId: 'webhook/bb02' },
];

let ssm: SsmStandIn;
let lambda: LambdaStandIn | undefined;
beforeEach(async () => {
  ssm = await startSsmStandIn();
});
afterEach(async () => {
  await Promise.all([ssm.close(), lambda?.close()]);
  lambda = undefined;
});

/** The workspaces of a function whose environment is `environment`. */
async function workspacesOf(environment: Record<string, string | undefined>): Promise<string[]> {
  lambda = await startLambdaStandIn({ name: FUNCTION_NAME, environment, invoke: () => Promise.resolve({}) });
  const deployed = await describeFunction(lambda.client(), FUNCTION_NAME, 'us-east-1');
  return configuredWorkspaces(deployed, ssm.client(), 'us-east-1');
}

describe('configuredWorkspaces', () => {
  it('reads the workspaces from the function\'s ROTATION_TARGETS', async () => {
    expect(await workspacesOf({ ROTATION_TARGETS: JSON.stringify(TARGETS), PROLIFIC_TOKEN_SECRET_ID: 'token' })).toEqual(['aa01', 'bb02']);
  });

  it('reads them from the SSM parameters the function points at, in name order', async () => {
    ssm.put(`${PATH}/0002`, JSON.stringify(TARGETS.slice(1)));
    ssm.put(`${PATH}/0001`, JSON.stringify(TARGETS.slice(0, 1)));

    expect(await workspacesOf({ ROTATION_TARGETS_PARAMETER_PATH: PATH, PROLIFIC_TOKEN_SECRET_ID: 'token' })).toEqual(['aa01', 'bb02']);
  });

  it('says which permission to ask for when the person may not read the parameters', async () => {
    ssm.denyReads();

    await expect(workspacesOf({ ROTATION_TARGETS_PARAMETER_PATH: PATH, PROLIFIC_TOKEN_SECRET_ID: 'token' })).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message: `Access denied to SSM path ${PATH} in us-east-1: User is not authorized to perform: ssm:GetParametersByPath\n` +
        'Ask for ssm:GetParametersByPath on it (docs/cli.md lists what the command line needs).',
    });
  });

  it('says the function is misconfigured, and why, when the function itself would refuse to run', async () => {
    await expect(workspacesOf({ PROLIFIC_TOKEN_SECRET_ID: 'token' })).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message:
        `Function ${FUNCTION_NAME} is misconfigured, and refuses every run until it is fixed: ` +
        'Environment variable ROTATION_TARGETS is required.\n' +
        'Fix the configuration and deploy again.',
    });
  });

  it('says to ask for kms:Decrypt, or to name the workspaces, when Lambda will not show the environment', async () => {
    const error = { ErrorCode: 'AccessDeniedException', Message: 'Lambda was unable to decrypt the environment variables' };
    const deployed = { functionName: FUNCTION_NAME, timeoutSeconds: 900, environment: { Error: error } };

    await expect(configuredWorkspaces(deployed, ssm.client(), 'us-east-1')).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message:
        `Could not read the environment of function ${FUNCTION_NAME}: ` +
        'AccessDeniedException: Lambda was unable to decrypt the environment variables\n' +
        'Ask for kms:Decrypt on its key, or name the workspaces with --workspace.',
    });
  });
});
