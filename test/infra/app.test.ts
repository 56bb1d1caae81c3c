import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the CDK app (infra/app.ts, as `cdk synth` runs it)', () => {
  it('stops with one readable line naming the missing context key, and no stack trace', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      env: { ...process.env, CDK_CONTEXT_JSON: '{}' },
    });

    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^Cannot synthesize ProlificWebhookSecretRotation\. Context key "workspaces" is required: .*-c workspaces=/);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});
