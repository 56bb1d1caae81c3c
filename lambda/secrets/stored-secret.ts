// What a target secret's SecretString holds: JSON that the rotation function writes and receivers read.

/** The stored JSON. Receivers read `value`; `id` is Prolific's secret id; `rotated_at` is ISO 8601 UTC. */
export interface StoredSecret {
  readonly id: string;
  readonly value: string;
  readonly workspace_id: string;
  readonly rotated_at: string;
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
