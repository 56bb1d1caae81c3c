// The variables the stack sets on the example receiver and its handler reads: kept apart from the handler,
// so the CDK app can name them without importing the receiver kit.
export const EXAMPLE_RECEIVER_ENVIRONMENT = {
  /** ARN or name of the workspace's target secret, the one the deliveries are verified with. */
  secretId: 'PROLIFIC_SECRET_ID',
  /** What that secret holds: `json` (the default) or `plain`. */
  secretFormat: 'PROLIFIC_SECRET_FORMAT',
} as const;
