import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An encrypted, TLS-only queue that keeps what failed for as long as SQS allows. `purpose` says what
 * lands in it; it is the reason given for the findings a last-resort queue cannot meet.
 */
export function createDeadLetterQueue(scope: Construct, id: string, purpose: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // The longest SQS allows: time for a person to read why a run failed.
    retentionPeriod: Duration.days(14),
  });
  const reason = `${purpose} It is the end of the line: a dead-letter queue for it would only move the messages.`;
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}
