// The import rules of eslint.config.js really fail a crossed boundary and a cycle: each file below is linted
// as if it stood at that path in the repository (its content given here, nothing written to disk).
import { ESLint } from 'eslint';
import { configs as tsConfigs } from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Type-aware rules need the file on disk; the import rules do not, so they are what runs here.
const eslint = new ESLint({ overrideConfig: tsConfigs.disableTypeChecked });

async function ruleIdsFor(path: string, source: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(source, { filePath: path });
  return (result?.messages ?? []).map((message) => message.ruleId);
}

describe('the import rules', () => {
  it('refuse the rotation core importing the Lambda entry', async () => {
    const source = "import { handler } from '../handler.js';\n\nexport const entry = handler;\n";

    expect(await ruleIdsFor('lambda/rotation-function/rotation/crossing.ts', source)).toContain('import-x/no-restricted-paths');
  });

  it('refuse the receiver kit importing the rotation function', async () => {
    const source = "import { describeError } from '../rotation-function/errors.js';\n\nexport const describe = describeError;\n";

    expect(await ruleIdsFor('lambda/receiver-kit/crossing.ts', source)).toContain('import-x/no-restricted-paths');
  });

  it('refuse the construct importing anything of the function but the contract', async () => {
    const source = "import { parseConfig } from '../../lambda/rotation-function/config.js';\n\nexport const parse = parseConfig;\n";

    expect(await ruleIdsFor('infra/construct/crossing.ts', source)).toContain('import-x/no-restricted-paths');
  });

  it('refuse shipped code importing the stand-ins', async () => {
    const source = "import { REGION } from '../../local/standins/aws-json.js';\n\nexport const region = REGION;\n";

    expect(await ruleIdsFor('lambda/rotation-function/crossing.ts', source)).toContain('import-x/no-restricted-paths');
  });

  it('refuse a cycle: errors.ts importing the handler, which imports errors.ts', async () => {
    const source = "import { handler } from './handler.js';\n\nexport const entry = handler;\n";

    expect(await ruleIdsFor('lambda/rotation-function/errors.ts', source)).toContain('import-x/no-cycle');
  });

  it('let the core import the contract', async () => {
    const source = "import { AWSCURRENT } from '../../contract/staging-labels.js';\n\nexport const label = AWSCURRENT;\n";

    expect(await ruleIdsFor('lambda/rotation-function/rotation/allowed.ts', source)).toEqual([]);
  });
});
