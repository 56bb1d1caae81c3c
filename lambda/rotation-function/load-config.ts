// Where the function finds its targets when they are too many for its environment (Lambda keeps 4 KB of
// variables in all): String parameters under one SSM path, each a JSON array, read once per execution environment.
import { paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import { parseConfig, targetsParameterPath, type RotationConfig, type TargetParameter } from './config.js';
import { ENVIRONMENT } from '../contract/environment.js';
import { ConfigurationError, describeError } from './errors.js';
import type { RotationTarget } from './rotation/types.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Parses the configuration, reading the targets from SSM first when the environment points there. */
export async function loadConfig(env: Environment, ssm: () => SSMClient): Promise<RotationConfig> {
  const path = targetsParameterPath(env);
  return parseConfig(env, path === undefined ? undefined : await readTargetParameters(ssm(), path));
}

/** The targets of a function, from its environment (e.g. as GetFunctionConfiguration returns it). */
export async function loadTargets(env: Environment, ssm: SSMClient): Promise<readonly RotationTarget[]> {
  return (await loadConfig(env, () => ssm)).targets;
}

async function readTargetParameters(ssm: SSMClient, path: string): Promise<TargetParameter[]> {
  const parameters: TargetParameter[] = [];
  try {
    for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path, Recursive: false })) {
      for (const { Name, Value } of page.Parameters ?? []) {
        if (Name !== undefined && Value !== undefined) parameters.push({ name: Name, value: Value });
      }
    }
  } catch (error) {
    throw new ConfigurationError(
      `The targets under SSM path ${path} (${ENVIRONMENT.targetsParameterPath}) could not be read: ${describeError(error)}. ` +
        'Check that the function may call ssm:GetParametersByPath on that path; the next invocation reads them again.',
      { cause: error },
    );
  }
  // Parameter Store does not promise an order; the names (zero-padded numbers) give the list's.
  return parameters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
