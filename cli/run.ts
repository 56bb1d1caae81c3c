// One run of the command line: parse, find the function, invoke it, print, and say which exit status.
import type { RotationReport } from '../lambda/contract/report.js';
import { createAwsClients, type AwsClients } from './aws-clients.js';
import { configuredWorkspaces } from './configured-workspaces.js';
import { CouldNotRunError, EXIT, UsageError } from './errors.js';
import { invokeFunction, type FunctionTarget } from './invoke-function.js';
import { locateFunction } from './locate-function.js';
import { progressOn, type ProgressStream } from './progress.js';
import { renderReport } from './report-table.js';
import { runAction } from './run-action.js';
import { COMMAND_NAME, HELP, parseCommand, type Command } from './usage.js';

export interface Output {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
}

/** Runs the command line with these arguments; resolves to the exit status, never rejects. */
export async function runCli(argv: readonly string[], output: Output): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) return fail(unexpected(error), output);
    output.stderr.write(`${error.message}\nRun ${COMMAND_NAME} --help for the commands and options.\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    output.stdout.write(HELP);
    return EXIT.ok;
  }

  const clients = createAwsClients(command.aws);
  try {
    return await run(command, clients, output);
  } catch (error) {
    const failure = error instanceof CouldNotRunError ? error : unexpected(error);
    if (failure.report !== undefined && command.kind === 'action') printReport(failure.report, command.json, output);
    return fail(failure, output);
  } finally {
    clients.destroy();
  }
}

async function run(command: Exclude<Command, { kind: 'help' }>, clients: AwsClients, output: Output): Promise<number> {
  const region = await clients.region();
  const functionName = await locateFunction(command.location, clients.cloudFormation, region);
  const target: FunctionTarget = { lambda: clients.lambda, functionName, region };

  if (command.kind === 'invoke') {
    const answer = await invokeFunction(target, command.event);
    output.stdout.write(`${JSON.stringify(answer.kind === 'answer' ? answer.payload : answer.report, null, 2)}\n`);
    return answer.kind === 'answer' ? EXIT.ok : EXIT.workspaceFailed;
  }

  const workspaceIds = command.workspaceIds ?? (await configuredWorkspaces(functionName, clients, region));
  const report = await runAction(
    { action: command.action, dryRun: command.dryRun, workspaceIds, batchSize: command.batchSize },
    (event) => invokeFunction(target, event),
    progressOn(output.stderr),
  );
  printReport(report, command.json, output);
  return report.results.some((result) => result.outcome === 'failed') ? EXIT.workspaceFailed : EXIT.ok;
}

function printReport(report: RotationReport, json: boolean, output: Output): void {
  output.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}

function fail(failure: CouldNotRunError, output: Output): number {
  output.stderr.write(`${failure.message}\n`);
  return EXIT.couldNotRun;
}

/** A fault of the command line itself: still one line, never a stack trace. */
function unexpected(error: unknown): CouldNotRunError {
  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CouldNotRunError(`Unexpected error: ${description}\nThis is a fault of ${COMMAND_NAME}; please report it with the command you ran.`);
}
