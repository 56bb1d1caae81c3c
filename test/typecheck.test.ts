// The type check, as one test of the fast suite: it runs beside the other test files instead of before all of
// them, and a type error fails `npm test` (and CI's count) with tsc's own report as the message.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

it('tsc --noEmit finds no type error in lambda/, infra/, cli/, bench/, local/, scripts/ or test/', async () => {
  const report = await new Promise<string>((resolve) => {
    const args = [tsc, '--noEmit', '--pretty', 'false'];
    execFile(process.execPath, args, { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve(error === null ? '' : `${stdout}${stderr}`.trim() || error.message);
    });
  });

  expect(report).toBe('');
}, 300_000);
