// The whole loop on loopback: Prolific's stand-in delivers signed events continuously to a receiver built
// with the kit while the real handler rotates the secret; forged deliveries arrive faster still. Time is
// simulated (the receiver's clock and the deliveries' timestamps advance together, no test waits), so
// 20 s of traffic runs in a few seconds, the same way on every machine.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryVerifier, type DeliveryVerification } from '../../../lambda/receiver-kit/index.js';
import { startHarness, type Harness } from '../../support/harness.js';

const WORKSPACE = '6655443322110099aabbccdd';
const GENUINE_EVERY_MS = 50; // 20 a second
const FORGED_EVERY_MS = 10; // 100 a second
const ROTATE_AT_MS = 8_000;
const RUN_FOR_MS = 20_000;
const REREAD_INTERVAL_S = 10; // the kit's default
const PROLIFIC_FIRST_RETRY_MS = 60_000; // Prolific retries a failed delivery after about a minute

let harness: Harness | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await harness?.close();
  const server = receiver;
  if (server) await new Promise((resolve) => server.close(resolve));
  harness = undefined;
  receiver = undefined;
});

/** A plain Node receiver built with the kit: 200 for a verified delivery, 401 otherwise. */
async function startReceiver(
  verify: (headers: IncomingMessage['headers'], body: string) => Promise<DeliveryVerification>,
): Promise<string> {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      verify(request.headers, Buffer.concat(chunks).toString('utf8')).then(
        (result) => response.writeHead(result.ok ? 200 : 401).end(),
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/prolific`;
}

describe('deliveries through a rotation', () => {
  const title =
    "accepts every genuine delivery (at once, or on Prolific's retry), while forged ones cost one Secrets Manager read per interval";
  it(title, async () => {
    // Prepare: one workspace in sync; a receiver on the kit, with the clock the deliveries are stamped with.
    harness = await startHarness({ workspaces: [WORKSPACE] });
    const h = harness;
    await h.invoke({ action: 'sync' });
    const start = Date.now();
    let clockMs = start;
    // The receiver's own client, so its reads (one DescribeSecret each) are counted apart from the function's.
    const receiverClient = h.secretsManager.client();
    const readsAt: number[] = [];
    receiverClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DescribeSecretCommand') readsAt.push(clockMs - start);
        return next(args);
      },
      { step: 'initialize', name: 'countReceiverReads' },
    );
    const verifyDelivery = createDeliveryVerifier({
      secretId: h.secretIdFor(WORKSPACE),
      client: receiverClient,
      now: () => new Date(clockMs),
    });
    h.prolific.subscribe(WORKSPACE, await startReceiver((headers, rawBody) => verifyDelivery({ headers, rawBody })));

    // Act: 20 s of traffic; the schedule rotates at 8 s; failed genuine deliveries are retried a minute later.
    const firstAttempts = new Map<string, number | 'unreachable'>();
    const retried: string[] = [];
    let forgedAccepted = 0;
    for (let elapsed = 0; elapsed < RUN_FOR_MS; elapsed += FORGED_EVERY_MS) {
      clockMs = start + elapsed;
      const at = new Date(clockMs);
      if (elapsed === ROTATE_AT_MS) expect((await h.invoke({ action: 'rotate' })).error).toBeUndefined();
      const [forged] = await h.prolific.deliver(WORKSPACE, { resource_id: `forged-${elapsed}` }, { at, signWith: 'a-guess' });
      if (forged?.status === 200) forgedAccepted += 1;
      if (elapsed % GENUINE_EVERY_MS !== 0) continue;
      const [genuine] = await h.prolific.deliver(WORKSPACE, { resource_id: `genuine-${elapsed}` }, { at });
      firstAttempts.set(`genuine-${elapsed}`, genuine?.status ?? 'unreachable');
    }
    const rejected = [...firstAttempts].filter(([, status]) => status !== 200).map(([resource]) => resource);
    for (const resource of rejected) {
      clockMs = start + Number(resource.replace('genuine-', '')) + PROLIFIC_FIRST_RETRY_MS;
      const [retry] = await h.prolific.deliver(WORKSPACE, { resource_id: resource }, { at: new Date(clockMs) });
      if (retry?.status === 200) retried.push(resource);
    }

    // Assess
    const rejectedAt = rejected.map((resource) => Number(resource.replace('genuine-', '')));
    expect(firstAttempts.size).toBe(RUN_FOR_MS / GENUINE_EVERY_MS);
    expect(forgedAccepted).toBe(0);
    // Every genuine delivery is accepted: at once, or, within one re-read interval after the rotation, on the retry.
    expect(retried).toEqual(rejected);
    expect(rejectedAt.every((at) => at >= ROTATE_AT_MS && at < ROTATE_AT_MS + REREAD_INTERVAL_S * 1000)).toBe(true);
    // 100 forged deliveries a second, yet the receiver read the secret to fill its cache, and after that a
    // mismatch made it read again at most once per re-read interval (no two re-reads within 10 s).
    const [fill, ...rereads] = readsAt;
    expect(fill).toBe(0);
    expect(rereads.slice(1).every((at, index) => at - (rereads[index] ?? -Infinity) >= REREAD_INTERVAL_S * 1000)).toBe(true);
    expect(rereads.length).toBeLessThanOrEqual(Math.ceil((RUN_FOR_MS + PROLIFIC_FIRST_RETRY_MS) / (REREAD_INTERVAL_S * 1000)));
  }, 120_000);
});
