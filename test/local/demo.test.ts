// `npm start` is what a newcomer runs first: it must keep working, and keep its promise of no values.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm start (the local end-to-end run)', () => {
  it(
    'shows the whole loop: sync, deliveries verified before, during and after a rotation, a forgery refused, delivery health',
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/demo.ts'], { cwd: process.cwd() });

      expect(stdout).toMatch(/1\. First run .*\n(\s+\w+\s+healed\s+prolific secret [0-9a-f]{24}\s+version [0-9a-f-]{36}.*\n){2}/);
      expect(stdout).toMatch(/2\. Deliveries before the rotation: verified, verified, verified/);
      expect(stdout).toMatch(/3\. Scheduled rotation .*\n\s+\.\.\.deliveries during it .*: verified, verified\n\s+\w+\s+rotated /);
      expect(stdout).toMatch(/4\. Deliveries after the rotation: verified, verified, verified/);
      expect(stdout).toMatch(/5\. A forged delivery: rejected \(401\)/);
      expect(stdout).toMatch(/6\. Status .*\n\s+\w+\s+unchanged .*0 failed since rotation\n\s+\w+\s+unchanged .*1 failed since rotation/);
      expect(stdout).toMatch(/Events for receivers on the bus: 3/);
      expect(stdout.match(/^OK /gm)).toHaveLength(3);
      // Every value the stand-in issues is 32 random bytes in base64url (43 characters); none may be printed.
      expect(stdout).not.toMatch(/[A-Za-z0-9_-]{43}/);
    },
  );
});
