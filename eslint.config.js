// @ts-check
// The rules a reviewer would otherwise repeat: typescript-eslint's type-aware strict and stylistic sets, a
// line length, no import cycles, and each folder's allowed imports (the table in docs/design.md, "Import
// rules"). A rule is switched off on a line only with the reason beside it.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import { configs as tsConfigs } from 'typescript-eslint';

const FUNCTION = './lambda/rotation-function';

/**
 * Who may import whom. Each zone forbids `target` to import anything under `from` but `except` (paths
 * relative to `from`). The layers point one way: edge (the top-level files of the rotation function) ->
 * core (rotation/) -> stores and clients (prolific/, secrets/) -> contract (lambda/contract/).
 */
const IMPORT_ZONES = [
  {
    target: './lambda/contract',
    from: [
      './lambda/rotation-function', './lambda/receiver-kit', './lambda/example-receiver',
      './infra', './cli', './local', './test', './bench',
    ],
    message: 'lambda/contract/ is the shared vocabulary: it imports nothing outside itself.',
  },
  {
    target: `${FUNCTION}/rotation`,
    from: FUNCTION,
    except: ['./rotation', './errors.ts', './prolific/types.ts', './secrets/store.ts'],
    message: 'The rotation core imports only its own files, errors.ts, the Prolific client\'s interface, ' +
      'the secret store and the contract.',
  },
  {
    target: [`${FUNCTION}/prolific`, `${FUNCTION}/secrets`],
    from: FUNCTION,
    except: ['./prolific', './secrets', './errors.ts'],
    message: 'The Prolific client and the secret store import only their own folder, errors.ts and the contract.',
  },
  {
    target: FUNCTION,
    from: ['./lambda/receiver-kit', './lambda/example-receiver', './infra', './cli'],
    message: 'The rotation function is one product: it imports no other product.',
  },
  {
    target: './lambda/receiver-kit',
    from: [FUNCTION, './lambda/example-receiver', './infra', './cli'],
    message: 'The receiver kit ships on its own: it imports only its own files and lambda/contract/.',
  },
  {
    target: './lambda/example-receiver',
    from: [FUNCTION, './infra', './cli'],
    message: 'The example receiver is built on the receiver kit and lambda/contract/ alone.',
  },
  {
    target: './infra',
    from: [FUNCTION, './lambda/receiver-kit', './lambda/example-receiver', './cli'],
    message: 'infra/ takes names, defaults and budgets from lambda/contract/ only; the function is bundled, not imported.',
  },
  {
    target: './cli',
    from: [FUNCTION, './lambda/receiver-kit', './lambda/example-receiver', './infra'],
    except: ['./load-config.ts', './config.ts', './errors.ts'],
    message: 'The command line ships without Powertools, middy or the CDK: ' +
      'from the function it imports only load-config.ts, config.ts and errors.ts.',
  },
  {
    target: ['./lambda', './infra', './cli'],
    from: ['./local', './test', './bench'],
    message: 'Shipped code never imports the demo, the stand-ins, the tests or the benchmarks.',
  },
];

export default defineConfig(
  globalIgnores(['dist/**', 'cdk.out/**', 'coverage/**', 'reports/**']),
  js.configs.recommended,
  tsConfigs.strictTypeChecked,
  tsConfigs.stylisticTypeChecked,
  importX.flatConfigs.recommended,
  importX.flatConfigs.typescript,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      // Resolves NodeNext's './module.js' to './module.ts'; without it the zones and cycles would pass unseen.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json', alwaysTryTypes: true })],
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      // TypeScript checks these already, and they parse every imported module (slow with aws-cdk-lib).
      'import-x/namespace': 'off',
      'import-x/named': 'off',
      'import-x/default': 'off',
      'import-x/no-named-as-default-member': 'off',
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: IMPORT_ZONES }],
      // The strict set refuses `value!`; the stylistic set would then ask for `value!` over `value as T`. Keep the first.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // Numbers and booleans read well in messages; objects and undefined are still refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // A module a newcomer reads in one sitting: the code that ships, the demo, the stand-ins and the benchmarks.
    files: ['lambda/**/*.ts', 'infra/**/*.ts', 'cli/**/*.ts', 'local/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 350, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tsConfigs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
