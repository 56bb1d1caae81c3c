// `npm start` is what a newcomer runs first: it must keep working, and keep its promise of no values.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm start (the local end-to-end run)', () => {
  it('rotates, reports status, heals drift with sync, and exits 0 with Secrets Manager in sync', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/local/run.ts'], { cwd: process.cwd() });

    expect(stdout).toMatch(/1\. Scheduled rotation .*\n\s+\w+\s+rotated\s+prolific secret [0-9a-f]{24}\s+version [0-9a-f-]{36}/);
    expect(stdout).toMatch(/2\. Status from the console.*\n(\s+\w+\s+unchanged .*drift false\n){2}/);
    expect(stdout).toMatch(/3\. Sync from the console.*\n\s+\w+\s+healed .*\n\s+\w+\s+unchanged/);
    expect(stdout.match(/^OK /gm)).toHaveLength(2);
    // Every value the stand-in issues is 32 random bytes in base64url (43 characters); none may be printed.
    expect(stdout).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });
});
