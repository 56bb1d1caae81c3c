// What the command line accepts: the help text (docs/cli.md holds it verbatim, a test keeps them equal)
// and the arguments parsed into one command, or a UsageError saying what is wrong.
import { parseArgs } from 'node:util';
import { STACK_NAME } from '../lambda/contract/stack.js';
import { firstRepeated, isWorkspaceId, WORKSPACE_ID_RULE } from '../lambda/contract/workspaces.js';
import type { Action } from '../lambda/contract/report.js';
import { UsageError } from './errors.js';
import { DEFAULT_CALL_TIMEOUT_SECONDS, READ_ATTEMPTS } from './waits.js';

export const COMMAND_NAME = 'prolific-webhook-secret-rotation';
/** The stack infra/app/app.ts deploys, and the output rotation-stack.ts names the function by. */
export const DEFAULT_STACK_NAME = STACK_NAME;
export const DEFAULT_BATCH_SIZE = 25;
/** 50 workspace ids of the longest kind (128 characters) still fit in the function's 8 KB event limit. */
export const MAX_BATCH_SIZE = 50;
/** Lambda's longest function timeout: no call needs longer to answer. */
const MAX_CALL_TIMEOUT_SECONDS = 900;

export const HELP = `Usage: ${COMMAND_NAME} <command> [options]

Runs the rotation function of a deployed ${DEFAULT_STACK_NAME} stack and shows
where each workspace's webhook signing secret stands. It never prints a secret.

Commands:
  status                  Report each workspace: Prolific secret, version, last rotation,
                          drift, delivery health. Reads only.
  sync                    Store each workspace's active Prolific secret where Secrets Manager
                          holds another. Never asks Prolific for a new one.
  rotate                  Ask Prolific for a new secret for each workspace and store it.
                          It cannot be undone: for every workspace (no --workspace) it asks
                          first on a terminal, and needs --all anywhere else.
  invoke --event <json>   Send any other event to the function; print its answer as JSON.
  help                    Show this help.

Options:
  --workspace <id>        Only this workspace; repeat for several. Default: every workspace
                          the function is configured with.
  --all                   rotate: every workspace the function is configured with, without
                          asking.
  --dry-run               sync and rotate: show what would be done (the plan); change nothing.
  --json                  Print the report as JSON, also when workspaces failed.
  --batch-size <n>        Workspaces per invocation, 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE}). Invocations
                          run one at a time; with more than one, progress goes to stderr.
  --stack <name>          Find the function by this stack's output FunctionName
                          (default ${DEFAULT_STACK_NAME}).
  --function-name <name>  The function's name or ARN, instead of --stack.
  --region <region>       AWS region (default: AWS_REGION, or the profile's region).
  --profile <name>        AWS profile (default: AWS_PROFILE, or the SDK's credential chain).
  --call-timeout <s>      Seconds a call to AWS waits to connect, then for its answer (default
                          ${DEFAULT_CALL_TIMEOUT_SECONDS}); CloudFormation and SSM calls are tried up to ${READ_ATTEMPTS} times.
                          An invocation waits the function's timeout + 10 s + this.
  -h, --help              Show this help.
  --version               Print the version.

Exit status:
  0  every workspace succeeded
  1  one or more workspaces failed (the report is still printed)
  2  usage error, or rotate for every workspace without --all where it cannot ask
  3  could not run: no credentials or region, stack or function not found, access
     denied, no answer from AWS in time, a run already in progress, the function
     refused the event, or rotate was not confirmed
`;

/** Where the function is: given by name, or found in a stack's outputs. */
export type FunctionLocation = { readonly functionName: string } | { readonly stackName: string };

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  /** --call-timeout; undefined for the default (aws-clients.ts). */
  readonly callTimeoutSeconds?: number;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'action';
      readonly action: Action;
      readonly dryRun: boolean;
      readonly json: boolean;
      /** The workspaces asked for, or undefined for every configured workspace. */
      readonly workspaceIds?: readonly string[];
      /** rotate --all: every configured workspace was asked for, so no confirmation is asked. */
      readonly all?: boolean;
      readonly batchSize: number;
      readonly location: FunctionLocation;
      readonly aws: AwsOptions;
    }
  | {
      readonly kind: 'invoke';
      readonly event: Readonly<Record<string, unknown>>;
      readonly location: FunctionLocation;
      readonly aws: AwsOptions;
    };

const OPTIONS = {
  workspace: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'batch-size': { type: 'string' },
  stack: { type: 'string' },
  'function-name': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'call-timeout': { type: 'string' },
  event: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options each command takes besides the ones every command takes (where the function is, AWS). */
const COMMAND_OPTIONS: Record<Action | 'invoke', readonly OptionName[]> = {
  status: ['workspace', 'json', 'batch-size'],
  sync: ['workspace', 'dry-run', 'json', 'batch-size'],
  rotate: ['workspace', 'all', 'dry-run', 'json', 'batch-size'],
  invoke: ['event'],
};
const COMMON_OPTIONS: readonly OptionName[] = ['stack', 'function-name', 'region', 'profile', 'call-timeout', 'help', 'version'];
const COMMANDS = Object.keys(COMMAND_OPTIONS);

export function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parseKnownArguments(argv);
  const [name, ...extra] = positionals;
  if (values.help === true || name === 'help') return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (name === undefined) throw new UsageError(`Name a command: ${COMMANDS.join(', ')}.`);
  if (!Object.hasOwn(COMMAND_OPTIONS, name)) throw new UsageError(`Unknown command "${name}"; the commands are ${COMMANDS.join(', ')}.`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}": give one command, then options.`);
  const command = name as Action | 'invoke';
  rejectOptionsOutside(command, values);

  if (values.all === true && values.workspace !== undefined) throw new UsageError('Give --workspace or --all, not both.');
  const location = functionLocation(values);
  const aws = {
    region: values.region,
    profile: values.profile,
    callTimeoutSeconds: values['call-timeout'] === undefined ? undefined : parseCallTimeout(values['call-timeout']),
  };
  if (command === 'invoke') return { kind: 'invoke', event: parseEventOption(values.event), location, aws };
  return {
    kind: 'action',
    action: command,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    workspaceIds: values.workspace === undefined ? undefined : checkedWorkspaceIds(values.workspace),
    all: values.all,
    batchSize: values['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : parseBatchSize(values['batch-size']),
    location,
    aws,
  };
}

function parseKnownArguments(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains unknown options and missing values well; only its advice to pass "--" does not apply.
    const message = error instanceof Error ? error.message.replace(/\s*To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message);
  }
}

function rejectOptionsOutside(command: Action | 'invoke', values: Partial<Record<OptionName, unknown>>): void {
  const allowed = [...COMMAND_OPTIONS[command], ...COMMON_OPTIONS];
  const misplaced = (Object.keys(values) as OptionName[]).find((option) => !allowed.includes(option));
  if (misplaced === undefined) return;
  const takers = (Object.keys(COMMAND_OPTIONS) as (Action | 'invoke')[]).filter((name) => COMMAND_OPTIONS[name].includes(misplaced));
  throw new UsageError(`Option --${misplaced} does not apply to ${command}; it is for ${inWords(takers)}.`);
}

/** "a", "a and b", "a, b and c". */
function inWords(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function functionLocation(values: { stack?: string; 'function-name'?: string }): FunctionLocation {
  const { stack, 'function-name': functionName } = values;
  if (stack !== undefined && functionName !== undefined) {
    throw new UsageError('Give --stack or --function-name, not both.');
  }
  if (functionName !== undefined) return { functionName: nonEmpty(functionName, 'function-name') };
  return { stackName: stack === undefined ? DEFAULT_STACK_NAME : nonEmpty(stack, 'stack') };
}

function nonEmpty(value: string, option: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new UsageError(`Option --${option} needs a value.`);
  return trimmed;
}

function parseEventOption(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) throw new UsageError(`invoke needs --event with a JSON object, e.g. --event '{"action":"status"}'.`);
  let event: unknown;
  try {
    event = JSON.parse(raw);
  } catch {
    throw new UsageError(`--event is not valid JSON; quote it for your shell, e.g. --event '{"action":"status"}'.`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new UsageError(`--event must be a JSON object, e.g. --event '{"action":"status"}'.`);
  }
  return event as Record<string, unknown>;
}

function checkedWorkspaceIds(ids: readonly string[]): string[] {
  const malformed = ids.find((id): boolean => !isWorkspaceId(id));
  if (malformed !== undefined) {
    throw new UsageError(`--workspace ${JSON.stringify(malformed)} is not a Prolific workspace id (${WORKSPACE_ID_RULE}).`);
  }
  const repeated = firstRepeated(ids);
  if (repeated !== undefined) throw new UsageError(`--workspace ${repeated} is given twice; name each workspace once.`);
  return [...ids];
}

function parseBatchSize(raw: string): number {
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new UsageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}; got ${JSON.stringify(raw)}.`);
  }
  return size;
}

function parseCallTimeout(raw: string): number {
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_CALL_TIMEOUT_SECONDS) {
    const rule = `a number of seconds above 0, at most ${MAX_CALL_TIMEOUT_SECONDS}`;
    throw new UsageError(`--call-timeout must be ${rule}; got ${JSON.stringify(raw)}.`);
  }
  return seconds;
}
