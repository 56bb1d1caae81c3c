import { createServer } from 'node:net';

/** A loopback port the OS says is free right now (bound on port 0, then released for the caller to use). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => { resolve(); });
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('The OS gave no free loopback port.');
  return address.port;
}
