// The verifier facing the open internet: oversized, deeply nested and replayed deliveries, re-serialised
// bodies kept narrow, a Secrets Manager that does not answer, and a rotation time in the future.
import { createServer, type Server, type Socket } from 'node:net';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryVerifier, ReceiverSecretError, signDelivery, type Delivery } from '../../../lambda/receiver-kit/index.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { REGION, TEST_CREDENTIALS } from '../../../local/standins/aws-json.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const TIMESTAMP = String(NOW.getTime() / 1000);
const VALUE = 'current-signing-secret';
const BODY = '{"event_type":"study.status.change","resource_id":"abc","status":"AWAITING REVIEW"}';

let standIn: SecretsManagerStandIn | undefined;
let blackHole: { server: Server; sockets: Set<Socket> } | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
  if (blackHole) {
    for (const socket of blackHole.sockets) socket.destroy();
    const { server } = blackHole;
    await new Promise((resolve) => server.close(resolve));
    blackHole = undefined;
  }
});

const stored = (value: string, rotatedAt = NOW) =>
  JSON.stringify({ id: `id-${value}`, value, workspace_id: 'ws', rotated_at: rotatedAt.toISOString() });

async function verifier(options: { clock?: () => Date; maxBodyBytes?: number; previous?: string; current?: string } = {}) {
  standIn = await startSecretsManagerStandIn();
  const { arn } = standIn.createSecret('prolific/ws', options.previous ?? options.current ?? stored(VALUE));
  if (options.previous !== undefined) {
    await standIn.client().send(new PutSecretValueCommand({ SecretId: arn, SecretString: options.current ?? stored(VALUE) }));
  }
  const now = options.clock ?? (() => NOW);
  const verify = createDeliveryVerifier({ secretId: arn, client: standIn.client(), now, maxBodyBytes: options.maxBodyBytes });
  return { verify, secretId: arn };
}

function delivery(body: string | Uint8Array, { signedBody = body, value = VALUE, eventId = 'event-1' } = {}): Delivery {
  return {
    headers: {
      'x-prolific-request-signature': signDelivery(value, TIMESTAMP, signedBody),
      'x-prolific-request-timestamp': TIMESTAMP,
      'x-event-id': eventId,
    },
    rawBody: body,
  };
}

describe('createDeliveryVerifier: body size', () => {
  it('refuses a 6 MB body, even one correctly signed, before reading the secret, hashing or parsing it', async () => {
    const { verify } = await verifier();
    const large = `{"padding":"${'x'.repeat(6 * 1024 * 1024)}"}`;

    const asText = await verify(delivery(large));
    const asBytes = await verify(delivery(Buffer.from(large)));

    expect([asText, asBytes]).toEqual([{ ok: false, reason: 'body-too-large' }, { ok: false, reason: 'body-too-large' }]);
    expect(standIn?.calls).toHaveLength(0);
  });

  it('counts bytes, not characters, against maxBodyBytes, and accepts a body exactly at the limit', async () => {
    const { verify } = await verifier({ maxBodyBytes: 20 });
    const atLimit = '{"a":"0123456789ab"}';
    const overInUtf8 = '{"a":"ééé12345678"}'; // 19 characters, 22 bytes

    expect(await verify(delivery(atLimit))).toMatchObject({ ok: true });
    expect(await verify(delivery(overInUtf8))).toEqual({ ok: false, reason: 'body-too-large' });
  });

  it.each([0, 1.5, Number.NaN])('refuses maxBodyBytes %j', (maxBodyBytes) => {
    const client = new SecretsManagerClient({ region: REGION });

    expect(() => createDeliveryVerifier({ secretId: 's', client, maxBodyBytes })).toThrow(/maxBodyBytes/);
  });
});

describe('createDeliveryVerifier: hostile bodies', () => {
  it('rejects a 10 KB body nested 5,000 deep with a junk signature, without throwing', async () => {
    const { verify } = await verifier();
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;

    const result = await verify(delivery(nested, { value: 'junk' }));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['a header given as a number', { 'x-prolific-request-signature': 42, 'x-prolific-request-timestamp': TIMESTAMP }, BODY],
    ['an empty header list', { 'x-prolific-request-signature': [], 'x-prolific-request-timestamp': TIMESTAMP }, BODY],
    ['no headers object', null, BODY],
    ['a timestamp too large for a date', { 'x-prolific-request-signature': 'AAAA', 'x-prolific-request-timestamp': '9'.repeat(400) }, BODY],
    ['a body that is neither text nor bytes', { 'x-prolific-request-signature': 'AAAA', 'x-prolific-request-timestamp': TIMESTAMP }, 42],
    [
      'invalid UTF-8 bytes',
      { 'x-prolific-request-signature': signDelivery('junk', TIMESTAMP, BODY), 'x-prolific-request-timestamp': TIMESTAMP },
      Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]),
    ],
  ])('answers a rejection, never a throw, for %s', async (_case, headers, rawBody) => {
    const { verify } = await verifier();

    const result = await verify({ headers, rawBody } as unknown as Delivery);

    expect(result.ok).toBe(false);
  });
});

describe('createDeliveryVerifier: the re-serialised fallback', () => {
  it('says a delivery verified on its raw bytes', async () => {
    const { verify } = await verifier();

    expect(await verify(delivery(BODY))).toMatchObject({ ok: true, form: 'raw' });
  });

  it('rejects a body repeating a key, even when its re-serialised form was signed', async () => {
    const { verify } = await verifier();
    const raw = '{"status":"APPROVED","status":"REJECTED"}';

    const result = await verify(delivery(raw, { signedBody: '{"status": "REJECTED"}' }));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('tries no re-serialised form of a body nested deeper than 32 levels', async () => {
    const { verify } = await verifier();
    const deep = `${'['.repeat(33)}1${']'.repeat(33)}`;

    const result = await verify(delivery(deep.replaceAll('[', '[ '), { signedBody: deep }));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('tries no re-serialised form of a body over 64 KiB', async () => {
    const { verify } = await verifier();
    const compact = `{"padding":"${'x'.repeat(64 * 1024)}"}`;

    const result = await verify(delivery(compact.replace(':', ': '), { signedBody: compact }));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('createDeliveryVerifier: replays', () => {
  it('accepts a delivery once, whatever X-Event-ID (which is not signed) its copies carry', async () => {
    const { verify } = await verifier();

    const results = [];
    for (const eventId of ['event-1', 'event-2', 'event-3']) results.push(await verify(delivery(BODY, { eventId })));

    expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual(['ok', 'replayed', 'replayed']);
  });

  it('gives the hex of the signed digest as the replay key', async () => {
    const { verify } = await verifier();

    const result = await verify(delivery(BODY));

    expect(result).toMatchObject({ replayKey: Buffer.from(signDelivery(VALUE, TIMESTAMP, BODY), 'base64').toString('hex') });
  });

  it.each([
    ['unpadded', (signature: string) => signature.replace(/=+$/, '')],
    ['URL-safe', (signature: string) => signature.replaceAll('+', '-').replaceAll('/', '_')],
    ['with spaces', (signature: string) => ` ${signature.slice(0, 8)} ${signature.slice(8)}`],
  ])('refuses the signature spelled %s', async (_case, respell) => {
    const { verify } = await verifier();
    // A body whose signature has + or / and padding, so that each respelling differs.
    const candidates = Array.from({ length: 50 }, (_, index) => `{"n":${index}}`);
    const body = candidates.find((candidate) => /[+/].*=$/.test(signDelivery(VALUE, TIMESTAMP, candidate))) ?? BODY;
    const genuine = delivery(body);
    const signature = genuine.headers['x-prolific-request-signature'] as string;

    const result = await verify({ ...genuine, headers: { ...genuine.headers, 'x-prolific-request-signature': respell(signature) } });

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('createDeliveryVerifier: a Secrets Manager that does not answer', () => {
  /** A loopback server that accepts connections and never answers. */
  async function startBlackHole(): Promise<string> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket));
    blackHole = { server, sockets };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  it('fails every waiting delivery with a ReceiverSecretError naming the deadline, within readDeadlineMs', async () => {
    const endpoint = await startBlackHole();
    const client = new SecretsManagerClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const verify = createDeliveryVerifier({ secretId: 'prolific/ws', client, now: () => NOW, readDeadlineMs: 50 });

    const pending = [verify(delivery(BODY)), verify(delivery(BODY.replace('abc', 'def')))];
    const failures = await Promise.all(pending.map((verification) => verification.catch((error: unknown) => error)));

    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ReceiverSecretError);
      expect(failure).toMatchObject({ awsErrorName: 'TimeoutError' });
      expect((failure as Error).message).toMatch(/did not answer within 50 ms.*not a permission problem/);
    }
  });

  it('keeps verifying with the last keys read, saying so, while a re-read fails, then words the failure as a network one', async () => {
    let clock = NOW;
    standIn = await startSecretsManagerStandIn();
    const { arn } = standIn.createSecret('prolific/ws', stored(VALUE));
    const verify = createDeliveryVerifier({ secretId: arn, client: standIn.client({ maxAttempts: 1 }), now: () => clock });
    const at = (date: Date, body: string): Delivery => {
      const timestamp = String(date.getTime() / 1000);
      const headers = { 'x-prolific-request-signature': signDelivery(VALUE, timestamp, body), 'x-prolific-request-timestamp': timestamp };
      return { headers, rawBody: body };
    };
    expect(await verify(at(clock, BODY))).toMatchObject({ ok: true, staleKeys: false });
    await standIn.close();
    standIn = undefined;

    clock = new Date(NOW.getTime() + 301_000);
    const stale = await verify(at(clock, BODY));
    clock = new Date(NOW.getTime() + 1201_000);
    const failure = await verify(at(clock, BODY)).catch((error: unknown) => error);

    expect(stale).toMatchObject({ ok: true, matched: 'AWSCURRENT', staleKeys: true });
    expect(failure).toMatchObject({ name: 'ReceiverSecretError', awsErrorName: 'ECONNREFUSED' });
    expect((failure as Error).message).toMatch(/Cannot reach Secrets Manager.*network failure/);
    expect((failure as Error).message).not.toContain('secretsmanager:GetSecretValue');
  });
});

describe('createDeliveryVerifier: a rotation time in the future', () => {
  it('gives AWSPREVIOUS no grace when the current secret says it was rotated later than now', async () => {
    const rotatedInAnHour = stored(VALUE, new Date(NOW.getTime() + 3_600_000));
    const { verify } = await verifier({ previous: stored('previous-secret'), current: rotatedInAnHour });

    const result = await verify(delivery(BODY, { value: 'previous-secret' }));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
    expect(standIn?.calls.map((call) => call.versionStage).filter(Boolean)).not.toContain('AWSPREVIOUS');
  });
});
