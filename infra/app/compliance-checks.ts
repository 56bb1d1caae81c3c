import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AWS Solutions and Serverless rule packs at synthesis: a finding that is not
 * acknowledged (with `Validations.of(construct).acknowledge`, and a reason) fails `cdk synth`.
 */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}
