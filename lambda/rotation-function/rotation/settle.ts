// Making a stored version AWSCURRENT only while Prolific confirms it (confirm, promote, confirm again), and
// storing a Prolific secret as current that way, settling on Prolific's active secret when a concurrent
// rotation overtakes the write.
import { RotationConflictError, RotationUnconfirmedError, SecretStoreError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { CurrentVersion } from './result.js';
import { holdsSecret, readOnRecord, serialise, versionIdFor } from './stored-form.js';
import type { TargetRun } from './target-run.js';

/** A run whose Prolific secret keeps changing under it stops after this many store-and-check rounds. */
export const SETTLE_ROUNDS = 3;

/** A secret stored and made AWSCURRENT, and confirmed by Prolific as its active one. */
export interface Settled extends CurrentVersion {
  readonly versionId: string;
  readonly secret: ProlificSecret;
}

/** Tells whether the secret Prolific lists as active (undefined: none) is the one the run expects. */
export type IsExpected = (active: ProlificSecret | undefined) => boolean;

/** What Prolific listed as its active secret when asked, and whether it is the expected one. */
export interface Confirmation {
  readonly confirmed: boolean;
  readonly active: ProlificSecret | undefined;
}

/** What came of promoting a version under Prolific's confirmation. */
export interface Promotion extends Confirmation {
  /** True when the version was made AWSCURRENT: the check before the label move held. */
  readonly promoted: boolean;
}

/** Asks Prolific for its active secret, and whether it is the expected one. */
export async function confirmActive(run: TargetRun, isExpected: IsExpected): Promise<Confirmation> {
  run.step = 'confirm';
  const active = await run.prolific.getActiveSecret(run.target.workspaceId);
  return { confirmed: isExpected(active), active };
}

/**
 * Confirms with Prolific that its active secret is the expected one, makes `versionId` AWSCURRENT, then asks
 * Prolific once more. The first check keeps a secret Prolific does not list (a POST that did not take
 * effect, a pending version gone stale) out of AWSCURRENT and AWSPREVIOUS. The second tells whether a
 * concurrent rotation overtook this run between the check and the label move, leaving AWSCURRENT on a
 * secret that no longer works: `confirmed` is true only when both checks held.
 */
export async function promoteConfirmed(run: TargetRun, versionId: string, isExpected: IsExpected): Promise<Promotion> {
  const before = await confirmActive(run, isExpected);
  if (!before.confirmed) return { ...before, promoted: false };
  await run.store.promote(run.target.secretId, versionId);
  return { ...(await confirmActive(run, isExpected)), promoted: true };
}

/**
 * Stores `secret` as AWSPENDING and promotes it while Prolific confirms it (promoteConfirmed). When a
 * concurrent rotation overtook this run, the run stores Prolific's newer secret instead, so concurrent runs
 * converge on the secret Prolific signs with.
 *
 * `replaces` is the id of Prolific's secret before a POST: if Prolific still lists it, the POST did not
 * rotate anything, and the run fails rather than report a rotation without evidence.
 */
export async function storeAsCurrent(run: TargetRun, secret: ProlificSecret, replaces?: string): Promise<Settled> {
  const { workspaceId } = run.target;
  let candidate = secret;
  for (let round = 1; ; round++) {
    const stored = await storePending(run, candidate);
    const { confirmed, promoted, active } = await promoteConfirmed(run, stored.versionId, hasId(candidate.id));
    if (confirmed) return stored;
    if (!promoted) await run.store.dropPending(run.target.secretId, stored.versionId);
    if (active === undefined) {
      throw new RotationConflictError('Prolific reports no active secret right after one was stored.');
    }
    if (replaces !== undefined && active.id === replaces) {
      run.step = 'rotate'; // nothing was rotated: what a failed POST means for receivers applies
      throw new RotationUnconfirmedError(
        `Prolific answered the POST with secret ${candidate.id}, but still lists ${replaces} as ` +
          'its active secret, so nothing was rotated; the answer was not made AWSCURRENT. Run {"action": "rotate"} again later.',
      );
    }
    if (round === SETTLE_ROUNDS) {
      throw new RotationConflictError(
        `Prolific's secret changed ${SETTLE_ROUNDS} times while this run stored it ` +
          '(another rotation running at the same time?). Run {"action": "sync"} once the other run is done.',
      );
    }
    run.logger.warn('Prolific secret changed while it was being stored; storing the newer one', {
      workspace_id: workspaceId,
      rotation_step: run.step,
      prolific_secret_id: active.id,
    });
    candidate = active;
  }
}

/**
 * Writes `secret` as AWSPENDING under its derived version id. When that version exists already (an earlier
 * or concurrent run stored the same Prolific secret), what it holds counts, `rotated_at` included.
 */
async function storePending(run: TargetRun, secret: ProlificSecret): Promise<Settled> {
  const { workspaceId, secretId, format } = run.target;
  run.step = 'store';
  const versionId = versionIdFor(workspaceId, secret.id, format);
  const now = run.now();
  const version = await run.store.putPending(secretId, serialise(format, secret, now), versionId);
  const onRecord = readOnRecord(format, version);
  if (!holdsSecret(onRecord, secret)) {
    throw new SecretStoreError(
      `Version ${versionId} of ${secretId} already exists and holds something other than Prolific's secret ${secret.id}; ` +
        'Secrets Manager never changes a version, so this secret cannot be stored under its id. Replace the secret in ' +
        'the Prolific app (a new secret gets a new version id), then run {"action": "sync"}.',
      'ResourceExistsException',
    );
  }
  return { versionId, secret, rotatedAt: onRecord?.rotatedAt ?? now.toISOString() };
}

/** Expects Prolific to list the secret with this id as its active one. */
function hasId(id: string): IsExpected {
  return (active) => active?.id === id;
}
