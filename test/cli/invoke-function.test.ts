// One synchronous invocation: the function's answer, the report a failed run carries in its error, or why
// the run could not be done.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { invokeFunction } from '../../cli/invoke-function.js';
import type { RotationReport } from '../../lambda/contract/report.js';
import { startLambdaStandIn, type LambdaStandIn } from '../../local/standins/lambda.js';

const FUNCTION_NAME = 'prolific-rotation';
const REPORT: RotationReport = {
  action: 'sync',
  dryRun: false,
  results: [
    {
      workspaceId: 'aa01',
      secretId: 'webhook/aa01',
      outcome: 'failed',
      prolificSecretId: null,
      versionId: null,
      lastRotatedAt: null,
      error: 'E: x',
    },
  ],
};

let lambda: LambdaStandIn | undefined;
afterEach(async () => {
  await lambda?.close();
  lambda = undefined;
});

/** Invokes a function that ends as `outcome` says. */
async function invokeEndingIn(outcome: { report?: RotationReport; error?: Error }, event: unknown = { action: 'sync' }) {
  lambda = await startLambdaStandIn({ name: FUNCTION_NAME, environment: {}, invoke: () => Promise.resolve(outcome) });
  return invokeFunction({ lambda: lambda.client(), functionName: FUNCTION_NAME, region: 'us-east-1', waitSeconds: 60 }, event);
}

const failure = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('invokeFunction', () => {
  it('sends the event as JSON and answers the function\'s answer', async () => {
    const answer = await invokeEndingIn({ report: REPORT }, { action: 'sync', workspaceIds: ['aa01'] });

    expect(answer).toEqual({ kind: 'answer', payload: REPORT });
    expect(lambda?.events).toEqual([{ action: 'sync', workspaceIds: ['aa01'] }]);
  });

  it('answers the report a failed run carries in its RotationFailedError', async () => {
    const message = `1 of 1 workspace(s) failed (sync). Each workspace:\naa01: failed\nReport: ${JSON.stringify(REPORT)}`;
    const answer = await invokeEndingIn({ error: failure('RotationFailedError', message) });

    expect(answer).toEqual({ kind: 'failed-run', report: REPORT });
  });

  it.each([
    [
      'an error of another kind',
      failure('InvalidEventError', 'Field "action" must be one of rotate, sync, status'),
      `Function ${FUNCTION_NAME} ended in InvalidEventError: Field "action" must be one of rotate, sync, status`,
    ],
    [
      'a RotationFailedError without a report',
      failure('RotationFailedError', 'no report here'),
      `Function ${FUNCTION_NAME} ended in RotationFailedError: no report here`,
    ],
  ])('could not run when the function ended in %s', async (_what, error, message) => {
    await expect(invokeEndingIn({ error })).rejects.toMatchObject({ name: 'CouldNotRunError', message });
  });

  it('could not run when the answer is not JSON', async () => {
    const notJson = { send: () => Promise.resolve({ Payload: new TextEncoder().encode('<html>') }) } as unknown as LambdaClient;

    const target = { lambda: notJson, functionName: FUNCTION_NAME, region: 'us-east-1', waitSeconds: 60 };
    await expect(invokeFunction(target, {})).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message: `Function ${FUNCTION_NAME} answered something that is not JSON; is it the rotation function?`,
    });
  });
});
