// An AWS error, as the person who made the call reads it: what went wrong and what to do, in a line or two.
import { describe, expect, it } from 'vitest';
import { callAws, explainAwsError, type AwsCall } from '../../cli/aws-errors.js';
import { CouldNotRunError } from '../../cli/errors.js';
import { rejectionOf } from '../support/errors.js';

const CALL: AwsCall = { permission: 'lambda:InvokeFunction', resource: 'function prolific-rotation', region: 'eu-west-1' };

/** An error as the SDK throws it: a name, a message, and fields such as `code` or `Reason`. */
const awsError = (name: string, message = 'detail', fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...fields });

describe('explainAwsError', () => {
  it.each<[string, unknown, string | RegExp]>([
    ['no credentials', awsError('CredentialsProviderError', 'Could not load credentials from any providers'), /^No AWS credentials found \(Could not load credentials from any providers\)\.\nSign in \(e\.g\. aws sso login --profile <name>\)/],
    [
      'expired credentials',
      awsError('ExpiredTokenException'),
      'Your AWS credentials have expired (ExpiredTokenException): sign in again, then run this again.',
    ],
    [
      'rejected credentials',
      awsError('UnrecognizedClientException', 'The security token is invalid.'),
      'AWS did not accept your credentials (UnrecognizedClientException: The security token is invalid.).\n' +
        'Check which ones are in use with: aws sts get-caller-identity',
    ],
    [
      'access denied',
      awsError('AccessDeniedException', 'not authorized'),
      'Access denied to function prolific-rotation in eu-west-1: not authorized\n' +
        'Ask for lambda:InvokeFunction on it (docs/cli.md lists what the command line needs).',
    ],
    [
      'no answer in time (a call\'s connection or request timeout)',
      awsError('TimeoutError', 'a request has exceeded the configured 5000 ms requestTimeout.', { code: 'ETIMEDOUT' }),
      'AWS did not answer the call to function prolific-rotation in eu-west-1 in time (TimeoutError).\n' +
        'Check your network, VPN or proxy, the region (--region) and any AWS_ENDPOINT_URL_* setting, then run this again.',
    ],
    ['a resource not found', awsError('ResourceNotFoundException'), /^The function prolific-rotation was not found in eu-west-1\.\nCheck --function-name and --region/],
    ['a stack that does not exist', awsError('ValidationError', 'Stack with id X does not exist'), /^The function prolific-rotation was not found in eu-west-1\.\nPass the name you deployed it as with --stack/],
    ['a run in progress', awsError('TooManyRequestsException', 'Rate exceeded', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }), /^The function is already running .*\nWait for that run to finish/],
    [
      'throttling',
      awsError('ThrottlingException'),
      'AWS throttled the call to function prolific-rotation (ThrottlingException): wait a minute, then run this again.',
    ],
    ['no network', awsError('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }), /^Could not reach AWS for function prolific-rotation in eu-west-1 \(ECONNREFUSED\)\.\nCheck your network or proxy/],
    [
      'anything else',
      awsError('ServiceUnavailable', 'down'),
      'The call to function prolific-rotation in eu-west-1 failed: ServiceUnavailable: down',
    ],
    ['something that is not an Error', 'a string', 'The call to function prolific-rotation in eu-west-1 failed: Error: a string'],
  ])('explains %s', (_what, error, message) => {
    const explained = explainAwsError(error, CALL);

    expect(explained).toBeInstanceOf(CouldNotRunError);
    if (typeof message === 'string') expect(explained.message).toBe(message);
    else expect(explained.message).toMatch(message);
  });

  it('passes a CouldNotRunError through as it is', () => {
    const already = new CouldNotRunError('already explained');

    expect(explainAwsError(already, CALL)).toBe(already);
  });
});

describe('callAws', () => {
  it('answers what the call answered, and explains what it threw', async () => {
    expect(await callAws(CALL, () => Promise.resolve('answer'))).toBe('answer');
    const failure = await rejectionOf(callAws(CALL, () => Promise.reject(awsError('AccessDeniedException', 'no'))));

    expect(failure.name).toBe('CouldNotRunError');
    expect(failure.message).toMatch(/^Access denied to function prolific-rotation in eu-west-1: no\n/);
  });
});
