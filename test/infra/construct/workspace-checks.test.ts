// The checks of the configured workspaces that need the construct tree: a warning for an id not of Prolific's
// shape, and a refusal of an adopted secret in another region than the stack's.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { ProlificWebhookSecretRotation } from '../../../infra/construct/prolific-webhook-secret-rotation.js';
import { rejectSecretsInOtherRegions, warnUnusualWorkspaceIds } from '../../../infra/construct/workspace-checks.js';
import { TEST_ENV, testApp } from '../../support/synth.js';

const PROLIFIC_ID = '6655443322110099aabbccdd';
const arnIn = (region: string, name: string) => `arn:aws:secretsmanager:${region}:123456789012:secret:${name}-AbC123`;
const newStack = () => new Stack(testApp(), 'ChecksStack', { env: TEST_ENV });

describe('warnUnusualWorkspaceIds', () => {
  it('warns once for each id not of Prolific\'s shape, naming it, and never for a Prolific id', () => {
    const stack = newStack();

    warnUnusualWorkspaceIds(stack, [PROLIFIC_ID, 'ws-a', '6655443322110099AABBCCDD']);

    const warnings = stack.node.metadata.filter(({ type }) => type === 'aws:cdk:warning');
    expect(warnings.map(({ data }) => String(data))).toEqual([
      expect.stringMatching(/^workspaces: "ws-a" is not 24 lowercase hex digits, the shape of Prolific's workspace ids; check it/),
      expect.stringMatching(/^workspaces: "6655443322110099AABBCCDD" is not 24 lowercase hex digits/),
    ]);
  });

  it('is what the construct does at synthesis, and the construct still accepts such an id', () => {
    const stack = newStack();

    new ProlificWebhookSecretRotation(stack, 'Rotation', { workspaces: [{ workspaceId: 'ws-a' }, { workspaceId: PROLIFIC_ID }] });

    Annotations.fromStack(stack).hasWarning('/ChecksStack/Rotation', Match.stringLikeRegexp('^workspaces: "ws-a" is not 24 lowercase hex'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(PROLIFIC_ID))).toEqual([]);
  });
});

describe('rejectSecretsInOtherRegions', () => {
  it("refuses a workspace's adopted secret in another region, naming the workspace and both regions", () => {
    const stack = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Elsewhere', arnIn('us-east-1', 'prolific/webhook'));

    expect(() => {
      new ProlificWebhookSecretRotation(stack, 'Rotation', { workspaces: [{ workspaceId: 'ws-a', secret }] });
    }).toThrow(
      /^workspaces: the secret of workspace "ws-a" \(arn:aws:secretsmanager:us-east-1:.*\) is in region us-east-1, but the stack deploys to eu-west-2; /,
    );
  });

  it('refuses an adopted token secret in another region', () => {
    const stack = newStack();
    const token = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', arnIn('us-east-1', 'prolific/token'));

    expect(() => {
      rejectSecretsInOtherRegions(stack, new Map(), token);
    }).toThrow(
      /^apiTokenSecret: the secret \(.*\) is in region us-east-1, but the stack deploys to eu-west-2/,
    );
  });

  it("accepts secrets in the stack's region, secrets named without a region, and any region while the stack's is a token", () => {
    const stack = newStack();
    const here = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Here', arnIn('eu-west-2', 'prolific/webhook'));
    const byName = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prolific/other');
    const token = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', arnIn('eu-west-2', 'prolific/token'));
    const agnostic = new Stack(new App(), 'AnyRegion');
    const elsewhere = secretsmanager.Secret.fromSecretCompleteArn(agnostic, 'Elsewhere', arnIn('us-east-1', 'prolific/webhook'));

    expect(() => {
      rejectSecretsInOtherRegions(stack, new Map([['ws-a', here], ['ws-b', byName]]), token);
    }).not.toThrow();
    expect(() => {
      rejectSecretsInOtherRegions(agnostic, new Map([['ws-a', elsewhere]]), elsewhere);
    }).not.toThrow();
  });
});
