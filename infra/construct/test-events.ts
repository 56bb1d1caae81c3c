import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * The EventBridge schema registry where the Lambda console keeps shareable test events: one per account
 * and Region, created by the console with the first shareable event (or by hand). The stack never creates
 * it: a second stack creating the same name would fail, and deleting a stack must not take it along.
 */
export const TEST_EVENT_REGISTRY = 'lambda-testevent-schemas';

/** What a saved event sends: an action event of lambda/rotation-function/invocation-event.ts. */
export interface ConsoleTestEventBody {
  readonly action?: string;
  readonly workspaceId?: string;
  readonly workspaceIds?: readonly string[];
  readonly dryRun?: boolean;
}

/** A saved test event: its name in the console's drop-down, what it is for, and the event itself. */
export interface ConsoleTestEvent {
  /** Letters, digits, `-` and `_`, at most 25: what the console accepts as a test event's name. */
  readonly name: string;
  /** The "Purpose" column of the events table in docs/operations.md. */
  readonly purpose: string;
  readonly event: ConsoleTestEventBody;
}

export interface ConsoleTestEventsOptions {
  /** The configured workspaces, in order: the events for one workspace name the first, `rotate-some` the first two. */
  readonly workspaceIds: readonly string[];
}

/**
 * The saved events, filled in with the configured workspaces. docs/operations.md lists the same events
 * with the placeholders `<workspace id>` and `<other workspace id>`; a test holds the two together.
 */
export function consoleTestEvents(workspaceIds: readonly string[]): ConsoleTestEvent[] {
  const [first] = workspaceIds;
  if (first === undefined) {
    throw new Error('Console test events need at least one workspace id to fill in');
  }
  return [
    { name: 'status-all', purpose: 'Read-only status of every workspace, delivery health included', event: { action: 'status' } },
    { name: 'status-one', purpose: 'Read-only status of one workspace', event: { action: 'status', workspaceId: first } },
    { name: 'empty-event', purpose: 'An empty event: the same as `{"action": "status"}`', event: {} },
    { name: 'sync-all', purpose: 'Sync every workspace (what the daily heartbeat sends)', event: { action: 'sync' } },
    {
      name: 'sync-one',
      purpose: "Store one workspace's active Prolific secret without rotating (heal drift)",
      event: { action: 'sync', workspaceId: first },
    },
    {
      name: 'sync-one-dry-run',
      purpose: 'Dry run of a sync for one workspace',
      event: { action: 'sync', workspaceId: first, dryRun: true },
    },
    { name: 'rotate-all', purpose: 'Rotate every workspace (what the schedule sends)', event: { action: 'rotate' } },
    { name: 'rotate-one', purpose: 'Rotate one workspace', event: { action: 'rotate', workspaceId: first } },
    {
      name: 'rotate-some',
      purpose: 'Rotate some of the workspaces (each configured, each once)',
      event: { action: 'rotate', workspaceIds: workspaceIds.slice(0, 2) },
    },
    {
      name: 'rotate-all-dry-run',
      purpose: 'Dry run: what a rotation would do, writing nothing',
      event: { action: 'rotate', dryRun: true },
    },
  ];
}

/**
 * The function's shareable test events, as the Lambda console stores them: one OpenAPI 3 schema named
 * `_<function name>-schema` in the registry `lambda-testevent-schemas`, whose named examples are the
 * events. The registry must exist before the deployment (docs/operations.md, "Shared console test events").
 */
export function createConsoleTestEvents(
  scope: Construct,
  fn: lambda.IFunction,
  options: ConsoleTestEventsOptions,
): eventschemas.CfnSchema {
  return new eventschemas.CfnSchema(scope, 'ConsoleTestEvents', {
    registryName: TEST_EVENT_REGISTRY,
    schemaName: `_${fn.functionName}-schema`,
    type: 'OpenApi3',
    description: 'Shareable Lambda console test events of the rotation function, deployed with its stack.',
    content: JSON.stringify(testEventSchema(consoleTestEvents(options.workspaceIds))),
  });
}

// The shape the console writes when it saves a shareable event; it reads `components.examples.<name>.value`.
// The schema of the event itself stays a bare object: the function's own parser is the contract.
function testEventSchema(events: readonly ConsoleTestEvent[]): object {
  return {
    openapi: '3.0.0',
    info: { version: '1.0.0', title: 'Event' },
    paths: {},
    components: {
      schemas: { Event: { type: 'object' } },
      examples: Object.fromEntries(events.map(({ name, event }) => [name, { value: event }])),
    },
  };
}
