// Finding the version that carries a staging label in DescribeSecret's VersionIdsToStages.
import { describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, versionWithStage } from '../../../lambda/contract/staging-labels.js';

describe('versionWithStage', () => {
  const stages = { v1: [AWSPREVIOUS], v2: [AWSCURRENT, AWSPENDING], v3: ['PROLIFIC-ROTATION-WRITE-CHECK'] };

  it.each([
    [AWSCURRENT, 'v2'],
    [AWSPENDING, 'v2'],
    [AWSPREVIOUS, 'v1'],
  ] as const)('finds the version labelled %s', (label, versionId) => {
    expect(versionWithStage(stages, label)).toBe(versionId);
  });

  it('finds none when no version carries the label, or the secret has no labelled version', () => {
    expect(versionWithStage({ v1: [AWSCURRENT] }, AWSPENDING)).toBeUndefined();
    expect(versionWithStage({}, AWSCURRENT)).toBeUndefined();
    expect(versionWithStage(undefined, AWSCURRENT)).toBeUndefined();
  });
});
