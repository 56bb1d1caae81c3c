import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleTestEvents, createConsoleTestEvents, type ConsoleTestEvent } from '../../../infra/construct/test-events.js';
import { parseEvent } from '../../../lambda/rotation-function/invocation-event.js';
import type { RotationTarget } from '../../../lambda/rotation-function/rotation/types.js';
import { TEST_ENV, testApp } from '../../support/synth.js';

const WORKSPACE_IDS = ['ws-a', 'ws-b', 'ws-c'];
// What the Lambda console accepts as the name of a test event.
const CONSOLE_EVENT_NAME = /^[A-Za-z0-9_-]{1,25}$/;

function synthesize(workspaceIds: readonly string[]): { stack: Stack; fn: lambda.Function; template: Template } {
  const stack = new Stack(testApp(), 'TestStack', { env: TEST_ENV });
  const fn = new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => ({});'),
  });
  createConsoleTestEvents(stack, fn, { workspaceIds });
  return { stack, fn, template: Template.fromStack(stack) };
}

describe('the shareable test events schema', () => {
  let stack: Stack;
  let fn: lambda.Function;
  let template: Template;

  beforeAll(() => {
    ({ stack, fn, template } = synthesize(WORKSPACE_IDS));
  });

  it('is the one schema the console reads for the function: _<function name>-schema in lambda-testevent-schemas', () => {
    template.resourceCountIs('AWS::EventSchemas::Schema', 1);
    template.hasResourceProperties('AWS::EventSchemas::Schema', {
      RegistryName: 'lambda-testevent-schemas',
      Type: 'OpenApi3',
      SchemaName: { 'Fn::Join': ['', ['_', { Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) }, '-schema']] },
    });
  });

  it('leaves the registry alone: it exists once per account and Region', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 0);
  });

  it('holds an OpenAPI 3 document whose named examples are the events, filled in with the configured workspaces', () => {
    const [schema] = Object.values(template.findResources('AWS::EventSchemas::Schema')) as { Properties: { Content: string } }[];
    expect(JSON.parse(schema?.Properties.Content ?? '')).toEqual({
      openapi: '3.0.0',
      info: { version: '1.0.0', title: 'Event' },
      paths: {},
      components: {
        schemas: { Event: { type: 'object' } },
        examples: {
          'status-all': { value: { action: 'status' } },
          'status-one': { value: { action: 'status', workspaceId: 'ws-a' } },
          'empty-event': { value: {} },
          'sync-all': { value: { action: 'sync' } },
          'sync-one': { value: { action: 'sync', workspaceId: 'ws-a' } },
          'sync-one-dry-run': { value: { action: 'sync', workspaceId: 'ws-a', dryRun: true } },
          'rotate-all': { value: { action: 'rotate' } },
          'rotate-one': { value: { action: 'rotate', workspaceId: 'ws-a' } },
          'rotate-some': { value: { action: 'rotate', workspaceIds: ['ws-a', 'ws-b'] } },
          'rotate-all-dry-run': { value: { action: 'rotate', dryRun: true } },
        },
      },
    });
  });
});

describe('the saved events', () => {
  it('have distinct names the console accepts', () => {
    const names = consoleTestEvents(WORKSPACE_IDS).map(({ name }) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(CONSOLE_EVENT_NAME);
  });

  it('need a workspace to fill in', () => {
    expect(() => consoleTestEvents([])).toThrow('Console test events need at least one workspace id to fill in');
  });

  describe.each([
    ['three workspaces', WORKSPACE_IDS],
    ['one workspace', ['ws-a']],
  ])('with %s configured, each is accepted by the function', (_, workspaceIds) => {
    const targets = workspaceIds.map(targetOf);
    it.each(consoleTestEvents(workspaceIds).map((example) => [example.name, example] as const))('%s', (_name, { event }) => {
      expect(parseEvent(event, targets)).toEqual({
        kind: 'action',
        action: event.action ?? 'status',
        dryRun: event.dryRun ?? false,
        targets: chosenTargets(event, targets),
      });
    });
  });
});

describe('the events table of docs/operations.md', () => {
  const examples = consoleTestEvents(['<workspace id>', '<other workspace id>']);

  it.each(examples.map((example) => [example.name, example] as const))('lists %s as it is saved', (name, example) => {
    expect(eventsTable().find((row) => row.name === name), `no row for ${name}`).toEqual(example);
  });

  it('lists no other event', () => {
    expect(eventsTable().map(({ name }) => name).sort()).toEqual(examples.map(({ name }) => name).sort());
  });
});

function targetOf(workspaceId: string): RotationTarget {
  return { workspaceId, secretId: `prolific/webhook/${workspaceId}`, format: 'json' };
}

function chosenTargets(event: ConsoleTestEvent['event'], targets: readonly RotationTarget[]): RotationTarget[] {
  const ids = event.workspaceId !== undefined ? [event.workspaceId] : event.workspaceIds;
  if (ids === undefined) return [...targets];
  // Every id an event names is configured.
  return ids.map((id) => targets.find((target) => target.workspaceId === id) as RotationTarget);
}

const TABLE_HEADER = '| Saved event | Purpose | Event JSON |';

/** The rows of the table headed `| Saved event | Purpose | Event JSON |`: `` | `name` | purpose | `{json}` | ``. */
function eventsTable(): ConsoleTestEvent[] {
  const lines = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8').split('\n');
  const header = lines.indexOf(TABLE_HEADER);
  if (header === -1) throw new Error(`docs/operations.md has no events table headed "${TABLE_HEADER}"`);
  const body = lines.slice(header + 2);
  const end = body.findIndex((line) => !line.startsWith('|'));
  return body.slice(0, end === -1 ? body.length : end).map((line) => {
    const [name = '', purpose = '', json = ''] = line.slice(1, -1).split(' | ').map((cell) => cell.trim());
    return { name: unquote(name), purpose, event: JSON.parse(unquote(json)) as ConsoleTestEvent['event'] };
  });
}

function unquote(cell: string): string {
  return cell.replace(/^`(.*)`$/, '$1');
}
