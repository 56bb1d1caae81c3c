// What the local stand-ins of AWS services share: the AWS JSON 1.1 protocol (POST /, the operation in
// `X-Amz-Target`, errors as `{"__type", "message"}`), the test account and credentials, and a loopback
// server that close() really closes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIASTANDINEXAMPLE', secretAccessKey: 'stand-in-secret-access-key' };

export type JsonObject = Record<string, unknown>;

/**
 * The environment for code that builds its own SDK client against a stand-in: the service's endpoint
 * variable (`AWS_ENDPOINT_URL_SSM`, ...), the region and the test credentials.
 */
export function standInEnvironment(endpointVariable: string, endpoint: string): Record<string, string> {
  return {
    [endpointVariable]: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  };
}

/** An error answered to the caller as `{"__type", "message"}` with its HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const clientError = (type: string, message: string) => new ServiceError(type, 400, message);

/** Sees each request a stand-in reads, with its body (call-recorder.ts). */
export type RequestObserver = (request: IncomingMessage, body: string) => void;
const requestObservers = new Set<RequestObserver>();

/** Shows `observer` every request any stand-in reads from now on; returns what stops it. */
export function observeRequests(observer: RequestObserver): () => void {
  requestObservers.add(observer);
  return () => {
    requestObservers.delete(observer);
  };
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      for (const observe of requestObservers) observe(request, body);
      resolve(body);
    });
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: JsonObject, errorType?: string): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
}

/** The error a stand-in answers for anything that is not a ServiceError: its own bug, as a 500. */
export function asServiceError(error: unknown): ServiceError {
  return error instanceof ServiceError
    ? error
    : new ServiceError('InternalFailure', 500, `The stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Starts `handle` on a free port of 127.0.0.1; close() ends hanging requests and keep-alive sockets too. */
export async function listenOnLoopback(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ endpoint: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    // Only reading the body can reject (the caller went away); there is nobody left to answer.
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
      server.closeAllConnections();
    });
    return closing;
  };
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, close };
}
