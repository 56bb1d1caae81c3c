import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '../../../infra/construct/index.js';

const readJson = (path: string) => JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as unknown;

describe('the package root', () => {
  it('exports the rotation construct and the example receiver (and, as types, their props and ProlificWorkspace)', () => {
    expect(Object.keys(root).sort()).toEqual(['ExampleReceiver', 'ProlificWebhookSecretRotation']);
  });

  it('is this module, compiled with its types by tsconfig.construct.json', () => {
    const { exports, main, types } = readJson('package.json') as {
      exports: Record<string, unknown>;
      main: string;
      types: string;
    };

    expect((readJson('tsconfig.construct.json') as { include: string[] }).include).toEqual(['infra/construct/index.ts']);
    expect(exports['.']).toEqual({ types: './dist/infra/construct/index.d.ts', default: './dist/infra/construct/index.js' });
    expect({ main, types }).toEqual({ main: './dist/infra/construct/index.js', types: './dist/infra/construct/index.d.ts' });
  });
});
