// The report as data: the actions and steps it speaks of, and the report read back from the message of
// the error a failed invocation ends in (what the command line shows when a run failed).
import { describe, expect, it } from 'vitest';
import { ACTIONS, NATIVE_STEPS, REPORT_LINE_PREFIX, reportFromErrorMessage, type RotationReport } from '../../../lambda/contract/report.js';

const REPORT: RotationReport = {
  action: 'rotate',
  dryRun: false,
  results: [
    {
      workspaceId: 'ws-a',
      secretId: 'arn:a',
      outcome: 'failed',
      prolificSecretId: null,
      versionId: null,
      lastRotatedAt: null,
      error: 'E: x',
    },
  ],
};

describe('reportFromErrorMessage', () => {
  it('reportFromErrorMessage gives undefined for a message without a report', () => {
    expect(reportFromErrorMessage('InvalidEventError: Field "action" must be one of rotate, sync, status')).toBeUndefined();
    expect(reportFromErrorMessage('x\nReport: {not json')).toBeUndefined();
  });

  it('reads the report from the last line that starts with the report prefix', () => {
    const message = [
      '1 of 1 workspace(s) failed (rotate). Each workspace:',
      'ws-a: failed at step rotate: E: x',
      `${REPORT_LINE_PREFIX}${JSON.stringify(REPORT)}`,
    ].join('\n');

    expect(reportFromErrorMessage(message)).toEqual(REPORT);
    expect(reportFromErrorMessage(`${REPORT_LINE_PREFIX}{"action": "older", "results": []}\n${message}`)).toEqual(REPORT);
  });

  it.each(['null', '[]', '{"results": []}', '{"action": "rotate", "results": {}}'])(
    'gives undefined for a report line holding %s, which is no report',
    (json) => {
      expect(reportFromErrorMessage(`failed\n${REPORT_LINE_PREFIX}${json}`)).toBeUndefined();
    },
  );
});

describe('the vocabulary', () => {
  it('names the actions an event may ask for, and the native rotation steps in the order Secrets Manager runs them', () => {
    expect(ACTIONS).toEqual(['rotate', 'sync', 'status']);
    expect(NATIVE_STEPS).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
  });
});
