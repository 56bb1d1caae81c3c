// One run of the command line: parse, find the function, invoke it, print, and say which exit status.
import type { RotationReport } from '../lambda/contract/report.js';
import { createAwsClients, type AwsClients } from './aws-clients.js';
import { configuredWorkspaces } from './configured-workspaces.js';
import { confirmRotation, needsConfirmation, refuseWithoutTerminal, type ConfirmationInput } from './confirm-rotation.js';
import { CouldNotRunError, EXIT, UsageError } from './errors.js';
import { describeFunction } from './function-configuration.js';
import { invokeFunction, type FunctionTarget } from './invoke-function.js';
import { locateFunction } from './locate-function.js';
import { packageVersion } from './package-version.js';
import { progressOn, type ProgressStream } from './progress.js';
import { renderReport } from './report-table.js';
import { runAction } from './run-action.js';
import { COMMAND_NAME, HELP, parseCommand, type Command } from './usage.js';
import { invocationWaitSeconds, waitNotice } from './waits.js';

export interface Streams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  /** Where a confirmation is read from, when stdin is a terminal. */
  readonly stdin: ConfirmationInput['input'];
}

type AwsCommand = Extract<Command, { kind: 'action' | 'invoke' }>;

/** Runs the command line with these arguments; resolves to the exit status, never rejects. */
export async function runCli(argv: readonly string[], streams: Streams): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
    refuseWithoutTerminal(command, streams.stdin);
  } catch (error) {
    if (!(error instanceof UsageError)) return fail(unexpected(error), streams);
    streams.stderr.write(`${error.message}\nRun ${COMMAND_NAME} --help for the commands and options.\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help' || command.kind === 'version') {
    try {
      streams.stdout.write(command.kind === 'help' ? HELP : `${packageVersion()}\n`);
    } catch (error) {
      return fail(error instanceof CouldNotRunError ? error : unexpected(error), streams);
    }
    return EXIT.ok;
  }

  const clients = createAwsClients(command.aws);
  try {
    return await run(command, clients, streams);
  } catch (error) {
    const failure = error instanceof CouldNotRunError ? error : unexpected(error);
    if (failure.report !== undefined && command.kind === 'action') printReport(failure.report, command.json, streams);
    return fail(failure, streams);
  } finally {
    clients.destroy();
  }
}

async function run(command: AwsCommand, clients: AwsClients, streams: Streams): Promise<number> {
  const region = await clients.region();
  await clients.checkCredentials();
  const functionName = await locateFunction(command.location, clients.cloudFormation, region);
  const deployed = await describeFunction(clients.lambda, functionName, region);
  const waitSeconds = invocationWaitSeconds(deployed.timeoutSeconds, clients.callTimeoutSeconds);
  const target: FunctionTarget = { lambda: clients.lambda, functionName, region, waitSeconds };
  const notice = { functionName, functionTimeoutSeconds: deployed.timeoutSeconds };

  if (command.kind === 'invoke') {
    streams.stderr.write(`${waitNotice({ ...notice, invocations: 1 })}\n`);
    const answer = await invokeFunction(target, command.event);
    streams.stdout.write(`${JSON.stringify(answer.kind === 'answer' ? answer.payload : answer.report, null, 2)}\n`);
    return answer.kind === 'answer' ? EXIT.ok : EXIT.workspaceFailed;
  }

  const workspaceIds = command.workspaceIds ?? (await configuredWorkspaces(deployed, clients.ssm, region));
  if (needsConfirmation(command)) await confirmRotation(functionName, workspaceIds, { input: streams.stdin, output: streams.stderr });
  const invocations = Math.ceil(workspaceIds.length / command.batchSize);
  streams.stderr.write(`${waitNotice({ ...notice, workspaces: workspaceIds.length, invocations })}\n`);
  const report = await runAction(
    { action: command.action, dryRun: command.dryRun, workspaceIds, batchSize: command.batchSize },
    (event) => invokeFunction(target, event),
    progressOn(streams.stderr),
  );
  printReport(report, command.json, streams);
  return report.results.some((result) => result.outcome === 'failed') ? EXIT.workspaceFailed : EXIT.ok;
}

function printReport(report: RotationReport, json: boolean, streams: Streams): void {
  streams.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}

function fail(failure: CouldNotRunError, streams: Streams): number {
  streams.stderr.write(`${failure.message}\n`);
  return EXIT.couldNotRun;
}

/** A fault of the command line itself: still one line, never a stack trace. */
function unexpected(error: unknown): CouldNotRunError {
  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CouldNotRunError(
    `Unexpected error: ${description}\nThis is a fault of ${COMMAND_NAME}; please report it with the command you ran.`,
  );
}
