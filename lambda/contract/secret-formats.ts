// What a target secret may hold, and the placeholders the construct writes into the secrets it creates.

/**
 * What a token secret created by the construct holds until a person puts the real token in it. The
 * function refuses to call Prolific with it. Never change this text: CloudFormation would overwrite the
 * live token with the new text on the next deployment.
 */
export const API_TOKEN_PLACEHOLDER = 'REPLACE-WITH-YOUR-PROLIFIC-API-TOKEN';

/**
 * What a target secret created by the construct holds until the function's first run heals it from
 * Prolific (anything that is not the stored JSON shape counts as drift). Never change this text:
 * CloudFormation would overwrite the stored value, the live signing secret, on the next deployment.
 */
export const TARGET_SECRET_PLACEHOLDER = 'Not synced yet: run the rotation function with {"action":"sync"}.';

/**
 * What a target secret's SecretString holds: `json` (the default), `{"id", "value", "workspace_id",
 * "rotated_at"}` that receivers read the key `value` of; or `plain`, the bare signing secret, for adopted
 * secrets whose readers expect exactly that.
 */
export const SECRET_FORMATS = ['json', 'plain'] as const;
export type SecretFormat = (typeof SECRET_FORMATS)[number];
