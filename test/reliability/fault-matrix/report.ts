// `npm run reliability:report`: plays every row of the fault matrix (scenarios.ts) with the same runner
// as fault-matrix.test.ts and prints the report table (report-table.ts). Exits 1 if any scenario missed
// an expectation. `npm run reliability` prints the same table from the vitest suite's own run.
import { runScenario } from './play-scenario.js';
import { reportLines, type PlayedScenario } from './report-table.js';
import { SCENARIOS } from './scenarios.js';

// Node 20 is supported here; the function itself runs on Node 24. The SDK reads this when the first
// client is created, which happens in the first scenario, after this line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
const played: PlayedScenario[] = [];
for (const [index, scenario] of SCENARIOS.entries()) {
  played.push({ number: index + 1, scenario, run: await runScenario(scenario) });
}
console.log(reportLines(played, (Date.now() - started) / 1000).join('\n'));
// Cut-off scenarios leave their runs parked for good, on purpose; nothing else is left to wait for.
process.exit(played.some(({ run }) => run.unmet.length > 0) ? 1 : 0);
