// The package as a user gets it: packed (`npm pack` builds it through `prepack`) into a folder of its own,
// with an empty project beside the tarball for a test to install it into.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defined } from './defined.js';

const execFile = promisify(execFileCallback);

export interface PackedPackage {
  /** The folder holding the tarball and the project; `remove()` deletes it. */
  readonly workDirectory: string;
  /** The tarball's path. */
  readonly tarball: string;
  /** Every file the tarball holds, as `npm pack` lists them. */
  readonly packedFiles: readonly string[];
  /** An empty project (its package.json only) to install the tarball into. */
  readonly project: string;
  readonly remove: () => void;
}

/** Packs the repository into a new temporary folder named from `prefix`, beside a project with `packageJson`. */
export async function packForConsumer(prefix: string, packageJson: Record<string, unknown>): Promise<PackedPackage> {
  const workDirectory = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => {
    rmSync(workDirectory, { recursive: true, force: true });
  };
  try {
    const { stdout } = await execFile('npm', ['pack', '--json', '--pack-destination', workDirectory], {
      cwd: process.cwd(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const report = defined(packed, 'npm pack report');
    const project = join(workDirectory, String(packageJson.name));
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify(packageJson));
    const tarball = join(workDirectory, report.filename);
    return { workDirectory, tarball, packedFiles: report.files.map(({ path }) => path), project, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Installs `packages` (the tarball, and any others) into `project`, from the npm cache where it holds them. */
export async function installInto(project: string, packages: readonly string[]): Promise<void> {
  await execFile('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packages], { cwd: project });
}
