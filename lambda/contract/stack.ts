// What the app deploys and the command line looks for.

/** The stack `cdk deploy` creates, and where the command line looks for the function by default. */
export const STACK_NAME = 'ProlificWebhookSecretRotation';
/** Stack outputs the command line reads. */
export const STACK_OUTPUTS = {
  /** The rotation function's name. */
  functionName: 'FunctionName',
} as const;

/** The rotation schedule's interval unless configured. */
export const DEFAULT_ROTATION_INTERVAL_DAYS = 30;
