// Prolific workspaces: the rules every configured workspace id is held to, wherever it is configured.

/** Prolific ids are 24 hex characters; this looser set still refuses typos, paths and injection. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** The rule above in words, for error messages. */
export const WORKSPACE_ID_RULE = `1 to 128 letters, digits, "-" or "_"`;
