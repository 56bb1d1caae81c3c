// What a target secret's SecretString holds. In the default `json` format, JSON that the rotation
// function writes and receivers read (`value`); in the `plain` format, the bare signing secret, for
// adopted secrets whose readers expect exactly that.

/** The stored JSON. Receivers read `value`; `id` is Prolific's secret id; `rotated_at` is ISO 8601 UTC. */
export interface StoredSecret {
  readonly id: string;
  readonly value: string;
  readonly workspace_id: string;
  readonly rotated_at: string;
}

const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * The stored shape, or undefined for anything else (a placeholder, hand-edited JSON, a `rotated_at` that
 * is not an ISO 8601 UTC time): the caller treats that as drift.
 */
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
  if (!ISO_8601_UTC.test(rotatedAt) || Number.isNaN(Date.parse(rotatedAt))) return undefined;
  return { id, value, workspace_id: workspaceId, rotated_at: rotatedAt };
}
