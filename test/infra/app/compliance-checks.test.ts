import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addComplianceChecks } from '../../../infra/app/compliance-checks.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { buildStack, testApp } from '../../support/synth.js';

/** Workspace ids of Prolific's shape: 24 lowercase hex digits. */
const WORKSPACE_A = '6655443322110099aabbccdd';
const WORKSPACE_B = '00fbfafdb9aec88a25bab450';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(...).acknowledge(...)` in the tree, with where it was made. */
function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

function violationsIn(assemblyDirectory: string): unknown[] {
  const report = JSON.parse(readFileSync(join(assemblyDirectory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  return report.pluginReports.flatMap((pluginReport) => pluginReport.violations ?? []);
}

describe('cdk-nag AwsSolutions and Serverless checks, registered with Validations.of(app).addPlugins', () => {
  let stack: ProlificWebhookSecretRotationStack;
  let synthesize: () => string;

  beforeAll(() => {
    // Prepare: every optional resource present (e-mail subscription, created and adopted secrets), and workspace
    // ids of Prolific's shape (any other shape is a warning of its own).
    const app = testApp(
      { workspaces: `${WORKSPACE_A},${WORKSPACE_B}=prolific/adopted-webhook-secret`, alarmEmail: 'rotation-alarms@example.com' },
      { cloudFormationValidation: true },
    );
    stack = buildStack(app);
    addComplianceChecks(app);
    synthesize = () => app.synth().directory;
  });

  it('find no unacknowledged finding, warnings included, in the deployable stack', () => {
    // Act: a finding would make synthesis throw with the rendered report.
    const assemblyDirectory = synthesize();

    // Assess
    expect(violationsIn(assemblyDirectory)).toEqual([]);
  });

  it('are live in this setup: an unacknowledged finding fails synthesis', () => {
    // Prepare: a topic that accepts publishers without TLS.
    const app = testApp();
    new sns.Topic(new Stack(app, 'Careless'), 'Topic');
    addComplianceChecks(app);

    // Act / Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });

  it('are acknowledged for these rules only, each with a reason a reviewer can check', () => {
    const acknowledgements = acknowledgementsIn(stack);

    expect([...new Set(acknowledgements.map(({ id }) => id.replace(/\[.*\]$/, '')))].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-SMG4',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaTracing',
      'Serverless-SNSRedrivePolicy',
      'Serverless-SQSRedrivePolicy',
    ]);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(100);
    }
  });

  it('acknowledge wildcards only for the invoke permission of the rotation function', () => {
    const wildcards = acknowledgementsIn(stack).filter(({ id }) => id.startsWith('AwsSolutions-IAM5'));
    const functionLogicalId = stack.getLogicalId(stack.rotation.function.node.defaultChild as CfnElement);

    expect(wildcards.map(({ path, id }) => ({ path, id }))).toEqual([
      {
        path: 'ProlificWebhookSecretRotation/Rotation/SchedulerRole',
        id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      },
    ]);
  });
});

describe('cdk-nag checks with the example receiver deployed (-c exampleReceiver=true)', () => {
  let stack: ProlificWebhookSecretRotationStack;
  let synthesize: () => string;

  beforeAll(() => {
    // Prepare: the receiver reads the first workspace's secret, created by the stack, next to an adopted one.
    const app = testApp(
      { workspaces: `${WORKSPACE_A},${WORKSPACE_B}=prolific/adopted-webhook-secret`, exampleReceiver: 'true' },
      { cloudFormationValidation: true },
    );
    stack = buildStack(app);
    addComplianceChecks(app);
    synthesize = () => app.synth().directory;
  });

  it('find no unacknowledged finding, warnings included', () => {
    expect(violationsIn(synthesize())).toEqual([]);
  });

  it('are acknowledged on the receiver for its dead-letter queue and tracing only, each with a reason', () => {
    const onReceiver = acknowledgementsIn(stack).filter(({ path }) => path.startsWith(`${stack.node.path}/ExampleReceiver/`));

    expect(onReceiver.map(({ path, id }) => ({ path, id }))).toEqual([
      { path: 'ProlificWebhookSecretRotation/ExampleReceiver/Function', id: 'Serverless-LambdaDLQ' },
      { path: 'ProlificWebhookSecretRotation/ExampleReceiver/Function', id: 'Serverless-LambdaTracing' },
    ]);
    for (const { reason } of onReceiver) expect(reason.length).toBeGreaterThanOrEqual(100);
  });
});
