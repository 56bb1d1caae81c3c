// How the protocol relates a Prolific secret to its stored form and its Secrets Manager version.
import { createHash } from 'node:crypto';
import type { ProlificSecret } from '../prolific/types.js';
import type { StoredSecret } from '../secrets/stored-secret.js';

export function toStoredSecret(secret: ProlificSecret, rotatedAt: Date): StoredSecret {
  return { id: secret.id, value: secret.value, workspace_id: secret.workspaceId, rotated_at: rotatedAt.toISOString() };
}

/** True when the stored secret is exactly Prolific's secret (same id and same value). */
export function holdsSecret(stored: StoredSecret | undefined, secret: ProlificSecret | undefined): boolean {
  return stored !== undefined && secret !== undefined && stored.id === secret.id && stored.value === secret.value;
}

/**
 * The Secrets Manager version id (ClientRequestToken) for a Prolific secret: derived from the workspace
 * and Prolific's secret id, so a retried or concurrent write of the same secret lands on the same
 * version instead of creating a second one.
 */
export function versionIdFor(workspaceId: string, prolificSecretId: string): string {
  const hex = createHash('sha256').update(`${workspaceId}/${prolificSecretId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
