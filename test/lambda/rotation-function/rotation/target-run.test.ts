import { describe, expect, it } from 'vitest';
import { startRun } from '../../../../lambda/rotation-function/rotation/target-run.js';
import type { RotationDependencies, RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { createInMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import { createScriptedProlific } from '../../../standins/scripted-prolific.js';

const TARGET: RotationTarget = { workspaceId: 'ws-1', secretId: 'secret', format: 'json' };
const deps: RotationDependencies = {
  prolific: createScriptedProlific(['ws-1']),
  store: createInMemorySecretStore(),
  logger: { warn: () => undefined },
};

describe('startRun', () => {
  it('starts at the given step with the target and its dependencies, all the time and the wall clock', () => {
    const run = startRun(TARGET, deps, 'pre-flight');

    expect(run).toMatchObject({ target: TARGET, step: 'pre-flight', prolific: deps.prolific, store: deps.store, logger: deps.logger });
    expect(run.msLeft()).toBe(Infinity);
    expect(Math.abs(run.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('keeps the clock and the time left it is given', () => {
    const now = () => new Date('2026-12-01T10:00:00.000Z');
    const msLeft = () => 30_000;

    const run = startRun(TARGET, { ...deps, now, msLeft }, 'pre-flight');

    expect(run.now).toBe(now);
    expect(run.msLeft).toBe(msLeft);
  });
});
