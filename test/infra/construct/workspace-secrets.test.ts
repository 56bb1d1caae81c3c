import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { TARGET_SECRET_PLACEHOLDER } from '../../../lambda/contract/secret-formats.js';
import { STACK_TAG, WORKSPACE_ID_TAG } from '../../../lambda/contract/secret-tags.js';
import { createApiTokenSecret, createWorkspaceSecret, grantSecretRead, secretIdOf } from '../../../infra/construct/workspace-secrets.js';
import { TEST_ENV, testApp } from '../../support/synth.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/webhook-AbC123';
const KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111';

const newStack = () => new Stack(testApp(), 'SecretsStack', { env: TEST_ENV });

describe('secretIdOf', () => {
  it('names a secret by its full ARN when that is known, else by its name', () => {
    const stack = newStack();

    expect(secretIdOf(secretsmanager.Secret.fromSecretCompleteArn(stack, 'ByArn', SECRET_ARN))).toBe(SECRET_ARN);
    expect(secretIdOf(secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prolific/webhook'))).toBe('prolific/webhook');
  });
});

describe('createWorkspaceSecret', () => {
  it('holds the placeholder until the first sync, is kept when the stack is deleted, and uses the key it is given', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);

    createWorkspaceSecret(stack, 'ws-a', key, false);

    Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: Match.stringLikeRegexp(
          '^Prolific webhook signing secret of workspace ws-a\\. Written by the rotation function of stack SecretsStack',
        ),
        SecretString: TARGET_SECRET_PLACEHOLDER,
        KmsKeyId: KEY_ARN,
      },
    });
  });
});

describe('tags on the secrets the stack creates', () => {
  it('tags a workspace secret with its workspace and its stack, so the function and auditors can tell whose it is', () => {
    const stack = newStack();

    createWorkspaceSecret(stack, 'ws-a', undefined, false);

    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: Match.arrayWith([
        { Key: STACK_TAG, Value: 'SecretsStack' },
        { Key: WORKSPACE_ID_TAG, Value: 'ws-a' },
      ]),
    });
  });

  it('tags the token secret with its stack and no workspace', () => {
    const stack = newStack();

    createApiTokenSecret(stack);

    const [secret] = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret')) as {
      Properties: { Tags?: { Key: string; Value: string }[] };
    }[];
    expect(secret?.Properties.Tags).toEqual([{ Key: STACK_TAG, Value: 'SecretsStack' }]);
  });
});

describe('grantSecretRead', () => {
  const readerPolicy = (stack: Stack) => {
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: unknown[] } };
    }[];
    return policy?.Properties.PolicyDocument.Statement;
  };

  it('grants reading the secret and nothing else when it has no customer-managed key', () => {
    const stack = newStack();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    grantSecretRead(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN), reader);

    expect(readerPolicy(stack)).toEqual([
      { Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: SECRET_ARN },
    ]);
  });

  it("grants its customer-managed key in the reader's own policy, for use through Secrets Manager in the stack's Region only", () => {
    const stack = newStack();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Secret', {
      secretCompleteArn: SECRET_ARN,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
    });

    grantSecretRead(secret, reader);

    expect(readerPolicy(stack)).toContainEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } },
    });
  });
});

describe("the rotation rule's acknowledgement on a workspace secret", () => {
  const acknowledgedRules = (secret: IConstruct) =>
    secret.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>));

  it('is made when the schedules rotate the secret, with the reason that Secrets Manager would rotate it twice', () => {
    const secret = createWorkspaceSecret(newStack(), 'ws-a', undefined, false);

    expect(acknowledgedRules(secret)).toEqual(['Annotation::AwsSolutions-SMG4']);
  });

  it("is not made when Secrets Manager's own rotation rotates the secret: the rule passes on its own", () => {
    const secret = createWorkspaceSecret(newStack(), 'ws-a', undefined, true);

    expect(acknowledgedRules(secret)).toEqual([]);
  });
});
