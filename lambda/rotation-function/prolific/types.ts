// What the rest of the function knows of Prolific: the secret it returns and the two operations on it.
import type { DeliveryHealth } from '../../contract/report.js';

/** A workspace's webhook signing secret as Prolific returns it. */
export interface ProlificSecret {
  readonly id: string;
  readonly value: string;
  readonly workspaceId: string;
}

export interface ProlificClient {
  /** Prolific's one active secret for the workspace, or undefined if it has none yet. */
  getActiveSecret(workspaceId: string): Promise<ProlificSecret | undefined>;
  /**
   * Replaces the workspace's secret (the old one stops working at once) and returns the new one.
   * `previousSecretId` is the active secret's id before the call (undefined: none); it is how an
   * unanswered POST is settled without ever replacing the secret twice.
   */
  createSecret(workspaceId: string, previousSecretId: string | undefined): Promise<ProlificSecret>;
  /**
   * The workspace's webhook subscriptions, enabled and disabled, and the deliveries that failed since
   * `since` (the current secret's rotation time; undefined: no events are read, and the result says so).
   */
  getDeliveryHealth(workspaceId: string, since: string | undefined): Promise<DeliveryHealth>;
}

/** Reported before each retry, for logging. Carries no secret. */
export interface ProlificRetryEvent {
  readonly operation: string;
  readonly workspaceId: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}
