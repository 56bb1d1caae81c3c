// The rotation function's permissions: it may tell receivers of a rotation on the default event bus, and
// nothing else there. (Its runtime, timeout, environment and whole role in a deployed stack: rotation-stack.test.ts;
// its grants on adopted secrets and keys: prolific-webhook-secret-rotation.test.ts.)
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROTATION_EVENT } from '../../../lambda/contract/rotation-event.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { buildStack, refTo, testApp } from '../../support/synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];
const DEFAULT_BUS_ARN = 'arn:aws:events:eu-west-2:123456789012:event-bus/default';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let stack: ProlificWebhookSecretRotationStack;
let template: Template;

beforeAll(() => {
  stack = buildStack(testApp({ workspaces: WORKSPACES.join(',') }));
  template = Template.fromStack(stack);
});

function statementsOfEveryPolicy(): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('the rotation event', () => {
  it('may be put by the function on the default bus of its account, with its own source only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo(stack, 'Rotation/FunctionRole')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectEquals({
            Sid: 'PutRotationEvents',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: DEFAULT_BUS_ARN,
            Condition: {
              'ForAllValues:StringEquals': { 'events:source': [ROTATION_EVENT.source] },
              Null: { 'events:source': 'false' },
            },
          }),
        ]),
      },
    });
  });

  it('is the only events: permission in the stack, on no other resource', () => {
    const events = statementsOfEveryPolicy().filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('events:')),
    );

    expect(events).toEqual([
      {
        Sid: 'PutRotationEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: DEFAULT_BUS_ARN,
        Condition: {
          'ForAllValues:StringEquals': { 'events:source': ['prolific.webhook-secret-rotation'] },
          Null: { 'events:source': 'false' },
        },
      },
    ]);
  });
});
