// The receiver kit's one error: its secret cannot be read at all.
import { describe, expect, it } from 'vitest';
import { ReceiverSecretError } from '../../../lambda/receiver-kit/errors.js';

describe('ReceiverSecretError', () => {
  it('carries a stable name, the AWS error name and the cause', () => {
    const cause = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });

    const error = new ReceiverSecretError('Cannot read the Prolific signing secret s', 'AccessDeniedException', { cause });

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ReceiverSecretError',
      awsErrorName: 'AccessDeniedException',
      message: 'Cannot read the Prolific signing secret s',
      cause,
    });
  });
});
