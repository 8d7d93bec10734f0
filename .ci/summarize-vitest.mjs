// Reads vitest's JSON report and prints the one line CI reads: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path || !existsSync(path)) {
  console.error(`no vitest JSON report at ${path}`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
const passed = report.numPassedTests ?? 0;
let failed = report.numFailedTests ?? 0;
// A test file that cannot even load fails as a suite with no failed test in it: count it, never hide it.
if (failed === 0 && (report.numFailedTestSuites > 0 || report.success === false)) failed = Math.max(1, report.numFailedTestSuites);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0) process.exit(1);
