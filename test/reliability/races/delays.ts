// Seeded random delays for races: on Prolific through its stand-in's `delay` fault, on Secrets Manager
// through a small proxy in front of its stand-in (which has no delay fault). Both delay at the server,
// so runs in other processes get them too.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProlificStandIn } from '../../../local/standins/prolific.js';
import type { Random } from '../runs/seeded-random.js';

/** Delays the next `requests` Prolific requests (any method or workspace) by 0 to `maxMs` each. */
export function delayProlificRequests(prolific: ProlificStandIn, random: Random, requests: number, maxMs: number): void {
  for (let index = 0; index < requests; index++) {
    prolific.injectFault({ fault: { kind: 'delay', ms: random.int(maxMs + 1) }, times: 1 });
  }
}

export interface DelayingProxy {
  /** e.g. http://127.0.0.1:43121, to use as AWS_ENDPOINT_URL_SECRETS_MANAGER */
  readonly url: string;
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 that forwards every request to `targetUrl` after 0 to `maxMs`. */
export async function startDelayingProxy(targetUrl: string, random: Random, maxMs: number): Promise<DelayingProxy> {
  const target = new URL(targetUrl);
  const shutdown = new AbortController();

  async function forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    await sleep(random.int(maxMs + 1), undefined, { signal: shutdown.signal });
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    upstream.end(Buffer.concat(chunks));
  }

  const server = createServer((incoming, outgoing) => {
    // Only a caller that went away or a proxy being closed ends up here; there is nobody left to answer.
    forward(incoming, outgoing).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { resolve(); });
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
