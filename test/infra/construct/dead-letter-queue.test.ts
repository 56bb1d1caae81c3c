import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createDeadLetterQueue } from '../../../infra/construct/dead-letter-queue.js';
import { TEST_ENV } from '../../support/synth.js';

describe('createDeadLetterQueue', () => {
  const stack = new Stack(new App(), 'QueueStack', { env: TEST_ENV });
  const queue = createDeadLetterQueue(stack, 'Queue', 'It receives what failed.');
  const template = Template.fromStack(stack);

  it('is encrypted with SQS-managed keys and keeps messages 14 days, the longest SQS allows', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 60 * 60,
      QueueName: Match.absent(),
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });

  it('acknowledges the redrive findings with the purpose it is given as the reason', () => {
    const acknowledged = queue.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((entry) => entry.data as Record<string, string>);
    const reasons = Object.assign({}, ...acknowledged) as Record<string, string>;

    expect(Object.keys(reasons).map((id) => id.replace(/^annotation::/i, '')).sort()).toEqual(['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']);
    for (const reason of Object.values(reasons)) {
      expect(reason).toBe('It receives what failed. It is the end of the line: a dead-letter queue for it would only move the messages.');
    }
  });
});
