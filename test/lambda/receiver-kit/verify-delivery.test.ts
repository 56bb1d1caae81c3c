// The receiver module over the Secrets Manager stand-in with the real SDK client; the rotation case runs the
// real rotation handler through the harness. Every server a test starts is closed after it.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDeliveryVerifier,
  ReceiverSecretError,
  signDelivery,
  type Delivery,
  type DeliveryVerifierOptions,
} from '../../../lambda/receiver-kit/index.js';
import { defined } from '../../support/defined.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';

const WORKSPACE = '6655443322110099aabbccdd';
const NOW = new Date('2026-11-26T12:00:00.000Z');
const BODY = '{"event_type":"study.status.change","resource_id":"6655443322110099aabbccdd","status":"AWAITING REVIEW"}';
const PREVIOUS = { id: 'secret-1', value: 'previous-signing-secret' };
const CURRENT = { id: 'secret-2', value: 'current-signing-secret' };
const PENDING = { id: 'secret-3', value: 'pending-signing-secret' };

let standIn: SecretsManagerStandIn | undefined;
let harness: Harness | undefined;
let clock = NOW;
afterEach(async () => {
  await Promise.all([standIn?.close(), harness?.close()]);
  standIn = undefined;
  harness = undefined;
  clock = NOW;
});

const secondsAfter = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);
const unixSeconds = (date: Date) => String(Math.floor(date.getTime() / 1000));

function storedJson(secret: { id: string; value: string }, rotatedAt = NOW): string {
  return JSON.stringify({ ...secret, workspace_id: WORKSPACE, rotated_at: rotatedAt.toISOString() });
}

/** A target secret with these versions (SecretString JSON); the previous one, if any, is AWSPREVIOUS. */
async function seedSecret(versions: { previous?: string; current: string; pending?: string }): Promise<string> {
  standIn = await startSecretsManagerStandIn();
  const { arn } = standIn.createSecret(`prolific/webhook-signing-secret/${WORKSPACE}`, versions.previous ?? versions.current);
  const client = standIn.client();
  if (versions.previous !== undefined) await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: versions.current }));
  if (versions.pending !== undefined) {
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: versions.pending, VersionStages: ['AWSPENDING'] }));
  }
  return arn;
}

function verifierFor(secretId: string, options: Partial<DeliveryVerifierOptions> = {}) {
  if (!standIn) throw new Error('seedSecret first');
  return createDeliveryVerifier({ client: standIn.client(), secretId, now: () => clock, ...options });
}

/** A delivery as Prolific sends it, signed with `value` at `at`, headers lowercased as API Gateway passes them. */
function delivery(
  value: string,
  { body = BODY, at = clock, signedBody = body }: { body?: string; at?: Date; signedBody?: string } = {},
): Delivery {
  const timestamp = unixSeconds(at);
  return {
    headers: {
      'x-prolific-request-signature': signDelivery(value, timestamp, signedBody),
      'x-prolific-request-timestamp': timestamp,
      'x-event-id': 'event-1',
    },
    rawBody: body,
  };
}

/** What an accepted delivery verifies to: its event id, the key, the form of the body, and a hex replay key. */
function accepted(matched: string, { eventId = 'event-1', form = 'raw' }: { eventId?: string; form?: string } = {}) {
  return { ok: true, eventId, matched, form, replayKey: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, staleKeys: false };
}

/** The Secrets Manager calls made since `mark`, e.g. `GetSecretValue AWSCURRENT`. */
function callsSince(secretsManager: SecretsManagerStandIn, mark: number): string[] {
  return secretsManager.calls
    .slice(mark)
    .map((call) => (call.versionStage === undefined ? call.operation : `${call.operation} ${call.versionStage}`));
}

describe('signDelivery', () => {
  it('follows the README recipe: base64(HMAC-SHA256(key = the value as UTF-8, message = timestamp + body))', () => {
    // Prepare: the vector comes from Prolific's own Python sample (hmac.new(SECRET.encode(), str.encode(timestamp + body),
    // hashlib.sha256), base64). The key looks like base64 and must be used as-is; the body has a non-ASCII character.
    const secretValue = 'cGNqFPb6y0RT3XO9XVSessBDYIbHQ-example';
    const timestamp = '1795694400';
    const body = '{"event_type":"study.status.change","resource_id":"6655443322110099aabbccdd","status":"AWAITING REVIEW","note":"café"}';

    // Act
    const fromText = signDelivery(secretValue, timestamp, body);
    const fromBytes = signDelivery(secretValue, timestamp, Buffer.from(body, 'utf8'));

    // Assess
    expect(fromText).toBe('g8MNn7lqfHV1L54Rvtspc9UM1VBtiMlu+mkIoPS3Qmg=');
    expect(fromBytes).toBe(fromText);
  });
});

describe('createDeliveryVerifier: the delivery', () => {
  it('accepts a delivery signed with AWSCURRENT and gives its X-Event-ID to deduplicate on', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));

    const result = await verify(delivery(CURRENT.value));

    expect(result).toEqual(accepted('AWSCURRENT'));
  });

  it('reads headers in any letter case and a body given as bytes', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));
    const timestamp = unixSeconds(NOW);

    const result = await verify({
      headers: {
        'X-Prolific-Request-Signature': [signDelivery(CURRENT.value, timestamp, BODY)],
        'X-PROLIFIC-REQUEST-TIMESTAMP': timestamp,
        'X-Event-Id': 'event-7',
      },
      rawBody: new TextEncoder().encode(BODY),
    });

    expect(result).toEqual(accepted('AWSCURRENT', { eventId: 'event-7' }));
  });

  it('rejects a tampered body', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));
    const signed = delivery(CURRENT.value);

    const result = await verify({ ...signed, rawBody: BODY.replace('AWAITING REVIEW', 'APPROVED') });

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a delivery signed with another secret', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));

    const result = await verify(delivery('some-other-secret'));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['no signature', 'x-prolific-request-signature', undefined],
    ['no timestamp', 'x-prolific-request-timestamp', undefined],
    ['an empty signature', 'x-prolific-request-signature', ''],
  ])('rejects a delivery with %s, without reading the secret', async (_case, header, value) => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));
    const signed = delivery(CURRENT.value);

    const result = await verify({ ...signed, headers: { ...signed.headers, [header]: value } });

    expect(result).toEqual({ ok: false, reason: 'missing-headers' });
    expect(standIn?.calls).toHaveLength(0);
  });

  it.each(['Thu, 26 Nov 2026 12:00:00 GMT', '-1795694400', '0x6b0b4f40'])(
    'rejects the timestamp %j as not UNIX seconds',
    async (timestamp) => {
      const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));

      const result = await verify({
        headers: {
          'x-prolific-request-signature': signDelivery(CURRENT.value, timestamp, BODY),
          'x-prolific-request-timestamp': timestamp,
        },
        rawBody: BODY,
      });

      expect(result).toEqual({ ok: false, reason: 'invalid-timestamp' });
    },
  );

  it.each([
    [-301, { ok: false, reason: 'stale-timestamp' }],
    [301, { ok: false, reason: 'stale-timestamp' }],
    [-300, { ok: true, eventId: 'event-1', matched: 'AWSCURRENT' }],
    [300, { ok: true, eventId: 'event-1', matched: 'AWSCURRENT' }],
  ])('with the default tolerance of 300 s, answers a delivery signed %i s from now with %j', async (offset, expected) => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));

    const result = await verify(delivery(CURRENT.value, { at: secondsAfter(NOW, offset) }));

    expect(result).toMatchObject(expected);
  });

  it('reads no secret for a delivery it rejects as stale', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }), { toleranceSeconds: 60 });

    const result = await verify(delivery(CURRENT.value, { at: secondsAfter(NOW, -61) }));

    expect(result).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(standIn?.calls).toHaveLength(0);
  });

  it("falls back to the body as Python's json.dumps writes it again (Prolific's own sample)", async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));
    const rawBody = '{"status":"APPROVED","note":"café","ids":[1,2]}';

    const signedBody = '{"status": "APPROVED", "note": "caf\\u00e9", "ids": [1, 2]}';
    const result = await verify(delivery(CURRENT.value, { body: rawBody, signedBody }));

    expect(result).toEqual(accepted('AWSCURRENT', { form: 'reserialised' }));
  });

  it('falls back to the body as compact JSON', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));
    const rawBody = '{\n  "status": "APPROVED",\n  "ids": [1, 2]\n}';

    const result = await verify(delivery(CURRENT.value, { body: rawBody, signedBody: '{"status":"APPROVED","ids":[1,2]}' }));

    expect(result).toEqual(accepted('AWSCURRENT', { form: 'reserialised' }));
  });
});

describe('createDeliveryVerifier: versions and rotations', () => {
  it('accepts a delivery signed with AWSPENDING (a rotation in flight)', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT), pending: storedJson(PENDING) }));

    const result = await verify(delivery(PENDING.value));

    expect(result).toEqual(accepted('AWSPENDING'));
  });

  it('accepts AWSPREVIOUS for the default 300 s after the current secret\'s rotated_at, and not after', async () => {
    const secretId = await seedSecret({ previous: storedJson(PREVIOUS, secondsAfter(NOW, -3600)), current: storedJson(CURRENT, NOW) });
    const verify = verifierFor(secretId);

    clock = secondsAfter(NOW, 299);
    const withinGrace = await verify(delivery(PREVIOUS.value));
    clock = secondsAfter(NOW, 301);
    const afterGrace = await verify(delivery(PREVIOUS.value));
    const currentAfterGrace = await verify(delivery(CURRENT.value));

    expect(withinGrace).toEqual(accepted('AWSPREVIOUS'));
    expect(afterGrace).toEqual({ ok: false, reason: 'bad-signature' });
    expect(currentAfterGrace).toMatchObject({ ok: true, matched: 'AWSCURRENT' });
  });

  it('does not read AWSPREVIOUS once its grace period is over', async () => {
    const secretId = await seedSecret({
      previous: storedJson(PREVIOUS, secondsAfter(NOW, -3600)),
      current: storedJson(CURRENT, secondsAfter(NOW, -600)),
    });
    const mark = standIn?.calls.length ?? 0;

    await verifierFor(secretId)(delivery(CURRENT.value));

    expect(callsSince(defined(standIn), mark)).toEqual(['DescribeSecret', 'GetSecretValue AWSCURRENT']);
  });

  it('answers no-signing-secret while the secret holds something other than the stored shape (the placeholder)', async () => {
    const verify = verifierFor(await seedSecret({ current: '{"note":"written by the rotation function"}' }));

    const result = await verify(delivery(CURRENT.value));

    expect(result).toEqual({ ok: false, reason: 'no-signing-secret' });
  });

  it('treats a label that moved away between DescribeSecret and GetSecretValue as absent', async () => {
    const secretId = await seedSecret({ current: storedJson(CURRENT), pending: storedJson(PENDING) });
    standIn?.injectFault({ operation: 'GetSecretValue', afterCalls: 1, error: 'ResourceNotFoundException' });

    const result = await verifierFor(secretId)(delivery(CURRENT.value));

    expect(result).toMatchObject({ ok: true, matched: 'AWSCURRENT' });
  });

  it('verifies right after a real rotation: a warm verifier re-reads the secret once, and the old one keeps its grace', async () => {
    // Prepare: the real rotation handler, stamping rotated_at with the test clock; a verifier warmed with the first secret.
    harness = await startHarness({ workspaces: [WORKSPACE] });
    harness.coldStart({ now: () => NOW });
    await harness.invoke({ action: 'sync' });
    const before = harness.currentSecret(WORKSPACE);
    const verify = createDeliveryVerifier({
      client: harness.secretsManager.client(),
      secretId: harness.secretIdFor(WORKSPACE),
      now: () => clock,
    });
    expect(await verify(delivery(before?.value ?? ''))).toMatchObject({ ok: true, matched: 'AWSCURRENT' });

    const { error } = await harness.invoke({ action: 'rotate' });
    expect(error).toBeUndefined();
    const after = harness.currentSecret(WORKSPACE);
    expect(after?.id).not.toBe(before?.id);
    clock = secondsAfter(NOW, 5);
    const mark = harness.secretsManager.calls.length;

    // Act
    const signedWithNew = await verify(delivery(after?.value ?? ''));
    const signedWithOld = await verify(delivery(before?.value ?? ''));

    // Assess: one re-read (DescribeSecret and the two labels in grace), then the old secret from the cache.
    expect(signedWithNew).toEqual(accepted('AWSCURRENT'));
    expect(signedWithOld).toEqual(accepted('AWSPREVIOUS'));
    expect(callsSince(harness.secretsManager, mark)).toEqual(['DescribeSecret', 'GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS']);
    harness.assertNoSecretLeaked(signedWithNew, signedWithOld);
  });
});

describe('createDeliveryVerifier: cache', () => {
  it('caches the secret for the default 300 s', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT, secondsAfter(NOW, -3600)) }));
    const describes = () => standIn?.calls.filter((call) => call.operation === 'DescribeSecret').length;

    await verify(delivery(CURRENT.value));
    clock = secondsAfter(NOW, 299);
    await verify(delivery(CURRENT.value));
    const withinCache = describes();
    clock = secondsAfter(NOW, 300);
    await verify(delivery(CURRENT.value));

    expect(withinCache).toBe(1);
    expect(describes()).toBe(2);
  });

  it('re-reads the secret at most once per 10 s (the default interval) for a flood of bad signatures', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT, secondsAfter(NOW, -3600)) }));
    const describes = () => standIn?.calls.filter((call) => call.operation === 'DescribeSecret').length;
    const flood = async () => {
      for (let attempt = 0; attempt < 20; attempt++) expect(await verify(delivery('forged'))).toMatchObject({ reason: 'bad-signature' });
    };
    await verify(delivery(CURRENT.value));

    clock = secondsAfter(NOW, 10);
    await flood();
    const firstInterval = describes();
    clock = secondsAfter(NOW, 19.999);
    await flood();
    const sameInterval = describes();
    clock = secondsAfter(NOW, 20);
    await flood();

    // The first read, then one re-read after a mismatch per 10 s, whatever the number of forged deliveries.
    expect(firstInterval).toBe(2);
    expect(sameInterval).toBe(2);
    expect(describes()).toBe(3);
  });

  it('a forged delivery just before a rotation does not keep genuine ones out beyond the re-read interval', async () => {
    const secretId = await seedSecret({ current: storedJson(CURRENT, secondsAfter(NOW, -3600)) });
    const verify = verifierFor(secretId);
    await verify(delivery(CURRENT.value));
    clock = secondsAfter(NOW, 30);
    expect(await verify(delivery('forged'))).toMatchObject({ reason: 'bad-signature' });
    await standIn?.client().send(new PutSecretValueCommand({ SecretId: secretId, SecretString: storedJson(PENDING, clock) }));

    clock = secondsAfter(NOW, 31);
    const tooSoon = await verify(delivery(PENDING.value));
    clock = secondsAfter(NOW, 40);
    const afterInterval = await verify(delivery(PENDING.value));

    expect(tooSoon).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(afterInterval).toMatchObject({ ok: true, matched: 'AWSCURRENT' });
  });

  it('does not read again for a mismatch when it has just read the secret for this delivery', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }));

    const result = await verify(delivery('forged'));

    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
    expect(callsSince(defined(standIn), 0).filter((call) => call === 'DescribeSecret')).toHaveLength(1);
  });

  it('shares one read between concurrent deliveries', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT, secondsAfter(NOW, -3600)) }));

    // Five different deliveries: five copies of one would be replays.
    const deliveries = Array.from({ length: 5 }, (_, index) => delivery(CURRENT.value, { body: BODY.replace('}', `,"n":${index}}`) }));
    const results = await Promise.all(deliveries.map(verify));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(callsSince(defined(standIn), 0)).toEqual(['DescribeSecret', 'GetSecretValue AWSCURRENT']);
  });
});

describe('createDeliveryVerifier: configuration and failures', () => {
  it.each(['DescribeSecret', 'GetSecretValue'] as const)(
    'throws ReceiverSecretError naming the secret and the permissions, never a value, when %s is denied',
    async (operation) => {
      const secretId = await seedSecret({ current: storedJson(CURRENT) });
      standIn?.injectFault({ operation, error: 'AccessDeniedException', times: Infinity });

      const failure = await verifierFor(secretId)(delivery(CURRENT.value)).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ReceiverSecretError);
      expect(failure).toMatchObject({ name: 'ReceiverSecretError', awsErrorName: 'AccessDeniedException' });
      const { message } = failure as ReceiverSecretError;
      expect(message).toContain(secretId);
      expect(message).toContain('secretsmanager:GetSecretValue');
      expect(message).toContain('secretsmanager:DescribeSecret');
      expect(message).not.toContain(CURRENT.value);
    },
  );

  it.each([
    [{ toleranceSeconds: -1 }, /toleranceSeconds/],
    [{ cacheSeconds: Number.NaN }, /cacheSeconds/],
    [{ previousGraceSeconds: Number.POSITIVE_INFINITY }, /previousGraceSeconds/],
  ])('refuses the option %j', async (option, message) => {
    const secretId = await seedSecret({ current: storedJson(CURRENT) });

    expect(() => verifierFor(secretId, option)).toThrow(message);
  });

  it('gives an option passed as undefined its default', async () => {
    const verify = verifierFor(await seedSecret({ current: storedJson(CURRENT) }), { toleranceSeconds: undefined });

    const result = await verify(delivery(CURRENT.value, { at: secondsAfter(NOW, -301) }));

    expect(result).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});
