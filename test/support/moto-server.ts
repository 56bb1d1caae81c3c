// moto_server: a second Secrets Manager, written independently of our stand-in, for the store's
// integration tests. Started on 127.0.0.1 on a free port, and stopped by the test that started it.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freePort } from './free-port.js';

export interface MotoServer {
  readonly endpoint: string;
  /** How long it took from spawning to answering, in ms. */
  readonly startupMs: number;
  /** A real SDK client pointed at it (dummy credentials); destroyed by close(). */
  client(): SecretsManagerClient;
  close(): Promise<void>;
}

/** The moto_server executable on PATH, or undefined when it is not installed. */
export function findMotoServer(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export async function startMotoServer(executable: string): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const startedAt = performance.now();
  const moto = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const exited = new Promise<void>((resolve) => moto.once('exit', () => { resolve(); }));
  let output = '';

  // Werkzeug prints "Running on http://127.0.0.1:<port>" once it listens; wait for that, not for a clock.
  await new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(`Running on ${endpoint}`)) resolve();
    };
    moto.stdout.on('data', onOutput);
    moto.stderr.on('data', onOutput);
    moto.once('error', reject);
    moto.once('exit', (code) => { reject(new Error(`moto_server exited (code ${code}) before it listened on ${endpoint}:\n${output}`)); });
  });
  const clients: SecretsManagerClient[] = [];
  async function stop(): Promise<void> {
    for (const client of clients) client.destroy();
    if (moto.exitCode === null && moto.signalCode === null) moto.kill('SIGTERM');
    await exited;
  }
  try {
    await answers(endpoint, 5);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoint,
    startupMs: Math.round(performance.now() - startedAt),
    client() {
      const client = new SecretsManagerClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'AKIAMOTOEXAMPLE', secretAccessKey: 'moto-secret-access-key' },
      });
      clients.push(client);
      return client;
    },
    close: stop,
  };
}

/** Asks moto's own API until it answers, at most `tries` times. */
async function answers(endpoint: string, tries: number): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`moto_server on ${endpoint} printed that it listens but does not answer.`, { cause: lastError });
}
