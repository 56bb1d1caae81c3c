// Secrets Manager's staging labels, as this project uses them: AWSCURRENT is the secret Prolific signs
// with, AWSPREVIOUS the one before, and AWSPENDING (on another version) a rotation in flight.

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/**
 * The label of the version the function writes to prove, before a POST, that it may write the secret
 * (IAM and KMS). Receivers never read it; each check moves it to a new version, and Secrets Manager
 * deletes unlabelled versions in time.
 */
export const WRITE_CHECK = 'PROLIFIC-ROTATION-WRITE-CHECK';

export type StagingLabel = typeof AWSCURRENT | typeof AWSPENDING | typeof AWSPREVIOUS;

/** The version carrying `label` in DescribeSecret's `VersionIdsToStages`, if any. */
export function versionWithStage(versionIdsToStages: Record<string, string[]> | undefined, label: StagingLabel): string | undefined {
  return Object.entries(versionIdsToStages ?? {}).find(([, stages]) => stages.includes(label))?.[0];
}
