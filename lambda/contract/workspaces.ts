// Prolific workspaces: the rules every configured workspace is held to, wherever it is configured (the app's
// context, the construct's props, the function's target list). Each caller words the message in its own terms.

/** Prolific ids are 24 hex characters; this looser set still refuses typos, paths and injection. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** The rule above in words, for error messages. */
export const WORKSPACE_ID_RULE = `1 to 128 letters, digits, "-" or "_"`;

/** Whether `value` is a Prolific workspace id (`WORKSPACE_ID_RULE`). */
export function isWorkspaceId(value: unknown): value is string {
  return typeof value === 'string' && WORKSPACE_ID_PATTERN.test(value);
}

/** The shape of the ids Prolific gives out; any other accepted id is likely a typo or a test id. */
export const PROLIFIC_WORKSPACE_ID_SHAPE = '24 lowercase hex digits';

/** Whether `workspaceId` has the shape of the ids Prolific gives out (`PROLIFIC_WORKSPACE_ID_SHAPE`). */
export function hasProlificShape(workspaceId: string): boolean {
  return /^[0-9a-f]{24}$/.test(workspaceId);
}

/** The first value of `values` seen a second time (the earliest repeat), or undefined when each appears once. */
export function firstRepeated(values: Iterable<string>): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/** A workspace id configured twice: `id` as written the second time, `earlier` as written the first. */
export interface RepeatedWorkspaceId {
  readonly id: string;
  readonly earlier: string;
}

/**
 * The first workspace id configured twice, or undefined when each appears once. Ids that differ only in
 * letter case count as one: Prolific's ids are lowercase, and two spellings would make two secrets (and
 * two rotations) of one workspace. `earlier` differs from `id` exactly when the two differ in case.
 */
export function firstRepeatedWorkspaceId(ids: Iterable<string>): RepeatedWorkspaceId | undefined {
  const seen = new Map<string, string>();
  for (const id of ids) {
    const earlier = seen.get(id.toLowerCase());
    if (earlier !== undefined) return { id, earlier };
    seen.set(id.toLowerCase(), id);
  }
  return undefined;
}

/**
 * A workspace whose secret another rotation would write over: the token secret (a rotation would write webhook
 * JSON over the API token), or the secret of other workspaces (each would overwrite the other).
 */
export type SecretConflict =
  | { readonly kind: 'token-secret'; readonly workspaceId: string; readonly identity: string }
  | { readonly kind: 'shared'; readonly workspaceId: string; readonly identity: string; readonly sharedWith: readonly string[] };

/**
 * Every workspace whose secret is the token secret or another workspace's, in the configured order (one that is
 * both is reported as the token secret). `identityOf` says which secret a workspace has, as one string for one
 * secret however it was named (its name, or its full ARN), or undefined when that is not known: such a secret is
 * compared with nothing. `tokenIdentity` is the token secret's, in the same terms.
 */
export function secretConflicts<Workspace extends { readonly workspaceId: string }>(
  workspaces: readonly Workspace[],
  identityOf: (workspace: Workspace) => string | undefined,
  tokenIdentity: string | undefined,
): SecretConflict[] {
  const known = workspaces.flatMap((workspace) => {
    const identity = identityOf(workspace);
    return identity === undefined ? [] : [{ workspaceId: workspace.workspaceId, identity }];
  });
  const owners = new Map<string, string[]>();
  for (const { workspaceId, identity } of known) owners.set(identity, [...(owners.get(identity) ?? []), workspaceId]);
  return known.flatMap(({ workspaceId, identity }): SecretConflict[] => {
    if (identity === tokenIdentity) return [{ kind: 'token-secret', workspaceId, identity }];
    const sharedWith = (owners.get(identity) ?? []).filter((owner) => owner !== workspaceId);
    return sharedWith.length === 0 ? [] : [{ kind: 'shared', workspaceId, identity, sharedWith }];
  });
}
