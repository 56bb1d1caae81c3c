// The saved Logs Insights queries on-call opens first: named so that the console files them under the stack,
// over the function's log group, and reading only keys the function's log lines really carry.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_KEYS, REQUEST_ID_PLACEHOLDER } from '../../../infra/construct/log-queries.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { harnessPerTest, TEST_WORKSPACES } from '../../support/harness.js';
import { buildStack, refTo, testApp } from '../../support/synth.js';

const [FIRST, SECOND] = TEST_WORKSPACES;
// What a query string holds besides the keys it reads: commands, operators, functions, and the aliases it makes.
const QUERY_WORDS = new Set([
  ...['fields', 'filter', 'stats', 'sort', 'limit', 'by', 'as', 'asc', 'desc', 'and', 'or'],
  ...['count', 'latest', 'ispresent'],
]);

let stack: ProlificWebhookSecretRotationStack;
let queries: Map<string, { LogGroupNames: unknown[]; QueryString: string }>;

beforeAll(() => {
  stack = buildStack(testApp({ workspaces: TEST_WORKSPACES.join(',') }));
  const definitions = Object.values(Template.fromStack(stack).findResources('AWS::Logs::QueryDefinition')) as {
    Properties: { Name: string; LogGroupNames: unknown[]; QueryString: string };
  }[];
  queries = new Map(definitions.map(({ Properties: { Name, ...rest } }) => [Name, rest]));
});

/** The log keys a query reads: every word of it but string literals, @-fields, its own words and aliases, and numbers. */
function keysReadBy(queryString: string): string[] {
  const words = queryString.replace(/"[^"]*"/g, '').match(/[@A-Za-z_][\w.]*/g) ?? [];
  const aliases = new Set(words.filter((_word, index) => words[index - 1] === 'as'));
  return words.filter((word) => !word.startsWith('@') && !QUERY_WORDS.has(word) && !aliases.has(word));
}

describe('the saved log queries', () => {
  it('are one run, failures by workspace and step, and heals, in a folder of the stack and the construct', () => {
    expect([...queries.keys()].sort()).toEqual(
      [
        'ProlificWebhookSecretRotation/Rotation/failures-by-workspace-and-step',
        'ProlificWebhookSecretRotation/Rotation/heals',
        'ProlificWebhookSecretRotation/Rotation/one-run',
      ].sort(),
    );
  });

  it("each run over the function's log group alone", () => {
    for (const query of queries.values()) expect(query.LogGroupNames).toEqual([refTo(stack, 'Rotation/FunctionLogs')]);
  });

  it("one run: every line of the invocation whose request id replaces the placeholder, Lambda's own lines too, in order", () => {
    const query = queries.get('ProlificWebhookSecretRotation/Rotation/one-run')?.QueryString ?? '';

    expect(query).toContain(`| filter function_request_id = "${REQUEST_ID_PLACEHOLDER}" or @requestId = "${REQUEST_ID_PLACEHOLDER}"`);
    expect(query).toContain('| sort @timestamp asc');
  });

  it('failures: counted by workspace and step, with the last error and the run to read, most first', () => {
    const query = queries.get('ProlificWebhookSecretRotation/Rotation/failures-by-workspace-and-step')?.QueryString ?? '';

    expect(query).toMatch(/^filter outcome = "failed"\n/);
    expect(query).toContain('latest(error) as last_error, latest(function_request_id) as last_run by workspace_id, rotation_step');
    expect(query).toContain('| sort failures desc');
  });

  it('heals: the outcome healed, or a line with drift_healed', () => {
    expect(queries.get('ProlificWebhookSecretRotation/Rotation/heals')?.QueryString).toContain(
      '| filter outcome = "healed" or ispresent(drift_healed)',
    );
  });
});

describe('the keys the queries read', () => {
  const setUp = harnessPerTest();

  it("are keys of the function's own log lines: from a first sync, a heal of drift and a failed rotation", async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    h.prolific.replaceSecret(FIRST);
    await h.invoke({ action: 'sync' });
    h.prolific.injectFault({ workspaceId: SECOND, method: 'POST', fault: { kind: 'status', status: 403 }, times: Infinity });
    await h.invoke({ action: 'rotate' });

    const lines = h.logLines();
    const written = new Set(lines.flatMap((line) => Object.keys(line)));
    const read = [...queries.values()].flatMap((query) => keysReadBy(query.QueryString));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((key) => !written.has(key))).toEqual([]);
    expect(Object.values(LOG_KEYS).filter((key) => !written.has(key))).toEqual([]);
    // Each query finds what it looks for in those lines.
    expect(lines.find((line) => line.outcome === 'failed')).toMatchObject({ workspace_id: SECOND, rotation_step: 'rotate' });
    expect(lines.find((line) => line.drift_healed !== undefined)).toMatchObject({ workspace_id: FIRST, outcome: 'healed' });
    expect(lines.every((line) => line._aws !== undefined || typeof line.function_request_id === 'string')).toBe(true);
  });
});
