#!/usr/bin/env node
// Runs the compiled tests with Node's test runner: `node scripts/run-tests.mjs [unit|e2e]...`
// (default: both). One runner invocation, so the closing summary counts every test.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suites = process.argv.length > 2 ? process.argv.slice(2) : ['unit', 'e2e'];

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(dir, name))
    .sort();
}

const files = suites.flatMap((suite) => testFiles(path.join(root, 'dist', 'test', suite)));
if (files.length === 0) {
  console.error(`No compiled tests found for: ${suites.join(', ')} (run "npm run build" first)`);
  process.exit(1);
}
// Most tests wait on child processes and servers rather than the CPU, so run a few files at once.
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
