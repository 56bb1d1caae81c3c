// The receiver kit as a user gets it: the package packed (`npm pack` builds it), installed from the tarball
// into a project outside this repository, imported from compiled JavaScript through its subpath, and
// verifying a delivery whose signature came from an independent implementation (openssl).
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installInto, packForConsumer } from '../../support/packed-package.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';

const execFile = promisify(execFileCallback);
const SIGNING_SECRET = 'cGNqFPb6y0RT3XO9XVSessBDYIbHQ-example';
const BODY = '{"event_type":"study.status.change","resource_id":"abc","status":"AWAITING REVIEW"}';

const CONSUMER = `
import { createDeliveryVerifier } from 'prolific-webhook-secret-rotation/receiver';
import { prolificDeliveryVerifier } from 'prolific-webhook-secret-rotation/receiver/middleware';
const verify = createDeliveryVerifier({ secretId: process.env.SECRET_ID });
const result = await verify({ headers: JSON.parse(process.env.HEADERS), rawBody: process.env.BODY });
const middleware = typeof prolificDeliveryVerifier({ secretId: process.env.SECRET_ID }).before;
console.log(JSON.stringify({ result, middleware }));
`;

let project: string;
let standIn: SecretsManagerStandIn;
/** What beforeAll made, to remove after the tests (however far beforeAll got). */
const made: (() => unknown)[] = [];

beforeAll(async () => {
  const packed = await packForConsumer('receiver-kit-', { name: 'consumer', private: true, type: 'module' });
  made.push(packed.remove);
  project = packed.project;
  writeFileSync(join(project, 'consumer.mjs'), CONSUMER);
  await installInto(project, [packed.tarball]);
  standIn = await startSecretsManagerStandIn();
  made.push(() => standIn.close());
}, 180_000);

afterAll(async () => {
  await Promise.all(made.map((remove) => remove()));
});

/** base64(HMAC-SHA256(key, timestamp + body)), computed by openssl rather than by the kit. */
function opensslSignature(key: string, timestamp: string, body: string): string {
  return execFileSync('openssl', ['dgst', '-sha256', '-hmac', key, '-binary'], { input: `${timestamp}${body}` }).toString('base64');
}

describe('the receiver kit as a package', () => {
  it('installs without the CDK: aws-cdk-lib and constructs are optional peers', () => {
    const installed = join(project, 'node_modules', 'prolific-webhook-secret-rotation');
    expect(existsSync(join(installed, 'dist', 'lambda', 'receiver-kit', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'aws-cdk-lib'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'constructs'))).toBe(false);
  });

  it("brings the Secrets Manager client and no other AWS SDK client: the command line's are bundled into it", () => {
    const clients = readdirSync(join(project, 'node_modules', '@aws-sdk')).filter((name) => name.startsWith('client-'));

    expect(clients).toEqual(['client-secrets-manager']);
  });

  it('verifies, from compiled JavaScript, a delivery signed by openssl, and rejects a forged one', async () => {
    const secretId = standIn.createSecret(
      'prolific/webhook-signing-secret/package-test',
      JSON.stringify({ id: 's1', value: SIGNING_SECRET, workspace_id: 'ws', rotated_at: new Date().toISOString() }),
    ).arn;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const run = (signature: string) =>
      execFile(process.execPath, ['consumer.mjs'], {
        cwd: project,
        env: {
          ...process.env,
          ...standIn.env(),
          SECRET_ID: secretId,
          BODY,
          HEADERS: JSON.stringify({
            'X-Prolific-Request-Signature': signature,
            'X-Prolific-Request-Timestamp': timestamp,
            'X-Event-ID': 'e-1',
          }),
        },
      });

    const HEX_DIGEST: unknown = expect.stringMatching(/^[0-9a-f]{64}$/);
    const genuine: unknown = JSON.parse((await run(opensslSignature(SIGNING_SECRET, timestamp, BODY))).stdout);
    const forged = JSON.parse((await run(opensslSignature('another-secret', timestamp, BODY))).stdout) as { result: unknown };

    expect(genuine).toEqual({
      result: { ok: true, eventId: 'e-1', matched: 'AWSCURRENT', form: 'raw', replayKey: HEX_DIGEST, staleKeys: false },
      middleware: 'function',
    });
    expect(forged.result).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
