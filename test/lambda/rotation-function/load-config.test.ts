// The configuration with its targets read from SSM Parameter Store when the environment points there: every
// page, in name order, once per execution environment; a failed read says what to do and is tried again.
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadTargets } from '../../../lambda/rotation-function/load-config.js';
import { startSsmStandIn, type SsmStandIn } from '../../../local/standins/ssm.js';
import { harnessPerTest, TARGETS_PARAMETER_PATH } from '../../support/harness.js';

const WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const PATH = '/stack/rotation-targets';
const ENV = { PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token', ROTATION_TARGETS_PARAMETER_PATH: PATH };
const target = (workspaceId: string) => ({ workspaceId, secretId: `secret-${workspaceId}` });

const setUp = harnessPerTest({ workspaces: WORKSPACES });

describe('targets from SSM Parameter Store, at an invocation', () => {
  it('reads the targets from the parameters under ROTATION_TARGETS_PARAMETER_PATH, in name order, across pages', async () => {
    const many = Array.from({ length: 23 }, (_, index) => `ws${String(index).padStart(22, '0')}`);
    const h = await setUp({ workspaces: many, targetsIn: 'parameters', parameterSize: 2 });

    const { report, error } = await h.invoke({ action: 'sync' });

    expect(error).toBeUndefined();
    expect(report?.results.map((result) => result.workspaceId)).toEqual(many);
    expect(report?.results.every((result) => result.outcome === 'healed')).toBe(true);
    expect(h.ssm.reads).toBe(2); // 12 parameters, 10 a page

    await h.invoke({ action: 'status' });
    expect(h.ssm.reads).toBe(2); // read once per execution environment
  });

  it('says what to do when the parameters cannot be read, and reads them again on the next invocation', async () => {
    const h = await setUp({ targetsIn: 'parameters' });
    h.ssm.denyReads();

    const { error } = await h.invoke({ action: 'status' });
    const { report } = await h.invoke({ action: 'status' });

    expect(error).toMatchObject({ name: 'ConfigurationError' });
    const couldNotRead = new RegExp(`targets under SSM path ${TARGETS_PARAMETER_PATH} .*could not be read: AccessDeniedException`);
    expect(error?.message).toMatch(couldNotRead);
    expect(error?.message).toMatch(/ssm:GetParametersByPath/);
    expect(report?.results).toHaveLength(WORKSPACES.length);
  });
});

describe('loadConfig and loadTargets', () => {
  let ssm: SsmStandIn;
  beforeEach(async () => {
    ssm = await startSsmStandIn();
  });
  afterEach(async () => {
    await ssm.close();
  });

  it('reads nothing from SSM when the targets are in the environment', async () => {
    const env = { PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token', ROTATION_TARGETS: JSON.stringify([target('ws-a')]) };
    const noSsm = (): SSMClient => {
      throw new Error('SSM must not be called');
    };

    expect((await loadConfig(env, noSsm)).targets).toEqual([{ ...target('ws-a'), format: 'json' }]);
  });

  it('puts the parameters in name order, whatever order Parameter Store answers them in', async () => {
    const client = new SSMClient({ region: 'us-east-1' });
    const parameters = [
      { Name: `${PATH}/02`, Value: JSON.stringify([target('ws-c')]) },
      { Name: `${PATH}/01`, Value: JSON.stringify([target('ws-a'), target('ws-b')]) },
    ];
    client.send = () => Promise.resolve({ Parameters: parameters });

    const targets = await loadTargets(ENV, client);

    expect(targets.map((entry) => entry.workspaceId)).toEqual(['ws-a', 'ws-b', 'ws-c']);
  });

  it('reads the targets of a function\'s environment through the client it is given', async () => {
    ssm.put(`${PATH}/01`, JSON.stringify([target('ws-a')]));
    ssm.put('/another/path/01', JSON.stringify([target('ws-z')]));

    const targets = await loadTargets(ENV, ssm.client());

    expect(targets).toEqual([{ ...target('ws-a'), format: 'json' }]);
  });

  it('keeps the AWS error as the cause of a failed read, for a caller that explains it in its own terms', async () => {
    ssm.denyReads();

    const failure = await loadTargets(ENV, ssm.client()).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'ConfigurationError', cause: { name: 'AccessDeniedException' } });
    expect((failure as Error).message).toMatch(/^The targets under SSM path \/stack\/rotation-targets \(ROTATION_TARGETS_PARAMETER_PATH\) could not be read/);
  });
});
