// The tag keys are a contract with operators: audits list the stack's secrets by them, and the function
// reads the workspace tag of every secret it writes.
import { describe, expect, it } from 'vitest';
import { STACK_TAG, WORKSPACE_ID_TAG } from '../../../lambda/contract/secret-tags.js';

describe('secret tags', () => {
  it('keep the keys operators filter on', () => {
    expect(WORKSPACE_ID_TAG).toBe('prolific:workspace-id');
    expect(STACK_TAG).toBe('prolific:stack');
  });
});
