// Checks of the configured workspaces that need the construct tree: a warning for an id Prolific would not
// have given out, and a refusal of an adopted secret the function could never reach.
import { Annotations, Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { hasProlificShape, PROLIFIC_WORKSPACE_ID_SHAPE } from '../../lambda/contract/workspaces.js';

/**
 * One synthesis warning for each id not of Prolific's shape. Such ids are accepted (tests and local runs use
 * ids like `ws-a`), but a mistyped real id would otherwise only fail at the first run, as a 403 or 404.
 */
export function warnUnusualWorkspaceIds(scope: Construct, workspaceIds: readonly string[]): void {
  for (const workspaceId of workspaceIds.filter((id) => !hasProlificShape(id))) {
    Annotations.of(scope).addWarningV2(
      `prolific-webhook-secret-rotation:workspaceIdShape:${workspaceId}`,
      `workspaces: "${workspaceId}" is not ${PROLIFIC_WORKSPACE_ID_SHAPE}, the shape of Prolific's workspace ids; ` +
        "check it against the Prolific app, or the function's first run fails on it",
    );
  }
}

/**
 * The function reads Secrets Manager in its own region, so a secret adopted from another region fails every
 * run: refused here, when both regions are known at synthesis.
 */
export function rejectSecretsInOtherRegions(
  scope: Construct,
  secrets: ReadonlyMap<string, secretsmanager.ISecret>,
  apiTokenSecret: secretsmanager.ISecret,
): void {
  const stackRegion = Stack.of(scope).region;
  if (Token.isUnresolved(stackRegion)) return;
  const named = new Map<string, secretsmanager.ISecret>([
    ...[...secrets].map(([workspaceId, secret]) => [`workspaces: the secret of workspace "${workspaceId}"`, secret] as const),
    ['apiTokenSecret: the secret', apiTokenSecret],
  ]);
  for (const [what, secret] of named) {
    const region = regionOf(secret.secretArn);
    if (region !== undefined && region !== stackRegion) {
      throw new Error(
        `${what} (${secret.secretArn}) is in region ${region}, but the stack deploys to ${stackRegion}; ` +
          `the function reads Secrets Manager in its own region, so every run would fail. Adopt a secret in ${stackRegion} ` +
          `(replicate it there), or deploy the stack to ${region}`,
      );
    }
  }
}

/** The region an ARN names, or undefined when it is not known at synthesis. */
function regionOf(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const { region } = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME);
  return region === undefined || region === '' || Token.isUnresolved(region) ? undefined : region;
}
