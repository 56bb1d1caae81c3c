// The function's typed errors: each with a stable name (what logs, alarms and the command line match on),
// the Prolific ones with the HTTP status, and describeError's one line for results and logs.
import { describe, expect, it } from 'vitest';
import {
  ApiTokenError,
  ConfigurationError,
  DeadlineError,
  describeError,
  InvalidEventError,
  ProlificApiError,
  ProlificAuthenticationError,
  ProlificMalformedResponseError,
  ProlificNotFoundError,
  ProlificRateLimitError,
  ProlificRequestError,
  ProlificServerError,
  ProlificUnavailableError,
  RotationConflictError,
  RotationFailedError,
  RotationUnconfirmedError,
  SecretFormatError,
  SecretStoreError,
  WorkspaceMismatchError,
} from '../../../lambda/rotation-function/errors.js';

const REPORT = { action: 'rotate', dryRun: false, results: [] };

describe('the typed errors', () => {
  it.each<[string, Error]>([
    ['ConfigurationError', new ConfigurationError('m')],
    ['InvalidEventError', new InvalidEventError('m')],
    ['ApiTokenError', new ApiTokenError('m')],
    ['SecretStoreError', new SecretStoreError('m', 'AccessDeniedException')],
    ['RotationConflictError', new RotationConflictError('m')],
    ['RotationUnconfirmedError', new RotationUnconfirmedError('m')],
    ['SecretFormatError', new SecretFormatError('m')],
    ['WorkspaceMismatchError', new WorkspaceMismatchError('m')],
    ['DeadlineError', new DeadlineError('m')],
    ['RotationFailedError', new RotationFailedError('m', REPORT)],
    ['ProlificApiError', new ProlificApiError('m', undefined)],
  ])('%s carries its name and message', (name, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toBe('m');
    expect(String(error)).toBe(`${name}: m`);
  });

  it.each<[string, ProlificApiError, number | undefined]>([
    ['ProlificAuthenticationError', new ProlificAuthenticationError('m', 401), 401],
    ['ProlificNotFoundError', new ProlificNotFoundError('m', 404), 404],
    ['ProlificRateLimitError', new ProlificRateLimitError('m', 429), 429],
    ['ProlificServerError', new ProlificServerError('m', 503), 503],
    ['ProlificRequestError', new ProlificRequestError('m', 422), 422],
    ['ProlificMalformedResponseError', new ProlificMalformedResponseError('m', 200), 200],
    ['ProlificUnavailableError', new ProlificUnavailableError('m'), undefined],
  ])('%s is a ProlificApiError with the HTTP status Prolific answered', (name, error, status) => {
    expect(error).toBeInstanceOf(ProlificApiError);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
  });

  it('keeps what each error was given: the cause, the AWS error name, the report', () => {
    const cause = new Error('underneath');

    expect(new ConfigurationError('m', { cause }).cause).toBe(cause);
    expect(new ApiTokenError('m', { cause }).cause).toBe(cause);
    expect(new ProlificUnavailableError('m', { cause }).cause).toBe(cause);
    const storeError = new SecretStoreError('m', 'KMSAccessDeniedException', { cause });
    expect(storeError).toMatchObject({ awsErrorName: 'KMSAccessDeniedException', cause });
    expect(new RotationFailedError('m', REPORT).report).toBe(REPORT);
  });
});

describe('describeError', () => {
  it.each<[unknown, string]>([
    [new DeadlineError('Not started'), 'DeadlineError: Not started'],
    [new TypeError('bad'), 'TypeError: bad'],
    ['a string', 'Error: a string'],
    [undefined, 'Error: undefined'],
  ])('describes %j as one line', (error, line) => {
    expect(describeError(error)).toBe(line);
  });
});
