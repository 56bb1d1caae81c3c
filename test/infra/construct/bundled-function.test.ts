import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acknowledgeNoDeadLetterQueueOrTracing,
  BUNDLE_FILE,
  bundledFunctionProps,
  createBundledFunction,
  FUNCTION_ENTRIES,
  SHIPPED_ASSETS_DIRECTORY,
  type BundledFunctionOptions,
} from '../../../infra/construct/bundled-function.js';
import type { CfnResource } from '../../support/cloud-assembly.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('bundledFunctionProps', () => {
  const props = bundledFunctionProps('lambda/rotation-function/handler.ts');

  it('finds the entry, the project root and the lock file from the repository root, wherever the app runs', () => {
    expect(props.entry).toBe(`${REPOSITORY_ROOT}lambda/rotation-function/handler.ts`);
    expect(props.projectRoot).toBe(REPOSITORY_ROOT);
    expect(props.depsLockFilePath).toBe(`${REPOSITORY_ROOT}package-lock.json`);
    expect([props.entry, props.depsLockFilePath].every((path) => existsSync(path))).toBe(true);
  });

  it('runs the exported handler on Node.js 24 on arm64', () => {
    expect(props.handler).toBe('handler');
    expect(props.runtime).toBe(lambda.Runtime.NODEJS_24_X);
    expect(props.architecture).toBe(lambda.Architecture.ARM_64);
  });

  it('bundles locally into one minified ESM file, with the SDK version of the lock file and no source map', () => {
    expect(props.bundling).toEqual({
      format: OutputFormat.ESM,
      target: 'node24',
      minify: true,
      sourceMap: false,
      bundleAwsSDK: true,
      mainFields: ['module', 'main'],
      forceDockerBundling: false,
    });
  });
});

describe('createBundledFunction', () => {
  const SHIPPED_BUNDLE = 'export const handler = async () => "shipped";\n';
  const OPTIONS: BundledFunctionOptions = { memorySize: 256, timeout: Duration.seconds(10), environment: { NAME: 'value' } };
  const temporary = mkdtempSync(join(tmpdir(), 'bundled-function-'));
  const shippedAssets = join(temporary, 'assets');
  mkdirSync(join(shippedAssets, 'rotation-function'), { recursive: true });
  writeFileSync(join(shippedAssets, 'rotation-function', BUNDLE_FILE), SHIPPED_BUNDLE);
  afterAll(() => {
    rmSync(temporary, { recursive: true, force: true });
  });

  /** The function in a stack of its own, bundling skipped (the artifact tests bundle); its code asset. */
  function build(assetsDirectory: string, outdir?: string) {
    // Asset metadata says, on the function, whether its code asset was bundled.
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'FunctionStack');
    const fn = createBundledFunction(stack, 'Function', 'rotation-function', OPTIONS, assetsDirectory);
    const code = fn.node.findChild('Code');
    if (!(code instanceof Asset)) throw new Error('The function has no code asset');
    const resources = Template.fromStack(stack).toJSON() as { Resources: Record<string, CfnResource & { Metadata?: object }> };
    return { code, resources: resources.Resources };
  }

  /** The function's resource, and whether its code was bundled at synthesis. */
  function functionOf(resources: Record<string, CfnResource & { Metadata?: object }>) {
    const [fn] = Object.values(resources).filter(({ Type }) => Type === 'AWS::Lambda::Function');
    return { properties: fn?.Properties, bundled: (fn?.Metadata as Record<string, unknown> | undefined)?.['aws:asset:is-bundled'] };
  }

  it('looks for the shipped bundles in dist/assets/ of the installed package, beside the compiled construct', () => {
    // From the sources (here) that is assets/ at the repository root, which does not exist.
    expect(SHIPPED_ASSETS_DIRECTORY).toBe(`${REPOSITORY_ROOT}assets`);
    expect(existsSync(SHIPPED_ASSETS_DIRECTORY)).toBe(false);
    expect(Object.values(FUNCTION_ENTRIES).every((entry) => existsSync(join(REPOSITORY_ROOT, entry)))).toBe(true);
  });

  it('deploys the shipped bundle as it is, with nothing to bundle, where the package holds one', () => {
    const outdir = join(temporary, 'assembly');

    const { code, resources } = build(shippedAssets, outdir);

    expect(functionOf(resources).bundled).toBe(false);
    expect(readFileSync(join(outdir, code.assetPath, BUNDLE_FILE), 'utf8')).toBe(SHIPPED_BUNDLE);
  });

  it("bundles the function's entry with esbuild where there is no shipped bundle (this repository)", () => {
    const { resources } = build(join(temporary, 'no-assets'));

    expect(functionOf(resources).bundled).toBe(true);
  });

  it('makes the same function either way, its runtime, handler, role and options included, but for the code asset', () => {
    // The asset's key and metadata (where it was staged from, whether it was bundled) are the code asset's.
    const withoutCodeAsset = (assetsDirectory: string) =>
      JSON.parse(JSON.stringify(build(assetsDirectory).resources, (key, value: unknown) => (key === 'Metadata' ? undefined : value))
        .replace(/"S3Key":"[0-9a-f]{64}\.zip"/g, '"S3Key":"-"')) as Record<string, CfnResource>;

    const shipped = withoutCodeAsset(shippedAssets);

    expect(shipped).toEqual(withoutCodeAsset(join(temporary, 'no-assets')));
    expect(functionOf(shipped).properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 10,
    });
  });
});

describe('acknowledgeNoDeadLetterQueueOrTracing', () => {
  it('acknowledges the two Serverless findings, each with its own reason', () => {
    const fn = new Stack(new App(), 'FunctionStack');

    acknowledgeNoDeadLetterQueueOrTracing(fn, { noDeadLetterQueue: 'An on-failure destination.', noTracing: 'Logs and metrics.' });

    const acknowledged = fn.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]);
    expect(acknowledged.sort()).toEqual([
      ['Serverless-LambdaDLQ', 'An on-failure destination.'],
      ['Serverless-LambdaTracing', 'Logs and metrics.'],
    ]);
  });
});
