// `npx tsx test/iam/report.ts`: records a representative run against the stand-ins, evaluates every
// configuration's checks with the IAM evaluator, as test/iam/least-privilege.test.ts does, and prints the
// table (report-table.ts) as Markdown. Exits 1 if any decision was not the expected one.
import { meetsExpectation } from './iam-checks.js';
import { evaluateLeastPrivilege } from './least-privilege.js';
import { reportLines } from './report-table.js';

// Node 20 is supported here; the function itself runs on Node 24. The SDK reads this when the first client is created.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
const evaluation = await evaluateLeastPrivilege();
console.log(reportLines(evaluation, (Date.now() - started) / 1000).join('\n'));
process.exitCode = evaluation.configurations.every(({ results }) => results.every(meetsExpectation)) ? 0 : 1;
