// A stack as a synthesis wrote it into a cloud assembly, deployed the way CloudFormation would onto the local
// stand-ins: its secrets created, its target list written to SSM, its function's environment resolved, and
// the function's bundle found through the asset manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretsManagerStandIn } from '../../local/standins/secrets-manager.js';
import type { SsmStandIn } from '../../local/standins/ssm.js';

export type Intrinsic = string | { Ref: string } | { 'Fn::Join': [string, Intrinsic[]] };

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** What the stand-ins hold once the stack is "deployed", and how to run its one function. */
export interface StandInDeployment {
  /** The function's environment variables, as CloudFormation would resolve them. */
  readonly functionEnvironment: Record<string, string>;
  /** The target list, from the parameters the stack writes. */
  readonly targets: readonly { workspaceId: string; secretId: string }[];
  /** The folder of the function's bundle in the cloud assembly. */
  readonly bundleDirectory: string;
}

export function readResources(assemblyDirectory: string, stackName: string): Record<string, CfnResource> {
  return (readJson(join(assemblyDirectory, `${stackName}.template.json`)) as { Resources: Record<string, CfnResource> }).Resources;
}

/** Creates the stack's secrets and target parameters on the stand-ins, and resolves its one function's environment. */
export function deployOnStandIns(
  assemblyDirectory: string,
  stackName: string,
  standIns: { secretsManager: SecretsManagerStandIn; ssm: SsmStandIn },
): StandInDeployment {
  const resources = Object.entries(readResources(assemblyDirectory, stackName));
  const arnOfResource: Record<string, string> = {};
  for (const [logicalId, { Type, Properties }] of resources) {
    if (Type === 'AWS::SecretsManager::Secret') {
      arnOfResource[logicalId] = standIns.secretsManager.createSecret(logicalId, Properties.SecretString as string).arn;
    }
  }
  const targets = resources
    .filter(([, { Type }]) => Type === 'AWS::SSM::Parameter')
    .flatMap(([, { Properties }]) => {
      const value = resolveIntrinsic(Properties.Value as Intrinsic, arnOfResource);
      standIns.ssm.put(resolveIntrinsic(Properties.Name as Intrinsic, arnOfResource), value);
      return JSON.parse(value) as { workspaceId: string; secretId: string }[];
    });
  const functions = resources.filter(([, { Type }]) => Type === 'AWS::Lambda::Function').map(([, resource]) => resource);
  const [fn] = functions;
  if (fn === undefined || functions.length > 1) throw new Error(`Expected one function in ${stackName}, found ${functions.length}`);
  const { Variables } = fn.Properties.Environment as { Variables: Record<string, Intrinsic> };
  const resolved = Object.entries(Variables).map(([name, value]): [string, string] => [name, resolveIntrinsic(value, arnOfResource)]);
  return {
    functionEnvironment: Object.fromEntries(resolved),
    targets,
    bundleDirectory: assetDirectoryOf(assemblyDirectory, stackName, fn),
  };
}

/** The folder in the cloud assembly holding the code a function resource deploys (its asset, by S3 key). */
export function assetDirectoryOf(assemblyDirectory: string, stackName: string, fn: CfnResource): string {
  const { S3Key: objectKey } = fn.Properties.Code as { S3Key: string };
  const manifest = readJson(join(assemblyDirectory, `${stackName}.assets.json`)) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const asset = Object.values(manifest.files).find((file) =>
    Object.values(file.destinations).some((destination) => destination.objectKey === objectKey),
  );
  if (!asset) throw new Error(`No asset in the cloud assembly is uploaded as ${objectKey}`);
  return join(assemblyDirectory, asset.source.path);
}

/** A Ref to a secret (its ARN on the stand-in), a Fn::Join of those, or a plain string. */
export function resolveIntrinsic(value: Intrinsic, arnOfResource: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    const arn = arnOfResource[value.Ref];
    if (arn === undefined) throw new Error(`The template refers to ${value.Ref}, not a secret`);
    return arn;
  }
  const [separator, parts] = value['Fn::Join'];
  return parts.map((part) => resolveIntrinsic(part, arnOfResource)).join(separator);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
