import { RemovalPolicy, SecretValue, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { API_TOKEN_PLACEHOLDER, TARGET_SECRET_PLACEHOLDER } from '../../lambda/contract/secret-formats.js';
import { STACK_TAG, WORKSPACE_ID_TAG } from '../../lambda/contract/secret-tags.js';

/** What a function is told to call a secret: its full ARN when known, else its name. */
export function secretIdOf(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? secret.secretName;
}

/**
 * Lets `grantee` read `secret` and decrypt it through Secrets Manager. Secret.grantRead alone grants an
 * imported customer-managed key through that key's policy, which a stack cannot change, so it grants
 * nothing; the statement here goes in the grantee's own policy instead.
 */
export function grantSecretRead(secret: secretsmanager.ISecret, grantee: iam.IGrantable): iam.Grant {
  const grant = secret.grantRead(grantee);
  if (secret.encryptionKey === undefined) return grant;
  return grant.combine(
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [secret.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
    }),
  );
}

/**
 * A new secret for the webhook signing secret of one workspace, kept when the stack is deleted. It holds
 * a placeholder until the function's first run syncs it from Prolific. Tagged with its workspace (the
 * function refuses to write a secret tagged for another) and its stack, so an auditor can list them.
 */
export function createWorkspaceSecret(
  scope: Construct,
  workspaceId: string,
  encryptionKey: IKey | undefined,
  rotatedBySecretsManager: boolean,
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, `Secret-${workspaceId}`, {
    description:
      `Prolific webhook signing secret of workspace ${workspaceId}. Written by the rotation ` +
      `function of stack ${Stack.of(scope).stackName}; do not edit it by hand.`,
    secretStringValue: SecretValue.unsafePlainText(TARGET_SECRET_PLACEHOLDER),
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Tags.of(secret).add(WORKSPACE_ID_TAG, workspaceId);
  tagWithStack(secret);
  // With Secrets Manager's own rotation the secret has a rotation schedule, and the rule passes unaided.
  if (rotatedBySecretsManager) return secret;
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      "Rotated by this construct's EventBridge Scheduler schedules, which run the workspaces in serialised, " +
      'alarmed runs; a Secrets Manager rotation schedule as well would rotate it twice.',
  });
  return secret;
}

/** A new secret for the Prolific API token, kept when the stack is deleted and tagged with its stack; a person puts the token in. */
export function createApiTokenSecret(scope: Construct): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, 'ApiTokenSecret', {
    description:
      `Prolific API token (the raw token as SecretString) used by the rotation function of stack ` +
      `${Stack.of(scope).stackName}. Put the token in by hand; the stack only wrote a placeholder.`,
    // A constant: CloudFormation sets it once and never overwrites the token put in later.
    secretStringValue: SecretValue.unsafePlainText(API_TOKEN_PLACEHOLDER),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  tagWithStack(secret);
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Prolific API tokens are issued by a person in the Prolific web app and have no API to rotate ' +
      'them, so no function can; the deploy guide says how a person replaces the token.',
  });
  return secret;
}

function tagWithStack(secret: secretsmanager.Secret): void {
  Tags.of(secret).add(STACK_TAG, Stack.of(secret).stackName);
}

/**
 * A token that never expires and carries full permission on the Prolific account must not rest on IAM
 * alone: the secret's own policy denies reading its value to everyone but the function's role, whatever
 * their identity policies allow. People can still put a new token in (PutSecretValue is not denied).
 */
export function restrictTokenReads(secret: secretsmanager.ISecret, reader: iam.IRole): void {
  secret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheRotationFunctionReadsTheToken',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalArn': reader.roleArn } },
    }),
  );
}
