import { App } from 'aws-cdk-lib';
import { addComplianceChecks } from './compliance-checks.js';
import { ProlificWebhookSecretRotationStack } from './rotation-stack.js';
import { readStackSettings, type StackSettings } from './stack-settings.js';

const app = new App();

let settings: StackSettings;
try {
  settings = readStackSettings(app.node);
} catch (error) {
  // A context key the person running `cdk` got wrong: say which, without a stack trace to wade through.
  console.error(`Cannot synthesize ProlificWebhookSecretRotation. ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

new ProlificWebhookSecretRotationStack(app, 'ProlificWebhookSecretRotation', {
  description: 'Rotates Prolific webhook signing secrets on a schedule and keeps them in Secrets Manager.',
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
  settings,
});
addComplianceChecks(app);
