// A report as a person reads it: a row per workspace in aligned columns, each failure's step and error under
// the table, then one summary line.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../cli/report-table.js';
import type { RotationReport, TargetResult } from '../../lambda/contract/report.js';

const row = (workspaceId: string, overrides: Partial<TargetResult> = {}): TargetResult => ({
  workspaceId,
  secretId: `webhook/${workspaceId}`,
  outcome: 'unchanged',
  prolificSecretId: `p-${workspaceId}`,
  versionId: `v-${workspaceId}`,
  lastRotatedAt: '2026-11-01T10:00:00.123Z',
  ...overrides,
});

const render = (results: TargetResult[], action = 'status', dryRun = false) =>
  renderReport({ action, dryRun, results } satisfies RotationReport);

describe('renderReport', () => {
  it('aligns a row per workspace under the headings, and ends with the summary', () => {
    const text = render([
      row('aa01', { drift: false, deliveries: { subscriptions: 2, disabled: 0, failedSinceRotation: 1, lastFailureAt: null } }),
      row('bb0002', { outcome: 'would-heal', drift: true, prolificSecretId: null, versionId: null, lastRotatedAt: null }),
    ]);

    expect(text).toBe(
      [
        'WORKSPACE  OUTCOME     PROLIFIC SECRET  VERSION  LAST ROTATED          DRIFT  DELIVERIES',
        'aa01       unchanged   p-aa01           v-aa01   2026-11-01T10:00:00Z  no     2 subscribed, 0 disabled, 1 failed',
        'bb0002     would-heal  -                -        -                     yes    -',
        '',
        'status: 2 workspaces, 1 unchanged, 1 would-heal',
        '',
      ].join('\n'),
    );
  });

  it('adds the PLAN column for a dry run, and says it was one', () => {
    const results = [row('aa01', { outcome: 'would-rotate', plan: ['heal', 'rotate'] }), row('bb02', { outcome: 'unchanged', plan: [] })];

    const lines = render(results, 'rotate', true).split('\n');

    expect(lines[0]).toMatch(/\s{2}PLAN$/);
    expect(lines[1]).toMatch(/\s{2}heal, rotate$/);
    expect(lines[2]).toMatch(/\s{2}-$/);
    expect(lines.at(-2)).toBe('rotate (dry run): 2 workspaces, 1 would-rotate, 1 unchanged');
  });

  it.each<[Partial<TargetResult>, string]>([
    [{ currentMissing: true, drift: true }, 'no AWSCURRENT'],
    [{ driftHealed: true }, 'healed'],
    [{ drift: true }, 'yes'],
    [{}, '-'],
  ])('shows drift %j as %j', (overrides, drift) => {
    const [heading = '', line = ''] = render([row('aa01', overrides)]).split('\n');

    expect(line.slice(heading.indexOf('DRIFT')).split(/\s{2,}/)[0]).toBe(drift);
  });

  it('lists each failure under the table, its error indented line by line', () => {
    const failed = row('bb02', { outcome: 'failed', failedStep: 'store', error: 'SecretStoreError: denied\nrun {"action": "sync"} now' });

    const text = render([row('aa01'), failed], 'sync');

    expect(text.split('\n').slice(3)).toEqual([
      '',
      'Failed:',
      '  bb02 at store:',
      '    SecretStoreError: denied',
      '    run {"action": "sync"} now',
      '',
      'sync: 2 workspaces, 1 unchanged, 1 failed',
      '',
    ]);
  });

  it('shows delivery health it could not read as unknown, and why, under the table', () => {
    const text = render([row('aa01', { deliveriesError: 'ProlificServerError: HTTP 500' })], 'sync');

    expect(text).toMatch(/ unknown\n\nDelivery health unknown:\n {2}aa01: ProlificServerError: HTTP 500\n\nsync: 1 workspace, 1 unchanged\n$/);
  });
});
