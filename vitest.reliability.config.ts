import { defineConfig } from 'vitest/config';
import { RELIABILITY_SUITES, SHARED_TEST_OPTIONS } from './vitest.config.js';

// `npm run reliability`: the fault matrix, the races and the randomized sequences.
export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: RELIABILITY_SUITES,
    // The JSON report is what .ci/run reads, with reports/vitest.json, to print its summary line.
    reporters: ['default', ['json', { outputFile: 'reports/vitest-reliability.json' }]],
    // Every test here but the batch of sequences (which sets its own timeout, by batch size) takes under
    // 5 s on an idle machine: sixty times that is headroom no load will use up.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
