import { describe, expect, it } from 'vitest';
import { templateResolver, type CfnTemplate } from './template-resolver.js';

const ENVIRONMENT = { account: '123456789012', region: 'eu-west-2', stackName: 'Stack' };
const ROLE_PREFIX = 'arn:aws:iam::123456789012:role/';
const LOGS_PREFIX = 'arn:aws:logs:eu-west-2:123456789012:log-group:';
const TEMPLATE: CfnTemplate = {
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Named: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Join': ['-', ['fixed', { Ref: 'AWS::Region' }]] } } },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/fixed/logs' } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
  },
};

describe('templateResolver', () => {
  const { resolve } = templateResolver(TEMPLATE, ENVIRONMENT);

  it.each<[string, unknown, unknown]>([
    [
      'pseudo parameters',
      { 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::URLSuffix' }]] },
      'aws:123456789012:amazonaws.com',
    ],
    ["a role's name and ARN", [{ Ref: 'Role' }, { 'Fn::GetAtt': ['Role', 'Arn'] }], ['Stack-Role', `${ROLE_PREFIX}Stack-Role`]],
    ['a name given in the template', { 'Fn::GetAtt': 'Named.Arn' }, `${ROLE_PREFIX}fixed-eu-west-2`],
    [
      "a queue's URL and ARN",
      [{ Ref: 'Queue' }, { 'Fn::GetAtt': ['Queue', 'Arn'] }],
      ['https://sqs.eu-west-2.amazonaws.com/123456789012/Stack-Queue', 'arn:aws:sqs:eu-west-2:123456789012:Stack-Queue'],
    ],
    [
      "a table's name and ARN",
      [{ Ref: 'Table' }, { 'Fn::GetAtt': ['Table', 'Arn'] }],
      ['Stack-Table', 'arn:aws:dynamodb:eu-west-2:123456789012:table/Stack-Table'],
    ],
    ["a log group's ARN, which ends in :*", { 'Fn::GetAtt': ['Logs', 'Arn'] }, `${LOGS_PREFIX}/fixed/logs:*`],
    [
      'Fn::Sub with references and variables',
      { 'Fn::Sub': ['${Role.Arn}/${Name}', { Name: { Ref: 'Logs' } }] },
      `${ROLE_PREFIX}Stack-Role//fixed/logs`,
    ],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'Logs' }] }] }, 'fixed'],
    ['objects and lists, key by key', { Statement: [{ Resource: { Ref: 'Role' } }] }, { Statement: [{ Resource: 'Stack-Role' }] }],
  ])('resolves %s', (_, value, expected) => {
    expect(resolve(value)).toEqual(expected);
  });

  it("gives a secret an ARN with Secrets Manager's 6-character suffix, the same on every run", () => {
    const arn = resolve({ Ref: 'Secret' });

    expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-2:123456789012:secret:Stack-Secret-[0-9a-f]{6}$/);
    expect(templateResolver(TEMPLATE, ENVIRONMENT).resolve({ Ref: 'Secret' })).toBe(arn);
  });

  it.each<[string, unknown, RegExp]>([
    ['a resource the template does not have', { Ref: 'Missing' }, /no resource Missing/],
    ['a type it has no rule for', { Ref: 'Dashboard' }, /no rule for AWS::CloudWatch::Dashboard/],
    ['an attribute it has no rule for', { 'Fn::GetAtt': ['Role', 'RoleId'] }, /Role\.RoleId: no rule for that attribute/],
    ['an intrinsic it has no rule for', { 'Fn::If': ['Condition', 'a', 'b'] }, /Fn::If: no rule for that intrinsic/],
  ])('throws rather than guess, for %s', (_, value, message) => {
    expect(() => resolve(value)).toThrow(message);
  });
});
