// One invocation of the real handler, as a value: the report it returned or the error it ended in.
// Used by the harness, the fault matrix, the races (in this process and in child processes) and the
// randomized sequences.
import type { Context } from 'aws-lambda';
import type { createHandler, RotationReport } from '../lambda/rotation-function/handler.js';

export type Handler = ReturnType<typeof createHandler>;

/** An error reduced to what survives a JSON line from a child process: its name and message. */
export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
}

/**
 * What one invocation gave back: its report, or the error it ended in. In this process that is the
 * Error itself; from another process it is an ErrorSummary (see summarize()).
 */
export interface InvocationOutcome<Failure extends ErrorSummary = Error> {
  readonly report?: RotationReport;
  readonly error?: Failure;
}

/** The context Lambda passes a handler: the deployed function's names, with 15 minutes left. */
export function standInContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'prolific-webhook-secret-rotation',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:prolific-webhook-secret-rotation',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/prolific-webhook-secret-rotation',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 900_000,
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- Context's type still requires them; nothing calls them
    done: () => undefined, fail: () => undefined, succeed: () => undefined,
    ...overrides,
  };
}

/** Invokes `handler` once; never rejects: an invocation that throws becomes an outcome with `error`. */
export async function invoke(handler: Handler, event: unknown, context: Context): Promise<InvocationOutcome> {
  try {
    return { report: await handler(event, context) };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The outcome with its error reduced to name and message, ready for JSON (an Error serializes as `{}`). */
export function summarize(outcome: InvocationOutcome): InvocationOutcome<ErrorSummary> {
  return outcome.error === undefined ? outcome : { ...outcome, error: { name: outcome.error.name, message: outcome.error.message } };
}
