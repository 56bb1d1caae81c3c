// Runs in a fresh Node process (plain node, no loader, so nothing but the bundle is measured): imports one
// bundled function as Lambda would, invokes it as the spec says, and writes what it measured as one JSON
// line to file descriptor 3 (stdout and stderr carry the function's own logs). Spec (argv[2], JSON):
// {"module": "<absolute path>", "invocations": [{"event": {...}, "times": 1}]}
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const RESULT_FD = 3;
const LAMBDA_TIMEOUT_MS = 900_000;

const spec = JSON.parse(process.argv[2]);
// performance.now() counts from the start of this process: "ready" includes Node's own start-up.
const importStartMs = performance.now();
const loaded = await import(pathToFileURL(spec.module).href);
const readyMs = performance.now();
// An ESM bundle exports `handler`; a CommonJS one may show it only on its default export.
const handler = loaded.handler ?? loaded.default?.handler;

const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
const context = {
  functionName: 'benchmark',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:benchmark',
  memoryLimitInMB: '256',
  awsRequestId: 'benchmark',
  logGroupName: '/aws/lambda/benchmark',
  logStreamName: 'benchmark',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};

const invocations = [];
for (const { event, times } of spec.invocations) {
  for (let index = 0; index < times; index += 1) {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    let outcome;
    try {
      outcome = { outcomes: outcomesOf(await handler(event, context)) };
    } catch (error) {
      outcome = { error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 2_000) : String(error) };
    }
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    invocations.push({ ms, cpuMs: (cpu.user + cpu.system) / 1_000, ...outcome });
  }
}

writeSync(RESULT_FD, `${JSON.stringify({ importStartMs, readyMs, invocations, maxRssKb: process.resourceUsage().maxRSS })}\n`);
// The SDK's keep-alive sockets would hold the process open.
process.exit(0);

/** Outcome counts of a rotation report (`{"rotated": 3}`), or the result itself if it is something else. */
function outcomesOf(result) {
  if (!Array.isArray(result?.results)) return result;
  const counts = {};
  for (const { outcome } of result.results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
