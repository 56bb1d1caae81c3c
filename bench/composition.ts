// Which package each byte of a bundle came from, from esbuild's metafile: the bytes each input file left in
// the output, summed per node_modules package, the project's own files summed as one entry.

/** The parts of esbuild's metafile read here. */
export interface Metafile {
  readonly inputs: Record<string, { readonly imports?: readonly { readonly path: string; readonly external?: boolean }[] }>;
  readonly outputs: Record<string, { readonly bytes: number; readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

export interface PackageShare {
  /** A package name, or OWN_CODE for the project's own files. */
  readonly name: string;
  readonly bytes: number;
  /** Input files of it that left bytes in the bundle. */
  readonly files: number;
}

export interface Composition {
  /** Largest first. */
  readonly packages: readonly PackageShare[];
  /** Output bytes no input accounts for: esbuild's module wrappers and runtime helpers. */
  readonly glueBytes: number;
}

export const OWN_CODE = '(own code)';

/** The composition of the output file whose name is `outputFile` (e.g. index.mjs). */
export function compositionOf(metafile: Metafile, outputFile: string): Composition {
  const output = Object.entries(metafile.outputs).find(([path]) => path === outputFile || path.endsWith(`/${outputFile}`))?.[1];
  if (output === undefined) throw new Error(`The metafile describes no output named ${outputFile}.`);
  const shares = new Map<string, { bytes: number; files: number }>();
  let attributed = 0;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const name = packageOf(path);
    const share = shares.get(name) ?? { bytes: 0, files: 0 };
    shares.set(name, { bytes: share.bytes + bytesInOutput, files: share.files + 1 });
    attributed += bytesInOutput;
  }
  const packages = [...shares].map(([name, share]) => ({ name, ...share })).sort((a, b) => b.bytes - a.bytes);
  return { packages, glueBytes: output.bytes - attributed };
}

/** `node_modules/@smithy/core/dist-es/x.js` -> `@smithy/core`; a file outside node_modules is own code. */
function packageOf(path: string): string {
  const marker = 'node_modules/';
  const at = path.lastIndexOf(marker);
  if (at === -1) return OWN_CODE;
  const [first, second] = path.slice(at + marker.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
}
