/** The receiver's secret cannot be read at all. The message names the secret and the permissions, never a value. */
export class ReceiverSecretError extends Error {
  /** The AWS error name, e.g. `AccessDeniedException`, or `Unknown`. */
  readonly awsErrorName: string;

  constructor(message: string, awsErrorName: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReceiverSecretError';
    this.awsErrorName = awsErrorName;
  }
}
