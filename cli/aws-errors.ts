// AWS calls made on a person's behalf: an error becomes one or two lines saying what went wrong and what to
// do about it (CouldNotRunError), never a stack trace.
import { CouldNotRunError } from './errors.js';

/** One AWS call, described for the person who made it. */
export interface AwsCall {
  /** e.g. "lambda:InvokeFunction": what to ask for when access is denied. */
  readonly permission: string;
  /** e.g. "function prolific-rotation" or "stack ProlificWebhookSecretRotation". */
  readonly resource: string;
  /** The region the call went to. */
  readonly region: string;
}

export async function callAws<T>(call: AwsCall, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw explainAwsError(error, call);
  }
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The SDK's error when a call got no connection, or no answer, within its time (aws-clients.ts). */
const TIMED_OUT = 'TimeoutError';

/** Lambda's reason when the function's reserved concurrency (1) is taken by a run in progress. */
const RUN_IN_PROGRESS = 'ReservedFunctionConcurrentInvocationLimitExceeded';

export function explainAwsError(error: unknown, { permission, resource, region }: AwsCall): CouldNotRunError {
  if (error instanceof CouldNotRunError) return error;
  const credentials = explainCredentialsError(error);
  if (credentials !== undefined) return credentials;
  const { name, message, code, reason } = describe(error);
  const where = ` in ${region}`;
  if (DENIED.has(name)) {
    return new CouldNotRunError(
      `Access denied to ${resource}${where}: ${message}\n` +
        `Ask for ${permission} on it (docs/cli.md lists what the command line needs).`,
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new CouldNotRunError(
      `The ${resource} was not found${where}.\n` +
        'Check --function-name and --region, or find the function by its stack with --stack <name>.',
    );
  }
  if (name === 'ValidationError' && message.includes('does not exist')) {
    return new CouldNotRunError(
      `The ${resource} was not found${where}.\n` +
        'Pass the name you deployed it as with --stack (and --region), or the function with --function-name.',
    );
  }
  if (reason === RUN_IN_PROGRESS) {
    return new CouldNotRunError(
      'The function is already running (a scheduled run, or someone else\'s); it runs one invocation at a time.\n' +
        'Wait for that run to finish (at most the function\'s timeout), then run this again.',
    );
  }
  if (THROTTLED.has(name)) {
    return new CouldNotRunError(`AWS throttled the call to ${resource} (${reason ?? name}): wait a minute, then run this again.`);
  }
  if (name === TIMED_OUT) {
    return new CouldNotRunError(
      `AWS did not answer the call to ${resource}${where} in time (${name}).\n` +
        'Check your network, VPN or proxy, the region (--region) and any AWS_ENDPOINT_URL_* setting, then run this again.',
    );
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new CouldNotRunError(
      `Could not reach AWS for ${resource}${where} (${code}).\n` +
        'Check your network or proxy (and any AWS_ENDPOINT_URL_* setting), then run this again.',
    );
  }
  return new CouldNotRunError(`The call to ${resource}${where} failed: ${name}: ${message}`);
}

/** Credentials missing, expired or refused: what to do is the same whichever call found out. */
export function explainCredentialsError(error: unknown): CouldNotRunError | undefined {
  const { name, message } = describe(error);
  if (name === 'CredentialsProviderError') {
    return new CouldNotRunError(
      `No AWS credentials found (${message}).\n` +
        'Sign in (e.g. aws sso login --profile <name>) and pass --profile <name>, ' +
        'or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
    );
  }
  if (EXPIRED.has(name)) {
    return new CouldNotRunError(`Your AWS credentials have expired (${name}): sign in again, then run this again.`);
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new CouldNotRunError(
      `AWS did not accept your credentials (${name}: ${message}).\n` +
        'Check which ones are in use with: aws sts get-caller-identity',
    );
  }
  return undefined;
}

function describe(error: unknown): { name: string; message: string; code?: string; reason?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & { code?: unknown; Reason?: unknown };
  return {
    name: error.name,
    message: error.message,
    code: typeof fields.code === 'string' ? fields.code : undefined,
    reason: typeof fields.Reason === 'string' ? fields.Reason : undefined,
  };
}
