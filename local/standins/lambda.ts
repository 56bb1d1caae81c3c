/**
 * A local AWS Lambda for tests, as far as the command line uses it: one function, served over Lambda's REST
 * API (restJson1) on 127.0.0.1 so the real `@aws-sdk/client-lambda` talks to it unchanged.
 *
 * - `POST /2015-03-31/functions/{name}/invocations` (RequestResponse): runs the function and answers its
 *   result; an error it ends in comes back as Lambda's `{"errorType", "errorMessage", "trace"}` with
 *   `X-Amz-Function-Error: Unhandled`.
 * - `GET /2015-03-31/functions/{name}/configuration`: its configuration, environment and timeout included.
 * - Another name: `ResourceNotFoundException` (404). An invocation while one runs: `TooManyRequestsException`
 *   (429, Reason `ReservedFunctionConcurrentInvocationLimitExceeded`), as with reserved concurrency 1.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { InvocationOutcome } from '../invoke-handler.js';
import {
  ACCOUNT_ID,
  asServiceError,
  listenOnLoopback,
  readBody,
  REGION,
  ServiceError,
  standInEnvironment,
  TEST_CREDENTIALS,
  type JsonObject,
} from './aws-json.js';

export interface StandInFunction {
  readonly name: string;
  /** What GetFunctionConfiguration reports as `Environment.Variables` (undefined values left out). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** What GetFunctionConfiguration reports as `Timeout`, in seconds. @default 900 (Lambda's most) */
  readonly timeoutSeconds?: number;
  /** Runs one invocation: the result to answer, or the error the handler ended in (test/support/invocation.ts). */
  invoke(event: unknown): Promise<InvocationOutcome>;
}

export interface LambdaStandIn {
  readonly endpoint: string;
  readonly functionArn: string;
  /** Every event an invocation was started with (throttled ones not included), in order. */
  readonly events: readonly unknown[];
  /** Resolves once at least `count` invocations have started (one may now be running). */
  waitForInvocations(count: number): Promise<void>;
  /** A real SDK client pointed at this stand-in. */
  client(overrides?: Partial<LambdaClientConfig>): LambdaClient;
  /** Environment for code that builds its own client (AWS_ENDPOINT_URL_LAMBDA and credentials). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const FUNCTIONS_PATH = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)$/;

export async function startLambdaStandIn(fn: StandInFunction): Promise<LambdaStandIn> {
  const functionArn = functionArnOf(fn);
  const events: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const clients: LambdaClient[] = [];
  let running = false;

  async function invoke(request: IncomingMessage, body: string): Promise<{ payload: unknown; functionError?: string }> {
    const event = invocationEvent(request, body);
    if (running) {
      const reason = { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
      throw new LambdaError('TooManyRequestsException', 429, 'Rate Exceeded.', reason);
    }
    running = true;
    events.push(event);
    for (const waiter of waiters.filter((candidate) => events.length >= candidate.count)) waiter.resolve();
    try {
      const outcome = await fn.invoke(event);
      if (outcome.error === undefined) return { payload: outcome.report ?? null };
      const { name, message, stack = '' } = outcome.error;
      return { payload: { errorType: name, errorMessage: message, trace: stack.split('\n') }, functionError: 'Unhandled' };
    } finally {
      running = false;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    try {
      const [, encodedName = '', resource] = FUNCTIONS_PATH.exec(new URL(request.url ?? '/', 'http://stand-in').pathname) ?? [];
      const unknownOperation = new ServiceError('UnknownOperationException', 404, `Unknown operation ${request.method} ${request.url}.`);
      if (resource === undefined) throw unknownOperation;
      const name = decodeURIComponent(encodedName);
      if (!isFunctionNamed(fn, name)) {
        const arn = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
        throw new ServiceError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
      }
      if (resource === 'configuration' && request.method === 'GET') {
        send(response, 200, configurationOf(fn));
        return;
      }
      if (resource === 'invocations' && request.method === 'POST') {
        const { payload, functionError } = await invoke(request, body);
        const errorHeader: Record<string, string> = functionError ? { 'x-amz-function-error': functionError } : {};
        send(response, 200, payload, { 'x-amz-executed-version': '$LATEST', ...errorHeader });
        return;
      }
      throw unknownOperation;
    } catch (error) {
      const failure = asServiceError(error);
      const fields = error instanceof LambdaError ? error.fields : {};
      send(response, failure.status, { Type: 'User', message: failure.message, ...fields }, { 'x-amzn-errortype': failure.type });
    }
  }

  const { endpoint, close: closeServer } = await listenOnLoopback(handle);
  return {
    endpoint,
    functionArn,
    events,
    waitForInvocations(count) {
      if (events.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    client(overrides = {}) {
      const client = new LambdaClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
      clients.push(client);
      return client;
    },
    env: () => standInEnvironment('AWS_ENDPOINT_URL_LAMBDA', endpoint),
    async close() {
      for (const client of clients) client.destroy();
      await closeServer();
    },
  };
}

/** The event of a RequestResponse invocation, the only kind the stand-in runs. */
function invocationEvent(request: IncomingMessage, body: string): unknown {
  const type = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (type !== 'RequestResponse') {
    const message = `The stand-in runs RequestResponse invocations only; got ${String(type)}.`;
    throw new ServiceError('InvalidParameterValueException', 400, message);
  }
  try {
    return JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw new ServiceError('InvalidRequestContentException', 400, 'Could not parse request body into json: Unexpected character');
  }
}

/** Lambda accepts the name, the ARN, or the partial ARN `<account>:function:<name>`. */
function isFunctionNamed(fn: StandInFunction, name: string): boolean {
  return [fn.name, functionArnOf(fn), `${ACCOUNT_ID}:function:${fn.name}`].includes(name);
}

const functionArnOf = (fn: StandInFunction) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fn.name}`;

function configurationOf(fn: StandInFunction): JsonObject {
  const variables = Object.fromEntries(Object.entries(fn.environment).filter(([, value]) => value !== undefined));
  return {
    FunctionName: fn.name,
    FunctionArn: functionArnOf(fn),
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Timeout: fn.timeoutSeconds ?? 900,
    MemorySize: 256,
    Architectures: ['arm64'],
    State: 'Active',
    Environment: { Variables: variables },
  };
}

/** An error with the fields Lambda adds beside `message`, such as a throttle's `Reason`. */
class LambdaError extends ServiceError {
  constructor(
    type: string,
    status: number,
    message: string,
    readonly fields: JsonObject,
  ) {
    super(type, status, message);
  }
}

/** Lambda's REST answers: JSON, a request id, and the headers given. */
function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers });
  response.end(JSON.stringify(body));
}
