import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct, IConstruct } from 'constructs';

/** The functions the package ships bundled, by the name of their asset folder, with their entry in this repository. */
export const FUNCTION_ENTRIES = {
  'rotation-function': 'lambda/rotation-function/handler.ts',
  'example-receiver': 'lambda/example-receiver/handler.ts',
} as const;
export type ShippedFunction = keyof typeof FUNCTION_ENTRIES;

/** The file each bundle is, in its asset folder: esbuild's ESM output as NodejsFunction names it. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Where the installed package keeps the bundles `npm pack` built: `dist/assets/`, two folders up from the compiled
 * construct (`dist/infra/construct/`). From the sources (this repository's app and tests) the folder is not there.
 */
export const SHIPPED_ASSETS_DIRECTORY = fileURLToPath(new URL('../../assets', import.meta.url));

/** What every function of this package runs on, however its code got there. */
const RUNTIME = { runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.ARM_64 };
const HANDLER = 'handler';

/** What every function of this app shares: where its code is, the runtime it runs on, and how esbuild bundles it. */
export type BundledFunctionProps = Required<
  Pick<NodejsFunctionProps, 'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'runtime' | 'architecture' | 'bundling'>
>;

/**
 * A `NodejsFunction` of this repository: `entry` (a path from the repository root) bundled locally by esbuild
 * into one ESM file, for Node.js 24 on arm64, with the dependency versions pinned in package-lock.json. The
 * package's build bundles its functions with these same props (scripts/bundle-functions.ts).
 */
export function bundledFunctionProps(entry: string): BundledFunctionProps {
  return {
    entry: fileURLToPath(new URL(`../../${entry}`, import.meta.url)),
    handler: HANDLER,
    projectRoot: fileURLToPath(new URL('../..', import.meta.url)),
    depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
    ...RUNTIME,
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

/** A function's props apart from its code and what it runs on, which `createBundledFunction` decides. */
export type BundledFunctionOptions = Omit<NodejsFunctionProps, keyof BundledFunctionProps | 'code'>;

/**
 * One of the package's functions. Installed from the package, its code is the bundle shipped in `assetsDirectory`
 * (nothing to bundle: the app that uses the construct needs no esbuild, tsx or Docker); run from this repository,
 * it is bundled from the sources at synthesis. Either way the function is the same but for its code asset.
 */
export function createBundledFunction(
  scope: Construct,
  id: string,
  name: ShippedFunction,
  options: BundledFunctionOptions,
  assetsDirectory: string = SHIPPED_ASSETS_DIRECTORY,
): NodejsFunction {
  const shipped = join(assetsDirectory, name);
  if (!existsSync(join(shipped, BUNDLE_FILE))) {
    return new NodejsFunction(scope, id, { ...options, ...bundledFunctionProps(FUNCTION_ENTRIES[name]) });
  }
  // NodejsFunction given `code` bundles nothing: it is a lambda.Function, kept as the type the constructs expose.
  return new NodejsFunction(scope, id, { ...options, ...RUNTIME, handler: `index.${HANDLER}`, code: lambda.Code.fromAsset(shipped) });
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
