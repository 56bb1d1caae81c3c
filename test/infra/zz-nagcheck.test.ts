import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { addComplianceChecks } from '../../infra/compliance-checks.js';
import { buildStack, testApp } from './synth.js';
it('nag', () => {
  const app = testApp({ workspaces: 'ws-a,ws-b=prolific/adopted', alarmEmail: 'a@example.com', exampleReceiver: 'true' });
  buildStack(app);
  addComplianceChecks(app);
  let dir;
  try { dir = app.synth().directory; } catch (e) { console.log(String(e).slice(0, 6000)); return; }
  const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8'));
  console.log(JSON.stringify(report.pluginReports.flatMap((r: any) => r.violations ?? []), null, 1).slice(0, 5000));
});
