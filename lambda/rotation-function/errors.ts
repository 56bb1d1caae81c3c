import type { RotationReport } from '../contract/report.js';

// Typed errors with stable names. Every message says what went wrong and what to do about it, and
// never carries a secret value or the API token (tests hold every message to that).

/** A function environment variable is missing or malformed. Nothing was rotated. */
export class ConfigurationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** The invocation event is not one the function accepts. Nothing was read or written. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** The Prolific API token could not be read, or its secret holds no usable token. Prolific was not called. */
export class ApiTokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiTokenError';
  }
}

/** A Secrets Manager call failed (after the SDK's own retries). */
export class SecretStoreError extends Error {
  /** The AWS error name, e.g. `AccessDeniedException`, or `Unknown`. */
  readonly awsErrorName: string;

  constructor(message: string, awsErrorName: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretStoreError';
    this.awsErrorName = awsErrorName;
  }
}

/**
 * Prolific changed the secret while this run was storing it (another rotation at the same time),
 * and the run could not settle on Prolific's active secret.
 */
export class RotationConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationConflictError';
  }
}

/**
 * Prolific answered the POST with a new secret but still lists the old one as active: nothing was rotated,
 * and the answer was not made AWSCURRENT.
 */
export class RotationUnconfirmedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationUnconfirmedError';
  }
}

/** Writing the target's format would change what an adopted secret's readers get (JSON over a bare value). */
export class SecretFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFormatError';
  }
}

/**
 * The target secret is another workspace's: its stored JSON or its `prolific:workspace-id` tag names another
 * workspace (say, two workspaces' secrets swapped in the target list). Nothing was written to it.
 */
export class WorkspaceMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceMismatchError';
  }
}

/** A target or step was not started because too little of the invocation's time was left to finish it safely. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * One or more targets failed; thrown after every target ran, so Lambda's failure handling and alarms fire.
 * It carries the whole report (every workspace's line, the ones that succeeded too).
 */
export class RotationFailedError extends Error {
  readonly report: RotationReport;

  constructor(message: string, report: RotationReport) {
    super(message);
    this.name = 'RotationFailedError';
    this.report = report;
  }
}

/** Base of every error from Prolific's API. `status` is the HTTP status, or undefined when none came back. */
export class ProlificApiError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProlificApiError';
    this.status = status;
  }
}

/** 401/403: Prolific rejected the API token. */
export class ProlificAuthenticationError extends ProlificApiError {
  constructor(message: string, status: number) {
    super(message, status);
    this.name = 'ProlificAuthenticationError';
  }
}

/** 404: the workspace does not exist, or the token's account has no access to it. */
export class ProlificNotFoundError extends ProlificApiError {
  constructor(message: string, status: number) {
    super(message, status);
    this.name = 'ProlificNotFoundError';
  }
}

/** 429 on every attempt within the time budget. */
export class ProlificRateLimitError extends ProlificApiError {
  constructor(message: string, status: number) {
    super(message, status);
    this.name = 'ProlificRateLimitError';
  }
}

/** 5xx on every attempt within the time budget. */
export class ProlificServerError extends ProlificApiError {
  constructor(message: string, status: number) {
    super(message, status);
    this.name = 'ProlificServerError';
  }
}

/** Any other 4xx (400, 405, 422, ...): the request itself was refused; retrying will not help. */
export class ProlificRequestError extends ProlificApiError {
  constructor(message: string, status: number) {
    super(message, status);
    this.name = 'ProlificRequestError';
  }
}

/** A 2xx answer that is not a usable secret: bad JSON, no non-empty `value`, another workspace's secret. */
export class ProlificMalformedResponseError extends ProlificApiError {
  constructor(message: string, status: number | undefined) {
    super(message, status);
    this.name = 'ProlificMalformedResponseError';
  }
}

/** No answer: connection failure or timeout on every attempt within the time budget. */
export class ProlificUnavailableError extends ProlificApiError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, undefined, options);
    this.name = 'ProlificUnavailableError';
  }
}

/** `name: message` of any thrown value, for results and log lines. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Error: ${String(error)}`;
}
