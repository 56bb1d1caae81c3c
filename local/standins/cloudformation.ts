/**
 * A local AWS CloudFormation for tests, as far as the command line uses it: DescribeStacks over the AWS
 * Query protocol (a form-encoded POST, an XML answer) on 127.0.0.1, so the real
 * `@aws-sdk/client-cloudformation` talks to it unchanged. It knows the stacks it was started with, by name or
 * stack id, and answers any other with CloudFormation's `ValidationError` "Stack with id X does not exist".
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudFormationClient, type CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import {
  ACCOUNT_ID,
  asServiceError,
  clientError,
  listenOnLoopback,
  readBody,
  REGION,
  standInEnvironment,
  TEST_CREDENTIALS,
} from './aws-json.js';

export interface StandInStack {
  readonly name: string;
  /** Output key to value, e.g. `{ FunctionName: 'prolific-rotation' }`. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface CloudFormationStandIn {
  readonly endpoint: string;
  /** A real SDK client pointed at this stand-in. */
  client(overrides?: Partial<CloudFormationClientConfig>): CloudFormationClient;
  /** Environment for code that builds its own client (AWS_ENDPOINT_URL_CLOUDFORMATION and credentials). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export async function startCloudFormationStandIn(stacks: readonly StandInStack[]): Promise<CloudFormationStandIn> {
  const stackId = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${name}/${randomUUID()}`;
  const known = stacks.map((stack) => ({ ...stack, id: stackId(stack.name) }));
  const clients: CloudFormationClient[] = [];

  function describeStacks(parameters: URLSearchParams): string {
    const wanted = parameters.get('StackName');
    // Without a name CloudFormation lists every stack; the command line always names one.
    const found = wanted === null ? known : known.filter((stack) => stack.name === wanted || stack.id === wanted);
    if (wanted !== null && found.length === 0) throw clientError('ValidationError', `Stack with id ${wanted} does not exist`);
    const members = found.map(
      (stack) =>
        `<member><StackId>${xml(stack.id)}</StackId><StackName>${xml(stack.name)}</StackName>` +
        '<CreationTime>2026-01-01T00:00:00.000Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>' +
        `<Outputs>${Object.entries(stack.outputs)
          .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
          .join('')}</Outputs></member>`,
    );
    return (
      `<DescribeStacksResponse xmlns="${NAMESPACE}"><DescribeStacksResult><Stacks>${members.join('')}</Stacks></DescribeStacksResult>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parameters = new URLSearchParams(await readBody(request));
    try {
      const action = parameters.get('Action');
      if (request.method !== 'POST' || action !== 'DescribeStacks') {
        throw clientError('InvalidAction', `The action ${String(action)} is not valid for this web service.`);
      }
      send(response, 200, describeStacks(parameters));
    } catch (error) {
      const failure = asServiceError(error);
      send(
        response,
        failure.status,
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${failure.status < 500 ? 'Sender' : 'Receiver'}</Type>` +
          `<Code>${xml(failure.type)}</Code><Message>${xml(failure.message)}</Message></Error>` +
            `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    }
  }

  const { endpoint, close: closeServer } = await listenOnLoopback(handle);
  return {
    endpoint,
    client(overrides = {}) {
      const client = new CloudFormationClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
      clients.push(client);
      return client;
    },
    env: () => standInEnvironment('AWS_ENDPOINT_URL_CLOUDFORMATION', endpoint),
    async close() {
      for (const client of clients) client.destroy();
      await closeServer();
    },
  };
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(body);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
