// What the command line accepts, and what it says about what it does not (each a UsageError: exit 2).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_STACK_NAME, parseCommand } from '../../cli/usage.js';

describe('parseCommand', () => {
  it('reads a command with its options; by default every workspace, the app stack, the SDK region and profile', () => {
    expect(parseCommand(['rotate'])).toEqual({
      kind: 'action',
      action: 'rotate',
      dryRun: false,
      json: false,
      workspaceIds: undefined,
      batchSize: DEFAULT_BATCH_SIZE,
      location: { stackName: DEFAULT_STACK_NAME },
      aws: { region: undefined, profile: undefined },
    });
    expect(
      parseCommand([
        'sync',
        ...['--workspace', 'a', '--workspace', 'b', '--dry-run', '--json', '--batch-size', '3'],
        ...['--function-name', 'fn', '--region', 'eu-west-2', '--profile', 'oncall'],
      ]),
    ).toEqual({
      kind: 'action',
      action: 'sync',
      dryRun: true,
      json: true,
      workspaceIds: ['a', 'b'],
      batchSize: 3,
      location: { functionName: 'fn' },
      aws: { region: 'eu-west-2', profile: 'oncall' },
    });
    expect(parseCommand(['invoke', '--event', '{"action":"status","workspaceId":"a"}', '--stack', 'Mine'])).toEqual({
      kind: 'invoke',
      event: { action: 'status', workspaceId: 'a' },
      location: { stackName: 'Mine' },
      aws: { region: undefined, profile: undefined },
    });
    expect(parseCommand(['status', '-h'])).toEqual({ kind: 'help' });
  });

  it('reads help as a command, --version, rotate --all and --call-timeout', () => {
    expect(parseCommand(['help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommand(['rotate', '--all', '--call-timeout', '0.5'])).toMatchObject({
      kind: 'action',
      action: 'rotate',
      all: true,
      aws: { callTimeoutSeconds: 0.5 },
    });
  });

  it.each([
    [[], 'Name a command: status, sync, rotate, invoke.'],
    [['restart'], 'Unknown command "restart"; the commands are status, sync, rotate, invoke.'],
    [['status', 'sync'], 'Unexpected argument "sync": give one command, then options.'],
    [['status', '--verbose'], "Unknown option '--verbose'."],
    [['status', '--workspace'], "Option '--workspace <value>' argument missing"],
    [['status', '--dry-run'], 'Option --dry-run does not apply to status; it is for sync and rotate.'],
    [['rotate', '--event', '{}'], 'Option --event does not apply to rotate; it is for invoke.'],
    [['invoke', '--json', '--event', '{}'], 'Option --json does not apply to invoke; it is for status, sync and rotate.'],
    [['invoke'], `invoke needs --event with a JSON object, e.g. --event '{"action":"status"}'.`],
    [['invoke', '--event', '{action:status}'], `--event is not valid JSON; quote it for your shell, e.g. --event '{"action":"status"}'.`],
    [['invoke', '--event', '["status"]'], `--event must be a JSON object, e.g. --event '{"action":"status"}'.`],
    [['status', '--stack', 'A', '--function-name', 'f'], 'Give --stack or --function-name, not both.'],
    [['status', '--function-name', ' '], 'Option --function-name needs a value.'],
    [['status', '--workspace', 'a b'], '--workspace "a b" is not a Prolific workspace id (1 to 128 letters, digits, "-" or "_").'],
    [['status', '--workspace', 'a', '--workspace', 'a'], '--workspace a is given twice; name each workspace once.'],
    [['status', '--batch-size', '51'], '--batch-size must be a whole number from 1 to 50; got "51".'],
    [['status', '--batch-size', '2.5'], '--batch-size must be a whole number from 1 to 50; got "2.5".'],
    [['rotate', '--all', '--workspace', 'a'], 'Give --workspace or --all, not both.'],
    [['status', '--all'], 'Option --all does not apply to status; it is for rotate.'],
    [['status', '--call-timeout', '0'], '--call-timeout must be a number of seconds above 0, at most 900; got "0".'],
    [['status', '--call-timeout', 'soon'], '--call-timeout must be a number of seconds above 0, at most 900; got "soon".'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(new UsageError(message));
  });
});
