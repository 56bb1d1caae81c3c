// The package's functions, bundled as this repository's app bundles them at synthesis (createBundledFunction
// from the sources: NodejsFunction, esbuild, the options of infra/construct/bundled-function.ts and cdk.json's
// feature flags), and kept as dist/assets/<name>/index.mjs, which the installed construct deploys as it is.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BUNDLE_FILE, createBundledFunction, FUNCTION_ENTRIES, type ShippedFunction } from '../infra/construct/bundled-function.js';

const CDK_JSON = new URL('../cdk.json', import.meta.url);

/** Bundles every shipped function into `<outdir>/assets/<name>/`. */
export function bundleFunctions(outdir: string): void {
  const assembly = mkdtempSync(join(tmpdir(), 'bundle-functions-'));
  try {
    const context = (JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> }).context;
    const stack = new Stack(new App({ outdir: assembly, context }), 'Bundles');
    for (const name of Object.keys(FUNCTION_ENTRIES) as ShippedFunction[]) {
      // NodejsFunction bundles on construction, into the cloud assembly.
      const code = createBundledFunction(stack, name, name, {}).node.findChild('Code');
      if (!(code instanceof Asset)) throw new Error(`The ${name} function's code is not a bundled asset; the CDK may have renamed it.`);
      const destination = join(outdir, 'assets', name);
      mkdirSync(destination, { recursive: true });
      copyFileSync(join(assembly, code.assetPath, BUNDLE_FILE), join(destination, BUNDLE_FILE));
    }
  } finally {
    rmSync(assembly, { recursive: true, force: true });
  }
}
