import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    // Vitest's default on 2 cores is one worker; the suite waits on child processes and loopback I/O
    // (crash storms, emulators, the service tests) as much as on the CPU, so two files run at once.
    maxWorkers: 2,
    hookTimeout: 30_000,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest-results.json' },
  },
});
