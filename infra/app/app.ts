import { App } from 'aws-cdk-lib';
import { STACK_NAME } from '../../lambda/contract/stack.js';
import { addComplianceChecks } from './compliance-checks.js';
import { ProlificWebhookSecretRotationStack } from './rotation-stack.js';
import { readStackName } from './stack-name.js';
import { readStackSettings } from './stack-settings.js';

const app = new App();
addComplianceChecks(app);

// The default until the context key is read: a wrong `stackName` is reported like any other key.
let stackName = STACK_NAME;
try {
  stackName = readStackName(app.node);
  new ProlificWebhookSecretRotationStack(app, stackName, {
    description: 'Rotates Prolific webhook signing secrets on a schedule and keeps them in Secrets Manager.',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    settings: readStackSettings(app.node),
  });
  // Synthesized here, not when the process exits, so that a limit found only at synthesis (resources,
  // managed policies) is reported the same way.
  app.synth();
} catch (error) {
  // A context value the person running `cdk` got wrong (read by the settings, or checked by the construct
  // or at synthesis): say which, in one line, without a stack trace to wade through.
  const message = error instanceof Error ? error.message : String(error);
  // CDK's validation report at synthesis spans lines ("Validation failed with the following errors:", ...).
  console.error(`Cannot synthesize ${stackName}. ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
}
