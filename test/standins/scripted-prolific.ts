// An in-memory stand-in of the ProlificClient: one active secret per workspace, replaced by createSecret as Prolific does.
// `before` hooks let a test fail a call, or change the secret behind the run's back (a concurrent rotation).
import type { DeliveryHealth } from '../../lambda/contract/report.js';
import type { ProlificClient, ProlificSecret } from '../../lambda/rotation-function/prolific/types.js';

export interface ScriptedProlific extends ProlificClient {
  /** Runs before each call with the call's number (from 1); throw from it to make the call fail. */
  readonly before: Partial<Record<keyof ProlificClient, (workspaceId: string, call: number) => void>>;
  /** Every call, in order, as `operation workspaceId`. */
  readonly calls: string[];
  active(workspaceId: string): ProlificSecret | undefined;
  /** Replaces the workspace's secret outside the run (someone rotated in the Prolific app, or another run). */
  replace(workspaceId: string): ProlificSecret;
  /** Leaves the workspace with no active secret. */
  clear(workspaceId: string): void;
  /** Every value ever issued, so tests can check none leaked. */
  readonly issuedValues: string[];
  /** What getDeliveryHealth answers, by workspace (default: one enabled subscription, no failures). */
  readonly health: Map<string, DeliveryHealth>;
}

export const HEALTHY: DeliveryHealth = { subscriptions: 1, disabled: 0, failedSinceRotation: 0, lastFailureAt: null };

export function createScriptedProlific(workspaces: readonly string[]): ScriptedProlific {
  const active = new Map<string, ProlificSecret | undefined>();
  const counts = new Map<string, number>();
  const calls: string[] = [];
  const issuedValues: string[] = [];
  const before: ScriptedProlific['before'] = {};
  const health = new Map<string, DeliveryHealth>();
  let issued = 0;

  function issue(workspaceId: string): ProlificSecret {
    issued += 1;
    const secret = { id: `secret-${issued}`, value: `signing-value-${issued}-${workspaceId}`, workspaceId };
    issuedValues.push(secret.value);
    active.set(workspaceId, secret);
    return secret;
  }

  /** Records the call and runs its `before` hook, then answers; whatever throws rejects, as a failed call does. */
  function answer<T>(operation: keyof ProlificClient, workspaceId: string, act: () => T): Promise<T> {
    return new Promise((resolve) => {
      calls.push(`${operation} ${workspaceId}`);
      const call = (counts.get(operation) ?? 0) + 1;
      counts.set(operation, call);
      before[operation]?.(workspaceId, call);
      resolve(act());
    });
  }

  for (const workspaceId of workspaces) issue(workspaceId);

  return {
    before,
    calls,
    issuedValues,
    getActiveSecret: (workspaceId) => answer('getActiveSecret', workspaceId, () => active.get(workspaceId)),
    createSecret: (workspaceId) => answer('createSecret', workspaceId, () => issue(workspaceId)),
    getDeliveryHealth: (workspaceId) => answer('getDeliveryHealth', workspaceId, () => health.get(workspaceId) ?? HEALTHY),
    health,
    active: (workspaceId) => active.get(workspaceId),
    replace: issue,
    clear: (workspaceId) => active.set(workspaceId, undefined),
  };
}
