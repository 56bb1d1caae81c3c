// The fault matrix: each row of scenarios.ts drives the real handler over loopback against the Prolific
// and Secrets Manager stand-ins, then checks the run's outcome and error (and, where the row says, fields
// of its report, its metrics and whether AWSPENDING was left behind), that invariant 1 (AWSCURRENT holds
// Prolific's active secret) holds again after at most one further run (invariant 2), that no secret
// Prolific issued was lost, and that no secret value or token appeared in logs, results or errors
// (invariant 4). Once every row has played, the report table (report-table.ts) is printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from './play-scenario.js';
import { reportLines, type PlayedScenario } from './report-table.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

describe('fault matrix', () => {
  const played: PlayedScenario[] = [];
  let started = 0;
  beforeAll(() => {
    started = Date.now();
  });
  afterAll(() => {
    played.sort((a, b) => a.number - b.number);
    if (played.length > 0) console.log(reportLines(played, (Date.now() - started) / 1000).join('\n'));
  });

  it('covers at least 30 scenarios, with unique names, in every group', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(SCENARIOS.map((scenario) => scenario.name)).size).toBe(SCENARIOS.length);
    const groups = new Set(SCENARIOS.map((scenario) => scenario.group));
    expect(groups).toEqual(new Set(['Prolific', 'Secrets Manager', 'cut-off', 'configuration']));
  });

  it.each(SCENARIOS.map((scenario) => [`${scenario.group}: ${scenario.name}`, scenario] as const))('%s', async (_name, scenario) => {
    const run = await runScenario(scenario);
    played.push({ number: SCENARIOS.indexOf(scenario) + 1, scenario, run });

    expect(run.unmet).toEqual([]);
    expect(run.invariantHeld).toBe(true);
    expect(run.secretKept).toBe(true);
    expect(run.leakedSecrets).toBe(0);
    expect(run.recoveredIn).toBe(scenario.recovery.runs);
  });
});

describe('the matrix runner', () => {
  const postWriteFailure: Scenario = {
    name: 'PutSecretValue denied after the POST',
    group: 'Secrets Manager',
    // The first PutSecretValue, the write check, passes; every later one fails.
    storeFaults: [{ operation: 'PutSecretValue', error: 'AccessDeniedException', afterCalls: 1, times: Infinity }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'store', replaced: 1, message: /AccessDeniedException/ },
    recovery: { runs: 1, event: { action: 'sync' }, outcome: 'healed' },
  };

  it('passes a row whose expectations hold', async () => {
    const run = await runScenario(postWriteFailure);

    expect(run).toMatchObject({ outcome: 'failed: SecretStoreError at store', recoveredIn: 1, unmet: [] });
  });

  it('reports a broken invariant when the recovery run cannot restore it', async () => {
    const run = await runScenario({ ...postWriteFailure, recovery: { runs: 1, event: { action: 'status' }, outcome: 'would-heal' } });

    expect(run.invariantHeld).toBe(false);
    expect(run.secretKept).toBe(false);
    expect(run.recoveredIn).toBeUndefined();
    expect(run.unmet).toEqual([
      'invariant 1 should hold after 1 further run(s), held after more than 1',
      "invariant 1: AWSCURRENT does not hold Prolific's active secret after the recovery run",
      'a secret Prolific issued was never stored in Secrets Manager',
    ]);
  });

  it('reports a wrong outcome, error message and number of replacements', async () => {
    const run = await runScenario({
      ...postWriteFailure,
      expected: { outcome: 'failed', error: 'SecretStoreError', step: 'confirm', replaced: 0, message: /ThrottlingException/ },
    });

    expect(run.unmet).toHaveLength(3);
    expect(run.unmet[0]).toMatch(/^run: expected failed: SecretStoreError at confirm, got failed: SecretStoreError at store/);
    expect(run.unmet[1]).toMatch(/^run: error message does not match \/ThrottlingException\//);
    expect(run.unmet[2]).toBe('run: Prolific replaced the secret 1 time(s), expected 0');
  });

  it('reports a field of the report, a metric or an AWSPENDING that differs from the row', async () => {
    const run = await runScenario({
      name: 'a status run with no AWSCURRENT, expected wrongly',
      group: 'Secrets Manager',
      startingState: 'no AWSCURRENT',
      event: { action: 'status' },
      expected: {
        outcome: 'would-heal',
        replaced: 0,
        result: { currentMissing: false },
        metrics: ['RotationSucceeded'],
        pendingLeft: true,
      },
      recovery: { runs: 1, event: { action: 'sync' }, outcome: 'healed' },
    });

    expect(run.unmet).toEqual([
      'run: expected currentMissing false in the report, got true',
      'run: metric RotationSucceeded was not emitted',
      'run: expected AWSPENDING left on a version of its own, got the opposite',
    ]);
  });

  it('counts a token that shows up in the output as a leak', async () => {
    // "rotate" as the token: the function logs the action "rotate", which the leak check must catch.
    const run = await runScenario({
      name: 'a token that is also a word the function logs',
      group: 'configuration',
      tokenSecretValue: 'rotate',
      expected: { outcome: 'failed', error: 'ProlificAuthenticationError', step: 'reconcile', replaced: 0, message: /HTTP 401/ },
      recovery: { runs: 0, event: { action: 'rotate' }, outcome: 'rotated' },
    });

    expect(run.leakedSecrets).toBe(1);
    expect(run.unmet).toEqual(['1 secret value(s) or token(s) appeared in logs, results or errors']);
  });
});
