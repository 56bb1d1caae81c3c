// The tags the stack puts on every secret it creates, and the function checks before it writes one: an
// auditor finds a deployment's secrets by them, and a secret tagged for another workspace is never written.

/** Tag key whose value is the Prolific workspace id whose signing secret the secret holds. */
export const WORKSPACE_ID_TAG = 'prolific:workspace-id';
/** Tag key whose value is the name of the stack that created the secret. */
export const STACK_TAG = 'prolific:stack';
