// One invocation of the function in a process of its own, as another Lambda execution environment
// would run it: the real entry point (`handler`, configured from this process's environment like the
// deployed function), started when the parent says "go" on stdin so that all children start at once.
// Prints `{"reliabilityChild": "ready"}`, then `{"reliabilityChild": "result", "outcome": ...}`, and exits.
// child-processes.ts bundles this file (with the handler and its dependencies) once, then runs the bundle.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { handler } from '../../../lambda/rotation-function/handler.js';
import { standInContext, invoke, summarize } from '../../../local/invoke-handler.js';
import { CHILD_EVENT_VARIABLE, CHILD_MARKER } from './child-protocol.js';

const event: unknown = JSON.parse(process.env[CHILD_EVENT_VARIABLE] ?? '{}');
const parent = createInterface({ input: process.stdin });
process.stdout.write(`${JSON.stringify({ [CHILD_MARKER]: 'ready' })}\n`);
await once(parent, 'line');
parent.close();

const outcome = summarize(await invoke(handler, event, standInContext()));
// Exit once the line is flushed: the SDK's keep-alive sockets would otherwise hold the process open.
process.stdout.write(`${JSON.stringify({ [CHILD_MARKER]: 'result', outcome })}\n`, () => process.exit(0));
