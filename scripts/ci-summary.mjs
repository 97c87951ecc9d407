// Prints one plain line, `N passed, M failed`, from vitest's JSON report (read by CI).
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  console.error(`ci-summary: no test report at ${path} (lint, typecheck or the runner failed before tests ran)`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
const failed = report.numFailedTests + (report.numRuntimeErrors ?? 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || report.success === false ? 1 : 0);
