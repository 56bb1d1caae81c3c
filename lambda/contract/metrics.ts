// The metrics the function emits and the alarms and dashboard watch.

/** The metrics the function emits (one value per workspace, dimension `workspace_id`) and the alarms watch. */
export const METRIC_NAMES = {
  rotationSucceeded: 'RotationSucceeded',
  targetFailed: 'TargetFailed',
  secondsSinceLastRotation: 'SecondsSinceLastRotation',
  /** 1 when a run found no version labelled AWSCURRENT: receivers have no key at all until it is repaired. */
  currentVersionMissing: 'CurrentVersionMissing',
  /** 1 when a run stored Prolific's active secret over another secret: something outside the schedule changed it. */
  driftHealed: 'DriftHealed',
  /** Disabled webhook subscriptions of the workspace (Prolific disables one after 5 days of failed deliveries). */
  subscriptionsDisabled: 'SubscriptionsDisabled',
  /** Deliveries created since the current secret was rotated in that failed. */
  deliveriesFailedSinceRotation: 'DeliveriesFailedSinceRotation',
  /** 1 when delivery health could not be read from Prolific. */
  deliveryHealthUnknown: 'DeliveryHealthUnknown',
  /** 1 when the rotation event for receivers could not be put on the event bus. */
  rotationEventFailed: 'RotationEventFailed',
} as const;

export const WORKSPACE_DIMENSION = 'workspace_id';
/** Powertools adds this dimension to every metric, with the service name as its value. */
export const SERVICE_DIMENSION = 'service';
