// The event for receivers on the account's default EventBridge bus (outgoing; never a value).

/**
 * The event put on the account's default EventBridge bus after every run that changed a workspace's
 * AWSCURRENT (rotated, healed, resumed), so receivers that cache the secret can refresh. Never a value.
 */
export const ROTATION_EVENT = {
  source: 'prolific.webhook-secret-rotation',
  detailType: 'Webhook Signing Secret Changed',
} as const;

/** What a receiver's rule matches on, in the event's `detail`. */
export interface RotationEventDetail {
  readonly workspaceId: string;
  readonly secretArn: string;
  readonly versionId: string | null;
  readonly prolificSecretId: string | null;
  readonly outcome: 'rotated' | 'healed' | 'resumed';
}
