// One target's run in progress, shared by both entry points of the protocol (a scheduled or asked-for run,
// and Secrets Manager's native rotation steps), so the steps they share work with the same things.
import type { ProtocolStep } from '../../contract/report.js';
import type { RotationDependencies, RotationTarget } from './types.js';

/** What a target's run works with, and the step it is in (named if it fails). */
export interface TargetRun extends Required<RotationDependencies> {
  readonly target: RotationTarget;
  step: ProtocolStep;
}

/** A run of `target` starting at `step`: without a clock of its own it has all the time and the wall clock. */
export function startRun(target: RotationTarget, deps: RotationDependencies, step: ProtocolStep): TargetRun {
  return { target, msLeft: () => Infinity, now: () => new Date(), ...deps, step };
}
