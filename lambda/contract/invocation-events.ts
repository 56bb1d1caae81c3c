// The events the construct sends to the function, and the bound on any event the function accepts.

/** The events the construct's schedules send. */
export const SCHEDULED_ROTATION_EVENT = { action: 'rotate' } as const;
/**
 * The daily heartbeat: a sync, so drift (a rotation in the Prolific app, a POST Prolific completed after
 * the client gave up) is repaired within a day without a POST, and each workspace's age and delivery
 * health are reported, so staleness, drift and failing deliveries can alarm.
 */
export const HEARTBEAT_EVENT = { action: 'sync' } as const;

/**
 * The largest event the function accepts, as JSON (`lambda/rotation-function/invocation-event.ts` refuses larger ones before looking
 * inside). The construct sizes the batches its schedules send (`{"action": ..., "workspaceIds": [...]}`) to fit.
 */
export const MAX_EVENT_BYTES = 8192;
