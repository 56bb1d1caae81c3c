// What hostile deliveries cost the receiver kit: CPU time and memory for a 6 MB forged body (refused on its
// size) and for a deeply nested one, against a Secrets Manager stand-in. Run: npx tsx bench/receiver-kit.ts
import { performance } from 'node:perf_hooks';
import { createDeliveryVerifier, signDelivery, type Delivery } from '../lambda/receiver-kit/index.js';
import { startSecretsManagerStandIn } from '../local/standins/secrets-manager.js';

const ROUNDS = 20;
const VALUE = 'bench-signing-secret';

function forged(body: string, timestamp: string): Delivery {
  return {
    headers: { 'x-prolific-request-signature': signDelivery('a-guess', timestamp, body), 'x-prolific-request-timestamp': timestamp },
    rawBody: body,
  };
}


async function measure(name: string, verify: (delivery: Delivery) => Promise<unknown>, body: string): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  // Signed once, outside the measure: the cost is the receiver's, not the forger's.
  const delivery = forged(body, timestamp);
  const outcome = await verify(delivery);
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let round = 0; round < ROUNDS; round++) await verify(delivery);
  const wallMs = (performance.now() - start) / ROUNDS;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / ROUNDS;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const figures = `wall ${wallMs.toFixed(3)} ms  cpu ${cpuMs.toFixed(3)} ms  heap +${heapMb.toFixed(1)} MB`;
  console.log(`${name.padEnd(38)} ${JSON.stringify(outcome).padEnd(40)} ${figures}`);
}

const standIn = await startSecretsManagerStandIn();
try {
  const stored = JSON.stringify({ id: 's1', value: VALUE, workspace_id: 'ws', rotated_at: new Date().toISOString() });
  const { arn } = standIn.createSecret('prolific/bench', stored);
  const verify = createDeliveryVerifier({ secretId: arn, client: standIn.client() });
  console.log(`node ${process.version}, ${new Date().toISOString()}: per delivery, mean of ${ROUNDS} after one warm-up`);
  await measure('6 MB forged JSON body', verify, `{"padding":"${'x'.repeat(6 * 1024 * 1024)}"}`);
  const underLimit = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, n) => ({ n })) });
  await measure(`${Math.round(underLimit.length / 1024)} KiB forged JSON body (under the limit)`, verify, underLimit);
  await measure('10 KB body nested 5,000 deep', verify, `${'['.repeat(5000)}${']'.repeat(5000)}`);
  await measure('typical forged delivery', verify, '{"event_type":"study.status.change","resource_id":"abc","status":"AWAITING REVIEW"}');
} finally {
  await standIn.close();
}
