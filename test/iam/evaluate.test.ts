// The evaluator's pitfalls, each handled once in evaluate.ts, so that no check passes for the wrong reason.
import { describe, expect, it } from 'vitest';
import { evaluate, EvaluationError, type Principal } from './evaluate.js';

const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prolific/token-AbC123`;
const READ_SECRET = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET }] };
const GET_SECRET_VALUE = 'secretsmanager:GetSecretValue';
const role = (account: string, name: string): Principal => ({
  kind: 'role',
  roleArn: `arn:aws:iam::${account}:role/${name}`,
  sessionName: name,
  identityPolicies: [{ name: 'read', document: READ_SECRET }],
});

describe('evaluate', () => {
  it('allows what the identity policy allows in its own account', async () => {
    expect(await evaluate({ principal: role(ACCOUNT, 'Reader'), action: GET_SECRET_VALUE, resource: SECRET }, undefined)).toEqual({
      decision: 'Allowed',
      allowedBy: [{ policy: 'read', statement: 1 }],
    });
  });

  it("takes the resource owner's account from the ARN: another account's role needs the resource policy too", async () => {
    const outsider = role('210987654321', 'Reader');
    const { decision } = await evaluate({ principal: outsider, action: GET_SECRET_VALUE, resource: SECRET }, undefined);

    expect(decision).toBe('ImplicitlyDenied');
  });

  it("sets aws:PrincipalArn to the role's ARN, which a resource policy's deny for everyone else compares", async () => {
    const onlyReader = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Reader` } },
        },
      ],
    };
    const read = (name: string) => evaluate({ principal: role(ACCOUNT, name), action: GET_SECRET_VALUE, resource: SECRET }, onlyReader);

    expect((await read('Reader')).decision).toBe('Allowed');
    expect((await read('Other')).decision).toBe('ExplicitlyDenied');
  });

  it.each<[string, string, string, Record<string, string>, RegExp]>([
    ['an action IAM does not know', 'secretsmanager:GetSecretValu', SECRET, {}, /could not be evaluated: .*invalid\.action/],
    ['a resource of another type than the action takes', GET_SECRET_VALUE, `arn:aws:sqs:eu-west-2:${ACCOUNT}:queue`, {}, /evaluated/],
    ['a context key the action does not have', GET_SECRET_VALUE, SECRET, { 'events:source': 'x' }, /no context keys events:source/],
    ['a resource without an account', GET_SECRET_VALUE, 'arn:aws:s3:::bucket', {}, /No account in ARN/],
  ])('throws, rather than deny, for %s', async (_, action, resource, context, message) => {
    await expect(evaluate({ principal: role(ACCOUNT, 'Reader'), action, resource, context }, undefined)).rejects.toThrow(EvaluationError);
    await expect(evaluate({ principal: role(ACCOUNT, 'Reader'), action, resource, context }, undefined)).rejects.toThrow(message);
  });
});
