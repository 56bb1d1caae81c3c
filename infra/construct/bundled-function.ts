import { fileURLToPath } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';

/** What every function of this app shares: where its code is, the runtime it runs on, and how esbuild bundles it. */
export type BundledFunctionProps = Required<
  Pick<NodejsFunctionProps, 'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'runtime' | 'architecture' | 'bundling'>
>;

/**
 * A `NodejsFunction` of this repository: `entry` (a path from the repository root) bundled locally by esbuild
 * into one ESM file, for Node.js 24 on arm64, with the dependency versions pinned in package-lock.json.
 */
export function bundledFunctionProps(entry: string): BundledFunctionProps {
  return {
    entry: fileURLToPath(new URL(`../../${entry}`, import.meta.url)),
    handler: 'handler',
    projectRoot: fileURLToPath(new URL('../..', import.meta.url)),
    depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: {
      format: OutputFormat.ESM,
      target: 'node24',
      minify: true,
      sourceMap: false,
      // Ship the SDK version pinned in package-lock.json instead of the runtime's own copy.
      bundleAwsSDK: true,
      mainFields: ['module', 'main'],
      forceDockerBundling: false,
    },
  };
}

/** Why a function has no legacy dead-letter queue and no X-Ray tracing: the two cdk-nag Serverless rules ask for them. */
export interface UntracedFunctionReasons {
  readonly noDeadLetterQueue: string;
  readonly noTracing: string;
}

export function acknowledgeNoDeadLetterQueueOrTracing(fn: IConstruct, reasons: UntracedFunctionReasons): void {
  Validations.of(fn).acknowledge(
    { id: 'Serverless-LambdaDLQ', reason: reasons.noDeadLetterQueue },
    { id: 'Serverless-LambdaTracing', reason: reasons.noTracing },
  );
}
