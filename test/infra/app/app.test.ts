import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** Runs infra/app/app.ts as `cdk synth` does, with `context` as the CLI passes it; resolves to the failure, if any. */
async function synthesize(context: Record<string, unknown>): Promise<{ code: number; stderr: string } | undefined> {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app/app.ts'], {
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }) },
  });
  return run.then(
    () => undefined,
    // execFile rejects with the child's exit code and what it wrote.
    (error: unknown) => error as { code: number; stderr: string },
  );
}

describe('the CDK app (infra/app/app.ts, as `cdk synth` runs it)', () => {
  it('stops with one readable line naming the missing context key, and no stack trace', async () => {
    const failure = await synthesize({});

    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^Cannot synthesize ProlificWebhookSecretRotation\. Context key "workspaces" is required: .*-c workspaces=/);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });

  // Each wrong value's message is tested where it is made (stack-settings, the construct); here, that one
  // thrown while the construct is built, past the settings, also ends in one line.
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'more created secrets than a stack holds',
      { workspaces: Array.from({ length: 500 }, (_, index) => `ws-${index}`).join(',') },
      /would hold \d+ resources; CloudFormation allows 500 in one stack\. .*adopt existing secrets instead .*context "workspaces" with <workspace id>=<secret name or ARN>/,
    ],
    [
      // Found only at synthesis, once CDK has added the role's overflow policies: 390 secrets and 115 others.
      'a limit found only at synthesis',
      { workspaces: Array.from({ length: 390 }, (_, index) => `ws-${index}`).join(',') },
      /Validation failed with the following errors: .*would hold 505 resources; CloudFormation allows 500 in one stack\./,
    ],
  ])('stops on %s with one line naming the key, never a stack trace', async (_case, context, message) => {
    const failure = await synthesize(context);

    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(message);
  });
});
