// One synchronous invocation of the function: its answer, or the report a failed run carries in its error.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { reportFromErrorMessage, type RotationReport } from '../lambda/contract/report.js';
import { callAws } from './aws-errors.js';
import { CouldNotRunError } from './errors.js';

export type FunctionAnswer =
  | { readonly kind: 'answer'; readonly payload: unknown }
  /** A run in which some workspaces failed: the function ended in RotationFailedError, which carries its report. */
  | { readonly kind: 'failed-run'; readonly report: RotationReport };

export interface FunctionTarget {
  readonly lambda: LambdaClient;
  readonly functionName: string;
  readonly region: string;
  /** How long an invocation is waited for (invocationWaitSeconds): the function's timeout and a margin. */
  readonly waitSeconds: number;
}

export async function invokeFunction(target: FunctionTarget, event: unknown): Promise<FunctionAnswer> {
  const { lambda, functionName, region, waitSeconds } = target;
  const answer = await callAws({ permission: 'lambda:InvokeFunction', resource: `function ${functionName}`, region }, () =>
    lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
      { requestTimeout: waitSeconds * 1000 },
    ),
  );
  const payload = parseJson(answer.Payload === undefined ? 'null' : new TextDecoder().decode(answer.Payload), functionName);
  if (answer.FunctionError === undefined) return { kind: 'answer', payload };

  // Lambda's shape of an error the handler threw: {"errorType", "errorMessage", "trace"}. The trace is not shown.
  const { errorType, errorMessage } = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
  const message = typeof errorMessage === 'string' ? errorMessage : JSON.stringify(payload);
  const report = errorType === 'RotationFailedError' ? reportFromErrorMessage(message) : undefined;
  if (report !== undefined) return { kind: 'failed-run', report };
  const endedIn = typeof errorType === 'string' ? errorType : answer.FunctionError;
  throw new CouldNotRunError(`Function ${functionName} ended in ${endedIn}: ${message}`);
}

function parseJson(text: string, functionName: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CouldNotRunError(`Function ${functionName} answered something that is not JSON; is it the rotation function?`);
  }
}
