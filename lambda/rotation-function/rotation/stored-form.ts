// How the protocol relates a Prolific secret to what a target secret's version holds, in the target's
// format, and to its Secrets Manager version id.
import { createHash } from 'node:crypto';
import { TARGET_SECRET_PLACEHOLDER } from '../../contract/secret-formats.js';
import type { ProlificSecret } from '../prolific/types.js';
import { SecretStoreError } from '../errors.js';
import type { SecretStore, StoredVersion } from '../secrets/store.js';
import { parseStoredSecret } from '../../contract/stored-secret.js';
import type { SecretFormat } from '../../contract/secret-formats.js';

/** What a version holds, as the protocol compares it with Prolific's active secret. */
export interface OnRecord {
  readonly value: string;
  /** Prolific's id of the secret; unknown for the `plain` format, which stores the bare value. */
  readonly prolificSecretId: string | undefined;
  /** When it was stored: `rotated_at` in the `json` format, the version's creation time in `plain`. */
  readonly rotatedAt: string | undefined;
}

/** The SecretString that stores `secret` in `format`. */
export function serialise(format: SecretFormat, secret: ProlificSecret, rotatedAt: Date): string {
  if (format === 'plain') return secret.value;
  return JSON.stringify({ id: secret.id, value: secret.value, workspace_id: secret.workspaceId, rotated_at: rotatedAt.toISOString() });
}

/** What the version holds in `format`, or undefined when it holds something else (drift). */
export function readOnRecord(format: SecretFormat, version: StoredVersion | undefined): OnRecord | undefined {
  const text = version?.secretString;
  if (text === undefined || text === '' || text === TARGET_SECRET_PLACEHOLDER) return undefined;
  if (format === 'plain') {
    return isJsonObject(text) ? undefined : { value: text, prolificSecretId: undefined, rotatedAt: version?.createdAt };
  }
  const stored = parseStoredSecret(text);
  return stored && { value: stored.value, prolificSecretId: stored.id, rotatedAt: stored.rotated_at };
}

/**
 * Why writing `format` over this version would change what its readers get, or undefined when it would
 * not: a secret adopted with a bare value is never silently turned into JSON.
 */
export function formatConflict(format: SecretFormat, version: StoredVersion | undefined): string | undefined {
  const text = version?.secretString;
  if (format === 'plain' || text === undefined || text === '' || text === TARGET_SECRET_PLACEHOLDER || isJsonObject(text)) return undefined;
  return (
    'it holds a plain string, not JSON, and its readers may expect exactly that. Configure the workspace with ' +
    'format "plain" to keep storing the bare signing secret; or, once its readers read the JSON key "value", ' +
    'put any JSON object in it (such as {}) so that the function may write JSON'
  );
}

/** True when what is on record is exactly Prolific's secret: the same value, and the same id where known. */
export function holdsSecret(onRecord: OnRecord | undefined, secret: ProlificSecret | undefined): boolean {
  if (onRecord === undefined || secret?.value !== onRecord.value) return false;
  return onRecord.prolificSecretId === undefined || onRecord.prolificSecretId === secret.id;
}

/**
 * A labelled version as stored, or undefined while it holds no value yet: RotateSecret labels an empty
 * version AWSPENDING before the rotation function writes it, and a createSecret that failed never does.
 */
export async function readVersionIfWritten(store: SecretStore, secretId: string, versionId: string): Promise<StoredVersion | undefined> {
  try {
    return await store.readVersion(secretId, versionId);
  } catch (error) {
    if (error instanceof SecretStoreError && error.awsErrorName === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * The Secrets Manager version id (ClientRequestToken) for a Prolific secret: derived from the workspace,
 * Prolific's secret id and the format it is stored in, so a retried or concurrent write of the same secret
 * lands on the same version instead of creating a second one (and a workspace whose format changed gets
 * new versions, since Secrets Manager never changes one). The `json` form keeps the id it always had.
 */
export function versionIdFor(workspaceId: string, prolificSecretId: string, format: SecretFormat = 'json'): string {
  const key = format === 'json' ? `${workspaceId}/${prolificSecretId}` : `${workspaceId}/${prolificSecretId}/${format}`;
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}
