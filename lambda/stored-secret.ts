import { createHash } from 'node:crypto';
import type { ProlificSecret } from './prolific-client.js';

/** What a target secret's SecretString holds (DESIGN.md). Receivers read `value`. */
export interface StoredSecret {
  readonly id: string;
  readonly value: string;
  readonly workspace_id: string;
  readonly rotated_at: string;
}

export function toStoredSecret(secret: ProlificSecret, rotatedAt: Date): StoredSecret {
  return { id: secret.id, value: secret.value, workspace_id: secret.workspaceId, rotated_at: rotatedAt.toISOString() };
}

/** The stored shape, or undefined for anything else (a placeholder, hand-edited JSON): the caller treats that as drift. */
export function parseStoredSecret(secretString: string | undefined): StoredSecret | undefined {
  if (secretString === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { id, value, workspace_id: workspaceId, rotated_at: rotatedAt } = parsed as Record<string, unknown>;
  const isText = (field: unknown): field is string => typeof field === 'string' && field !== '';
  if (!isText(id) || !isText(value) || !isText(workspaceId) || !isText(rotatedAt)) return undefined;
  return { id, value, workspace_id: workspaceId, rotated_at: rotatedAt };
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
