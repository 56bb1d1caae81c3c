// The fault-matrix report: one line per scenario played, saying what the run did, how many further runs
// it took until AWSCURRENT held Prolific's active secret again (invariant 1), and whether the invariants
// held; then every expectation a scenario missed. Printed by report.ts and at the end of fault-matrix.test.ts.
import type { ScenarioRun } from './play-scenario.js';
import type { Scenario } from './scenarios.js';

export interface PlayedScenario {
  /** The scenario's place in SCENARIOS, from 1. */
  readonly number: number;
  readonly scenario: Scenario;
  readonly run: ScenarioRun;
}

const HEADER = ['#', 'group', 'scenario', 'outcome', 'recovery run', 'recovered in', 'invariant 1', 'secret kept', 'no leak', 'checks'];

const yesNo = (value: boolean) => (value ? 'yes' : 'NO');

function recoveredIn(run: ScenarioRun): string {
  if (run.recoveredIn === undefined) return 'NOT in 1 run';
  return run.recoveredIn === 1 ? '1 run' : '0 runs';
}

function recoveryRun(scenario: Scenario): string {
  const { event, outcome, personFirst } = scenario.recovery;
  const action = (event as { action?: unknown }).action;
  const run = `${typeof action === 'string' ? action : JSON.stringify(event)} -> ${outcome}`;
  return personFirst === undefined ? run : `a person ${personFirst}, then ${run}`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(rows[0] ?? []), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)];
}

/** The report's lines for the scenarios played, which took `seconds`. */
export function reportLines(played: readonly PlayedScenario[], seconds: number): string[] {
  const rows = played.map(({ number, scenario, run }) => [
    String(number),
    scenario.group,
    scenario.name,
    run.outcome,
    recoveryRun(scenario),
    recoveredIn(run),
    yesNo(run.invariantHeld),
    yesNo(run.secretKept),
    yesNo(run.leakedSecrets === 0),
    run.unmet.length === 0 ? 'pass' : 'FAIL',
  ]);
  const failures = played.filter(({ run }) => run.unmet.length > 0);
  return [
    `Fault matrix: ${played.length} scenarios, each against the real handler over loopback with the local stand-ins.`,
    '',
    ...table([HEADER, ...rows]),
    '',
    `${played.length - failures.length} of ${played.length} scenarios met every expectation (${seconds.toFixed(1)} s).`,
    ...failures.flatMap(({ scenario, run }) => ['', `FAIL ${scenario.name}`, ...run.unmet.map((unmet) => `  - ${unmet}`)]),
  ];
}
