// The schedules that invoke the rotation function. The daily heartbeat is a sync run: it repairs drift and
// reports what the alarms watch. (The rotation schedule of a deployed stack, its role and queue:
// rotation-stack.test.ts; hundreds of workspaces in batches: hundreds-of-workspaces.test.ts.)
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_EVENT } from '../../../lambda/contract/invocation-events.js';
import { createRotationSchedules, createScheduleDelivery } from '../../../infra/construct/rotation-schedules.js';
import { buildStack, TEST_ENV, testApp } from '../../support/synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];

let template: Template;

beforeAll(() => {
  template = Template.fromStack(buildStack(testApp({ workspaces: WORKSPACES.join(',') })));
});

/** What the assertions read of an AWS::Scheduler::Schedule. */
interface ScheduleProperties {
  readonly Description: string;
  readonly ScheduleExpression: string;
  readonly Target: { readonly Input: string };
}

function schedulesIn(stackTemplate: Template, expression?: string): ScheduleProperties[] {
  const matching = expression === undefined ? undefined : { Properties: { ScheduleExpression: expression } };
  const resources = stackTemplate.findResources('AWS::Scheduler::Schedule', matching);
  const schedules = Object.values(resources) as { Properties: ScheduleProperties }[];
  return schedules.map((schedule) => schedule.Properties);
}

function heartbeatInput(): string | undefined {
  const heartbeats = schedulesIn(template, 'rate(1 day)');
  expect(heartbeats).toHaveLength(1);
  return heartbeats[0]?.Target.Input;
}

describe('the daily heartbeat', () => {
  it('sends HEARTBEAT_EVENT from the contract', () => {
    expect(heartbeatInput()).toBe(JSON.stringify(HEARTBEAT_EVENT));
  });

  // The literal, so a change of HEARTBEAT_EVENT away from sync fails here.
  it('PIN: sends {"action":"sync"}, so drift is repaired within a day without a POST', () => {
    expect(heartbeatInput()).toBe('{"action":"sync"}');
  });

  it('is described as the run that repairs drift and reports age and delivery health, not as read-only', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Description:
        'Daily sync run: stores the secret Prolific signs with if it changed outside the schedule, ' +
        "and reports each secret's age and each workspace's delivery health.",
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/read-only status heartbeat|daily status heartbeat/i);
  });
});

describe('createRotationSchedules', () => {
  const schedulesFor = (batches: string[][]) => {
    const stack = new Stack(new App(), 'SchedulesStack', { env: TEST_ENV });
    const fn = new lambda.Function(stack, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
    const schedules = createRotationSchedules(stack, createScheduleDelivery(stack, fn), {
      expression: ScheduleExpression.expression('rate(30 days)'),
      enabled: true,
      batches,
    });
    return { ids: schedules.map((schedule) => schedule.node.id), properties: schedulesIn(Template.fromStack(stack)) };
  };

  it("sends the contract's own event, under the id a deployment without batches had, when one batch holds every workspace", () => {
    const { ids, properties } = schedulesFor([['ws-a', 'ws-b']]);

    expect(ids).toEqual(['RotationSchedule']);
    expect(properties.map(({ Description, Target }) => [Description, Target.Input])).toEqual([
      ['Rotates the Prolific webhook signing secrets.', '{"action":"rotate"}'],
    ]);
  });

  it('makes one schedule per batch, at the same times, each naming its workspaces and its range of the list', () => {
    const { ids, properties } = schedulesFor([['ws-a', 'ws-b'], ['ws-c', 'ws-d'], ['ws-e']]);

    expect(ids).toEqual(['RotationSchedule', 'RotationSchedule2', 'RotationSchedule3']);
    expect(properties.map(({ Description, Target }) => [Description, Target.Input])).toEqual([
      ['Rotates the Prolific webhook signing secrets: workspaces 1 to 2 of 5.', '{"action":"rotate","workspaceIds":["ws-a","ws-b"]}'],
      ['Rotates the Prolific webhook signing secrets: workspaces 3 to 4 of 5.', '{"action":"rotate","workspaceIds":["ws-c","ws-d"]}'],
      ['Rotates the Prolific webhook signing secrets: workspaces 5 to 5 of 5.', '{"action":"rotate","workspaceIds":["ws-e"]}'],
    ]);
    expect(new Set(properties.map(({ ScheduleExpression: expression }) => expression))).toEqual(new Set(['rate(30 days)']));
  });
});
