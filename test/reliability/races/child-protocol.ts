// How a child process (invoke-child.ts) and its parent (child-processes.ts) talk: the event goes in an
// environment variable, answers come back as JSON lines on stdout that carry the marker key.

/** The key of the JSON lines a child prints for its parent (its log lines never carry it). */
export const CHILD_MARKER = 'reliabilityChild';
/** The environment variable that hands a child its event, as JSON. */
export const CHILD_EVENT_VARIABLE = 'RELIABILITY_CHILD_EVENT';
