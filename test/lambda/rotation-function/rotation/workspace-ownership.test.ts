// A run never writes over a secret that holds another workspace's signing secret: not when a target list was
// changed under the function (two workspaces' secrets swapped), and not through any entry point.
import { beforeEach, describe, expect, it } from 'vitest';
import { TARGET_SECRET_PLACEHOLDER } from '../../../../lambda/contract/secret-formats.js';
import { AWSCURRENT, AWSPENDING } from '../../../../lambda/contract/staging-labels.js';
import type { Action } from '../../../../lambda/contract/report.js';
import { processNativeStep } from '../../../../lambda/rotation-function/rotation/native-steps.js';
import { processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { serialise } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import type { RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { ensureSecretOfWorkspace } from '../../../../lambda/rotation-function/rotation/workspace-ownership.js';
import { harnessPerTest, postCalls, TARGETS_PARAMETER_PATH, TEST_WORKSPACES, writeCalls } from '../../../support/harness.js';
import { createProtocolFixture, SECRET_ID, TARGET, WORKSPACE, writesTo, type ProtocolFixture } from './protocol-fixture.js';

const OTHER_WORKSPACE = 'ws-2';
const OTHERS_SECRET = { id: 'secret-of-ws-2', value: 'signing-value-of-ws-2', workspaceId: OTHER_WORKSPACE };
const OTHERS_JSON = serialise('json', OTHERS_SECRET, new Date('2026-11-01T10:00:00.000Z'));
const version = (secretString: string | undefined) => ({ versionId: 'v1', secretString, createdAt: undefined });

let fixture: ProtocolFixture;

beforeEach(() => {
  fixture = createProtocolFixture();
});

describe('ensureSecretOfWorkspace', () => {
  it.each([
    ['no current version', undefined],
    ['the placeholder', TARGET_SECRET_PLACEHOLDER],
    ['a bare value', 'a-bare-signing-secret'],
    ['JSON without a workspace', '{}'],
    ["this workspace's JSON", serialise('json', { ...OTHERS_SECRET, workspaceId: WORKSPACE }, new Date())],
  ])('lets a run write over %s', (_case, secretString) => {
    expect(() => {
      ensureSecretOfWorkspace(TARGET, secretString === undefined ? undefined : version(secretString));
    }).not.toThrow();
  });

  it.each([
    ['the stored JSON', OTHERS_JSON],
    ['hand-edited JSON that still names its workspace', JSON.stringify({ value: 'x', workspace_id: OTHER_WORKSPACE })],
  ])("refuses another workspace's secret in %s, naming both workspaces and no value", (_case, secretString) => {
    let failure: unknown;
    try {
      ensureSecretOfWorkspace(TARGET, version(secretString));
    } catch (error) {
      failure = error;
    }

    expect(failure).toMatchObject({ name: 'WorkspaceMismatchError' });
    const { message } = failure as Error;
    expect(message).toMatch(new RegExp(`the signing secret of workspace ${OTHER_WORKSPACE} .*not of ${WORKSPACE}, so nothing was written`));
    expect(message).toMatch(/deploy the stack again to write its list back, or correct ROTATION_TARGETS/);
    expect(message).not.toContain(OTHERS_SECRET.value);
  });
});

describe("processTarget over another workspace's secret", () => {
  it.each<[Action, boolean]>([
    ['sync', false],
    ['rotate', false],
    ['rotate', true],
    ['status', false],
  ])('fails %s (dry run: %s) at pre-flight, before Prolific is called or anything is written', async (action, dryRun) => {
    fixture.store.seed(SECRET_ID, 'v-other', OTHERS_JSON, [AWSCURRENT]);

    const result = await processTarget(TARGET, { action, dryRun }, fixture.deps);

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'pre-flight' });
    expect(result.error).toMatch(/^WorkspaceMismatchError: /);
    expect(result.error).toContain('Prolific was not called');
    expect(fixture.prolific.calls).toEqual([]);
    expect(writesTo(fixture.store)).toEqual([]);
    expect(fixture.store.valueAt(SECRET_ID, AWSCURRENT)).toBe(OTHERS_JSON);
  });

  it('refuses it for a workspace stored plain too, which would otherwise write its bare value over the JSON', async () => {
    const plain: RotationTarget = { ...TARGET, format: 'plain' };
    fixture.store.seed(SECRET_ID, 'v-other', OTHERS_JSON, [AWSCURRENT]);

    const result = await processTarget(plain, { action: 'sync', dryRun: false }, fixture.deps);

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'pre-flight' });
    expect(writesTo(fixture.store)).toEqual([]);
  });

  it("still syncs a secret holding this workspace's own earlier secret", async () => {
    fixture.storeInSync();
    fixture.prolific.replace(WORKSPACE);

    const result = await processTarget(TARGET, { action: 'sync', dryRun: false }, fixture.deps);

    expect(result.outcome).toBe('healed');
  });
});

describe("processNativeStep over another workspace's secret", () => {
  const TOKEN = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

  it('fails createSecret without the POST or a write', async () => {
    fixture.store.seed(SECRET_ID, 'v-other', OTHERS_JSON, [AWSCURRENT]);
    fixture.store.setRotationEnabled(SECRET_ID, true);
    fixture.store.seed(SECRET_ID, TOKEN, undefined, [AWSPENDING]);

    const result = await processNativeStep(TARGET, 'createSecret', TOKEN, fixture.deps);

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(result.error).toMatch(/^WorkspaceMismatchError: .*workspace ws-2 .*not of ws-1/);
    expect(fixture.prolific.calls).toEqual([]);
    expect(writesTo(fixture.store)).toEqual([]);
  });
});

describe("through the handler: two workspaces' secrets swapped in the SSM target list", () => {
  const setUp = harnessPerTest({ targetsIn: 'parameters' });
  const [first, second] = TEST_WORKSPACES;

  it("fails both at pre-flight, naming both workspaces, and writes neither's secret into the other's", async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    const before = [h.secretsManager.valueAt(h.secretIdFor(first)), h.secretsManager.valueAt(h.secretIdFor(second))];
    const writesBefore = writeCalls(h).length;
    h.ssm.put(`${TARGETS_PARAMETER_PATH}/00`, JSON.stringify([{ workspaceId: first, secretId: h.secretIdFor(second) }]));
    h.ssm.put(`${TARGETS_PARAMETER_PATH}/01`, JSON.stringify([{ workspaceId: second, secretId: h.secretIdFor(first) }]));
    h.coldStart();

    const { error } = await h.invoke({ action: 'sync' });

    expect(error?.message).toMatch(/2 of 2 workspace\(s\) failed/);
    const refused = (workspace: string, owner: string) =>
      new RegExp(`${workspace}: failed at step pre-flight: WorkspaceMismatchError: .*workspace ${owner} .*not of ${workspace}`);
    expect(error?.message).toMatch(refused(first, second));
    expect(error?.message).toMatch(refused(second, first));
    expect([h.secretsManager.valueAt(h.secretIdFor(first)), h.secretsManager.valueAt(h.secretIdFor(second))]).toEqual(before);
    expect(writeCalls(h)).toHaveLength(writesBefore);
    expect(postCalls(h)).toHaveLength(0);
    h.assertNoSecretLeaked(error);
  });
});
