import { App } from 'aws-cdk-lib';
import { addComplianceChecks } from './compliance-checks.js';
import { ProlificWebhookSecretRotationStack } from './rotation-stack.js';
import { readStackSettings } from './stack-settings.js';

const app = new App();
new ProlificWebhookSecretRotationStack(app, 'ProlificWebhookSecretRotation', {
  description: 'Rotates Prolific webhook signing secrets on a schedule and keeps them in Secrets Manager.',
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
  settings: readStackSettings(app.node),
});
addComplianceChecks(app);
