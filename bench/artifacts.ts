// The two Lambda bundles the benchmark measures, built by the CDK's own NodejsFunction bundling (esbuild,
// locally) into a cloud assembly in a temporary directory, where no node_modules is above them, as on Lambda:
// - the rotation function, with the bundling options infra/bundled-function.ts gives every function of the app;
// - the baseline, with NodejsFunction's defaults on the same runtime.
// Both add `metafile: true`, which changes nothing in the bundle and tells which package each byte came from.
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { bundledFunctionProps } from '../infra/construct/bundled-function.js';
import { cdkJsonContext } from '../test/support/synth.js';
import { compositionOf, type Composition, type Metafile } from './composition.js';

export type ArtifactName = 'rotation' | 'baseline';

export interface Artifact {
  readonly name: ArtifactName;
  /** The bundled file Lambda would import (index.mjs or index.js). */
  readonly file: string;
  readonly bytes: number;
  /** The file gzipped at zlib's default level: about what the deployment zip holds. */
  readonly gzipBytes: number;
  /** esbuild's flags as the CDK set them, for the report. */
  readonly bundling: string;
  /** Packages the bundle leaves to the runtime (the Lambda runtime's own AWS SDK). */
  readonly externals: string;
  /** What the Lambda runtime adds to the environment for the bundle to find those packages. */
  readonly runtimeEnv: Record<string, string>;
  readonly composition: Composition;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const NO_EXTERNALS = 'none';

/** Bundles both functions (a few seconds) into a cloud assembly in `outdir`, an empty directory. */
export function buildArtifacts(outdir: string): Record<ArtifactName, Artifact> {
  // cdk.json's feature flags, as `cdk synth` gives them (they decide which SDK packages stay external).
  const stack = new Stack(new App({ outdir, context: cdkJsonContext() }), 'Benchmark');
  const rotationProps = bundledFunctionProps('lambda/rotation-function/handler.ts');
  return {
    rotation: build(stack, outdir, 'rotation', { ...rotationProps, bundling: { ...rotationProps.bundling, metafile: true } }),
    baseline: build(stack, outdir, 'baseline', {
      entry: join(REPO_ROOT, 'bench/baseline/handler.ts'),
      runtime: rotationProps.runtime,
      bundling: { metafile: true },
    }),
  };
}

function build(stack: Stack, outdir: string, name: ArtifactName, props: NodejsFunctionProps): Artifact {
  const fn = new NodejsFunction(stack, name, props);
  const asset = fn.node.findChild('Code');
  if (!(asset instanceof Asset)) throw new Error(`The ${name} function's code is not a bundled asset; the CDK may have renamed it.`);
  // The asset's path is relative to the cloud assembly, where NodejsFunction bundled it on construction.
  const directory = join(outdir, asset.assetPath);
  const bundleFile = readdirSync(directory).find((file) => /^index\.m?js$/.test(file));
  if (bundleFile === undefined) throw new Error(`No index.mjs or index.js in the ${name} bundle (${directory}).`);
  const file = join(directory, bundleFile);
  const content = readFileSync(file);
  const metafile = JSON.parse(readFileSync(join(directory, 'index.meta.json'), 'utf8')) as Metafile;
  const externals = externalsOf(metafile);
  return {
    name,
    file,
    bytes: content.length,
    gzipBytes: gzipSync(content).length,
    bundling: describeBundling(props),
    externals,
    // Lambda's NODE_PATH leads to its own SDK (/var/runtime/node_modules); here, to the pinned one.
    runtimeEnv: externals === NO_EXTERNALS ? {} : { NODE_PATH: join(REPO_ROOT, 'node_modules') },
    composition: compositionOf(metafile, bundleFile),
  };
}

function describeBundling({ runtime, bundling = {} }: NodejsFunctionProps): string {
  const format = bundling.format ?? 'cjs';
  const minify = bundling.minify ? 'minified' : 'not minified';
  const target = bundling.target ?? `from runtime ${runtime?.name}`;
  const sdk = bundling.bundleAwsSDK ? 'AWS SDK bundled' : 'AWS SDK external';
  return `${format}, ${minify}, target ${target}, ${sdk}`;
}

/** The external imports esbuild left in the bundle, as package patterns (`@aws-sdk/*`). */
function externalsOf(metafile: Metafile): string {
  const packages = Object.values(metafile.inputs)
    .flatMap((input) => input.imports ?? [])
    .filter((entry) => entry.external && !isBuiltin(entry.path))
    .map((entry) => entry.path.split('/')[0] ?? entry.path);
  const scopes = [...new Set(packages)].sort();
  return scopes.length === 0 ? NO_EXTERNALS : scopes.map((scope) => (scope.startsWith('@') ? `${scope}/*` : scope)).join(', ');
}
