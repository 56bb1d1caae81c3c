// rotate for every workspace is the one command that cannot be undone (Prolific keeps no previous secret):
// on a terminal it asks first, listing the workspaces; anywhere else nobody can answer, so it needs --all.
import { CouldNotRunError, UsageError } from './errors.js';
import { askYesNo, type PromptStreams } from './prompt.js';
import type { Command } from './usage.js';

/** How many workspaces the question names; the rest are counted. */
export const LISTED_WORKSPACES = 20;

export interface ConfirmationInput extends PromptStreams {
  readonly input: PromptStreams['input'] & { readonly isTTY?: boolean };
}

/** rotate, for real, of every configured workspace, without --all. */
export function needsConfirmation(command: Command): boolean {
  return command.kind === 'action' && command.action === 'rotate' && !command.dryRun &&
    command.workspaceIds === undefined && command.all !== true;
}

/** Before any AWS call: where stdin is not a terminal, says that --all is needed. */
export function refuseWithoutTerminal(command: Command, input: ConfirmationInput['input']): void {
  if (!needsConfirmation(command) || input.isTTY === true) return;
  throw new UsageError(
    'rotate without --workspace rotates every workspace the function is configured with, and cannot be undone.\n' +
      'Nobody can be asked here (stdin is not a terminal): pass --all to rotate them all, or name them with --workspace.',
  );
}

/** Asks at the terminal; anything but yes ends the run with nothing rotated. */
export async function confirmRotation(functionName: string, workspaceIds: readonly string[], terminal: ConfirmationInput): Promise<void> {
  if (await askYesNo(rotationQuestion(functionName, workspaceIds), terminal)) return;
  throw new CouldNotRunError('Not confirmed: nothing was rotated.');
}

export function rotationQuestion(functionName: string, workspaceIds: readonly string[]): string {
  const count = workspaceIds.length;
  const listed = workspaceIds.slice(0, LISTED_WORKSPACES).map((id) => `  ${id}\n`).join('');
  const more = count > LISTED_WORKSPACES ? `  and ${count - LISTED_WORKSPACES} more\n` : '';
  const workspaces = `${count} workspace${count === 1 ? '' : 's'}`;
  return (
    `rotate asks Prolific for a new secret for each of the ${workspaces} of function ${functionName}; ` +
    'the secrets they replace cannot be restored:\n' +
    `${listed}${more}Rotate ${count === 1 ? 'it' : `all ${count}`}? [y/N] `
  );
}
