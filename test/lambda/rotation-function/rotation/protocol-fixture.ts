// One target over in-memory fakes of the protocol's two interfaces, for the tests that drive a step of the
// protocol through processTarget (protocol, resume, replace-secret and settle tests).
import { serialise, versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import type { RotationDependencies, RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPENDING } from '../../../../lambda/contract/staging-labels.js';
import { createInMemorySecretStore, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import { createScriptedProlific, type ScriptedProlific } from '../../../standins/scripted-prolific.js';

export const WORKSPACE = 'ws-1';
export const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prolific/ws-1-AbCdEf';
export const TARGET: RotationTarget = { workspaceId: WORKSPACE, secretId: SECRET_ID, format: 'json' };
export const NOW = new Date('2026-12-01T10:00:00.000Z');

export interface ProtocolFixture {
  readonly prolific: ScriptedProlific;
  readonly store: InMemorySecretStore;
  /** The attributes of every warning logged. */
  readonly warnings: Record<string, unknown>[];
  readonly deps: RotationDependencies;
  /** Stores Prolific's active secret as AWSCURRENT, as a successful earlier run left it; returns its version id. */
  readonly storeInSync: (rotatedAt?: string) => string;
  /** Stores Prolific's active secret as AWSPENDING beside the current version: a run cut off before promotion. */
  readonly leavePending: (versionId?: string) => string;
}

export function createProtocolFixture(): ProtocolFixture {
  const prolific = createScriptedProlific([WORKSPACE]);
  const store = createInMemorySecretStore();
  const warnings: Record<string, unknown>[] = [];
  const logger = { warn: (_message: string, attributes: Record<string, unknown>) => warnings.push(attributes) };
  const deps: RotationDependencies = { prolific, store, logger, now: () => NOW };

  function storeInSync(rotatedAt = '2026-11-01T10:00:00.000Z'): string {
    const active = prolific.active(WORKSPACE);
    if (!active) throw new Error('no active secret to store');
    const versionId = versionIdFor(WORKSPACE, active.id);
    store.seed(SECRET_ID, versionId, serialise('json', active, new Date(rotatedAt)), [AWSCURRENT]);
    return versionId;
  }

  function leavePending(versionId = versionIdFor(WORKSPACE, prolific.active(WORKSPACE)?.id ?? '')): string {
    const active = prolific.active(WORKSPACE);
    if (!active) throw new Error('no active secret to store');
    store.seed(SECRET_ID, versionId, serialise('json', active, NOW), [AWSPENDING]);
    return versionId;
  }

  return { prolific, store, warnings, deps, storeInSync, leavePending };
}

/** How many POSTs Prolific was sent. */
export const postsTo = (prolific: ScriptedProlific): number => prolific.calls.filter((call) => call.startsWith('createSecret')).length;

/** Every store call that writes (all but reads). */
export const writesTo = (store: InMemorySecretStore): string[] =>
  store.calls.filter((call) => !call.startsWith('describe') && !call.startsWith('readVersion'));
