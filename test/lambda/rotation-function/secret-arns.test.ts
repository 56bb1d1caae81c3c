// Every configured secret resolved to its full ARN before anything is written, so that one secret named two
// ways is recognised: no two workspaces share a secret, and no workspace writes over the API token.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ID_TAG } from '../../../lambda/contract/secret-tags.js';
import { SecretStoreError } from '../../../lambda/rotation-function/errors.js';
import { createSecretIdentities, resolveTargets } from '../../../lambda/rotation-function/secret-arns.js';
import type { SecretStore } from '../../../lambda/rotation-function/secrets/store.js';
import { harnessPerTest, postCalls, TEST_WORKSPACES, writeCalls } from '../../support/harness.js';

const [WORKSPACE, OTHER_WORKSPACE] = TEST_WORKSPACES;
const setUp = harnessPerTest();

const ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
const TOKEN_ARN = ARN('prolific/api-token');
const target = (workspaceId: string, secretId: string) => ({ workspaceId, secretId, format: 'json' as const });

/**
 * A store that describes the secrets named (by name or ARN) in `arns`, each tagged for the workspace `tags`
 * gives its id (if any), and records every id it was asked about.
 */
function describingStore(arns: Record<string, string>, tags: Record<string, string> = {}) {
  const described: string[] = [];
  const store = {
    describe: (secretId: string) => {
      described.push(secretId);
      const arn = arns[secretId];
      if (arn === undefined) {
        return Promise.reject(new SecretStoreError(`Secrets Manager DescribeSecret on ${secretId} failed`, 'ResourceNotFoundException'));
      }
      const workspaceTag = tags[secretId];
      const versions = { arn, currentVersionId: undefined, pendingVersionId: undefined, rotationEnabled: false, stages: {} };
      return Promise.resolve(workspaceTag === undefined ? versions : { ...versions, workspaceTag });
    },
  };
  return { store: store as unknown as SecretStore, described };
}

describe('identity at an invocation: every secret resolved to its full ARN before anything is written', () => {
  const tokenName = 'prolific/api-token';

  it('refuses a workspace whose secret is the token secret named by its ARN, and leaves the token alone', async () => {
    const h = await setUp();
    const tokenArn = h.tokenSecretId;
    h.env.PROLIFIC_TOKEN_SECRET_ID = tokenName;
    h.env.ROTATION_TARGETS = JSON.stringify([
      { workspaceId: WORKSPACE, secretId: tokenArn },
      { workspaceId: OTHER_WORKSPACE, secretId: h.secretIdFor(OTHER_WORKSPACE) },
    ]);
    h.coldStart();

    const { error } = await h.invoke({ action: 'rotate' });

    const refused = new RegExp(`${WORKSPACE}: failed at step pre-flight: ConfigurationError: Its secret .* is the API token secret`);
    expect(error?.message).toMatch(refused);
    expect(error?.message).toMatch(new RegExp(`${OTHER_WORKSPACE}: rotated`));
    expect(h.secretsManager.valueAt(tokenArn)).toBe(h.prolific.token);
    expect(postCalls(h).map((call) => call.workspaceId)).toEqual([OTHER_WORKSPACE]);
  });

  it('refuses two workspaces configured with the same secret, one by name and one by ARN', async () => {
    const h = await setUp();
    const arn = h.secretIdFor(WORKSPACE);
    const name = arn.split(':secret:')[1]?.slice(0, -7) ?? '';
    h.env.ROTATION_TARGETS = JSON.stringify([
      { workspaceId: WORKSPACE, secretId: arn },
      { workspaceId: OTHER_WORKSPACE, secretId: name },
    ]);
    h.coldStart();

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.message).toMatch(/2 of 2 workspace\(s\) failed/);
    const shared = `Its secret ${arn} is also configured for workspace ${OTHER_WORKSPACE};`;
    expect(error?.message).toMatch(new RegExp(`${WORKSPACE}: failed at step pre-flight: ConfigurationError: ${shared}`));
    expect(postCalls(h)).toHaveLength(0);
    expect(writeCalls(h)).toHaveLength(0);
  });

  it('refuses a workspace whose secret is tagged for another workspace, before Prolific is called or anything is written', async () => {
    const h = await setUp();
    const created = await h.secretsManager.client().send(
      new CreateSecretCommand({
        Name: 'prolific/webhook-signing-secret/tagged-for-the-other',
        SecretString: '{}',
        Tags: [{ Key: WORKSPACE_ID_TAG, Value: OTHER_WORKSPACE }],
      }),
    );
    h.env.ROTATION_TARGETS = JSON.stringify([{ workspaceId: WORKSPACE, secretId: created.ARN }]);
    h.coldStart();
    const writesBefore = writeCalls(h).length;

    const { error } = await h.invoke({ action: 'rotate' });

    const refused = `${WORKSPACE}: failed at step pre-flight: WorkspaceMismatchError: Its secret ${created.ARN ?? ''} is tagged ` +
      `${WORKSPACE_ID_TAG}=${OTHER_WORKSPACE}: it is the secret of workspace ${OTHER_WORKSPACE}, not of ${WORKSPACE}`;
    expect(error?.message).toContain(refused);
    expect(h.prolific.calls).toHaveLength(0);
    expect(writeCalls(h)).toHaveLength(writesBefore);
  });

  it('reports and works on the full ARN of a secret configured by name', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    const arn = h.secretIdFor(WORKSPACE);
    h.env.ROTATION_TARGETS = JSON.stringify([{ workspaceId: WORKSPACE, secretId: arn.split(':secret:')[1]?.slice(0, -7) }]);
    h.coldStart();

    const { report } = await h.invoke({ action: 'sync' });

    expect(report?.results[0]).toMatchObject({ outcome: 'healed', secretId: arn });
  });
});

describe('createSecretIdentities', () => {
  it('describes each distinct secret once, and remembers its ARN until forget()', async () => {
    const { store, described } = describingStore({ a: ARN('a'), b: ARN('b') });
    const identities = createSecretIdentities(store, 2);

    const first = await identities.resolve(['a', 'b', 'a']);
    await identities.resolve(['a', 'b']);
    identities.forget();
    await identities.resolve(['a']);

    expect(first).toEqual(new Map([['a', { arn: ARN('a') }], ['b', { arn: ARN('b') }]]));
    expect(described).toEqual(['a', 'b', 'a']);
  });

  it('remembers the workspace each secret is tagged for with its ARN', async () => {
    const { store, described } = describingStore({ a: ARN('a') }, { a: 'ws-a' });
    const identities = createSecretIdentities(store, 2);

    await identities.resolve(['a']);
    const again = await identities.resolve(['a']);

    expect(again.get('a')).toEqual({ arn: ARN('a'), workspaceTag: 'ws-a' });
    expect(described).toEqual(['a']);
  });

  it('answers the error of a secret that could not be described, and describes it again next time', async () => {
    const { store, described } = describingStore({});
    const identities = createSecretIdentities(store, 2);

    const resolved = await identities.resolve(['missing']);
    await identities.resolve(['missing']);

    expect(resolved.get('missing')).toMatchObject({ error: { name: 'SecretStoreError', awsErrorName: 'ResourceNotFoundException' } });
    expect(described).toEqual(['missing', 'missing']);
  });
});

describe('resolveTargets', () => {
  const resolve = (arns: Record<string, string>, targets: ReturnType<typeof target>[], tokenSecretId = 'prolific/api-token') =>
    resolveTargets(createSecretIdentities(describingStore(arns).store, 2), targets, tokenSecretId);

  it('gives each target the full ARN of its secret', async () => {
    const resolved = await resolve({ 'prolific/api-token': TOKEN_ARN, 'webhook/a': ARN('webhook/a') }, [target('ws-a', 'webhook/a')]);

    expect(resolved).toEqual([{ target: target('ws-a', ARN('webhook/a')) }]);
  });

  it('fails a target whose secret cannot be described with that error, and leaves the others to run', async () => {
    const arns = { 'prolific/api-token': TOKEN_ARN, 'webhook/b': ARN('webhook/b') };

    const resolved = await resolve(arns, [target('ws-a', 'webhook/a'), target('ws-b', 'webhook/b')]);

    expect(resolved[0]?.failure).toMatchObject({ name: 'SecretStoreError', awsErrorName: 'ResourceNotFoundException' });
    expect(resolved[1]).toEqual({ target: target('ws-b', ARN('webhook/b')) });
  });

  it('fails every target when the token secret cannot be described, since none can be told apart from it', async () => {
    const resolved = await resolve({ 'webhook/a': ARN('webhook/a') }, [target('ws-a', 'webhook/a')]);

    const failure = resolved[0]?.failure as Error | undefined;
    expect(failure?.name).toBe('ConfigurationError');
    expect(failure?.message).toMatch(
      /^Could not describe the API token secret prolific\/api-token \(Secrets Manager DescribeSecret .*needs secretsmanager:DescribeSecret on the token secret\.$/,
    );
  });

  it('fails a target whose secret is the token secret named another way', async () => {
    const resolved = await resolve({ 'prolific/api-token': TOKEN_ARN, [TOKEN_ARN]: TOKEN_ARN }, [target('ws-a', TOKEN_ARN)]);

    const failure = resolved[0]?.failure as Error | undefined;
    expect(failure?.name).toBe('ConfigurationError');
    expect(failure?.message).toContain(`is the API token secret ${TOKEN_ARN}`);
  });

  it('fails a target whose secret is tagged for another workspace, naming both, and runs one tagged for itself', async () => {
    const arns = { 'prolific/api-token': TOKEN_ARN, 'webhook/a': ARN('webhook/a'), 'webhook/b': ARN('webhook/b') };
    const identities = createSecretIdentities(describingStore(arns, { 'webhook/a': 'ws-b', 'webhook/b': 'ws-b' }).store, 2);

    const resolved = await resolveTargets(identities, [target('ws-a', 'webhook/a'), target('ws-b', 'webhook/b')], 'prolific/api-token');

    expect(resolved[0]?.failure).toMatchObject({ name: 'WorkspaceMismatchError' });
    expect((resolved[0]?.failure as Error).message).toMatch(
      new RegExp(`^Its secret ${ARN('webhook/a')} is tagged ${WORKSPACE_ID_TAG}=ws-b: it is the secret of workspace ws-b, not of ws-a, ` +
        'so nothing was written to it\\. .*deploy the stack again'),
    );
    expect(resolved[1]).toEqual({ target: target('ws-b', ARN('webhook/b')) });
  });

  it('fails both workspaces that share one secret, each naming the other', async () => {
    const arns = { 'prolific/api-token': TOKEN_ARN, 'webhook/a': ARN('webhook/a'), [ARN('webhook/a')]: ARN('webhook/a') };

    const resolved = await resolve(arns, [target('ws-a', 'webhook/a'), target('ws-b', ARN('webhook/a'))]);

    expect(resolved.map((entry) => (entry.failure as Error | undefined)?.message)).toEqual([
      expect.stringContaining(`Its secret ${ARN('webhook/a')} is also configured for workspace ws-b;`),
      expect.stringContaining(`Its secret ${ARN('webhook/a')} is also configured for workspace ws-a;`),
    ]);
  });
});
