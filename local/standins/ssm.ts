/**
 * A local AWS Systems Manager Parameter Store for tests, as far as this project uses it: PutParameter and
 * GetParametersByPath (one level, paginated) over the AWS JSON 1.1 protocol (`X-Amz-Target:
 * AmazonSSM.<operation>`), so the real `@aws-sdk/client-ssm` talks to it unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import {
  ACCOUNT_ID,
  asServiceError,
  clientError,
  listenOnLoopback,
  readBody,
  REGION,
  sendJson,
  ServiceError,
  standInEnvironment,
  TEST_CREDENTIALS,
  type JsonObject,
} from './aws-json.js';

/** Parameter Store answers at most 10 parameters a page. */
const MAX_PAGE = 10;

export interface SsmStandIn {
  readonly endpoint: string;
  /** Stores (or overwrites) a String parameter. */
  put(name: string, value: string): void;
  /** A real SDK client pointed at this stand-in. */
  client(overrides?: Partial<SSMClientConfig>): SSMClient;
  /** Environment for code that builds its own client (AWS_ENDPOINT_URL_SSM and credentials). */
  env(): Record<string, string>;
  /** The next `times` calls fail with AccessDeniedException. */
  denyReads(times?: number): void;
  /** How many GetParametersByPath calls were answered. */
  readonly reads: number;
  close(): Promise<void>;
}

export async function startSsmStandIn(): Promise<SsmStandIn> {
  const parameters = new Map<string, string>();
  const clients: SSMClient[] = [];
  let denials = 0;
  let reads = 0;

  function getParametersByPath(input: JsonObject): JsonObject {
    const path = input.Path;
    if (typeof path !== 'string' || !path.startsWith('/')) throw clientError('ValidationException', 'Path must start with "/".');
    if (input.Recursive === true) throw clientError('ValidationException', 'The stand-in answers one level only.');
    const prefix = path.endsWith('/') ? path : `${path}/`;
    // Direct children only, in name order (as Parameter Store answers them for one level).
    const names = [...parameters.keys()].filter((name) => name.startsWith(prefix) && !name.slice(prefix.length).includes('/')).sort();
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    const size = Math.min(MAX_PAGE, typeof input.MaxResults === 'number' ? input.MaxResults : MAX_PAGE);
    const page = names.slice(start, start + size);
    return {
      Parameters: page.map((name) => ({
        Name: name,
        Type: 'String',
        Value: parameters.get(name),
        Version: 1,
        ARN: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${name}`,
      })),
      ...(start + size < names.length ? { NextToken: String(start + size) } : {}),
    };
  }

  function putParameter(input: JsonObject): JsonObject {
    const { Name: name, Value: value } = input;
    if (typeof name !== 'string' || typeof value !== 'string') throw clientError('ValidationException', 'Name and Value are required.');
    parameters.set(name, value);
    return { Version: 1, Tier: 'Standard' };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    try {
      const input = JSON.parse(body === '' ? '{}' : body) as JsonObject;
      if (denials > 0) {
        denials -= 1;
        throw new ServiceError('AccessDeniedException', 400, 'User is not authorized to perform: ssm:GetParametersByPath');
      }
      switch (request.headers['x-amz-target']) {
        case 'AmazonSSM.GetParametersByPath':
          reads += 1;
          { sendJson(response, 200, getParametersByPath(input)); return; }
        case 'AmazonSSM.PutParameter':
          { sendJson(response, 200, putParameter(input)); return; }
        default:
          throw clientError('UnknownOperationException', `Unknown operation ${String(request.headers['x-amz-target'])}.`);
      }
    } catch (error) {
      const failure = asServiceError(error);
      sendJson(response, failure.status, { __type: failure.type, message: failure.message }, failure.type);
    }
  }

  const { endpoint, close: closeServer } = await listenOnLoopback(handle);
  return {
    endpoint,
    put(name, value) {
      parameters.set(name, value);
    },
    client(overrides = {}) {
      const client = new SSMClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
      clients.push(client);
      return client;
    },
    env: () => standInEnvironment('AWS_ENDPOINT_URL_SSM', endpoint),
    denyReads(times = 1) {
      denials = times;
    },
    get reads() {
      return reads;
    },
    async close() {
      for (const client of clients) client.destroy();
      await closeServer();
    },
  };
}
