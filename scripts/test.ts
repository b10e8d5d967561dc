// `npm test`: lint (ESLint, Prettier's check, knip) and the typecheck of every file first, then every
// test Gantry has, in order of speed: unit (Vitest), integration (Vitest against a real PostgreSQL and
// the simulated cluster over HTTP), then e2e (Playwright in Chromium against the web server). A lint
// or type error fails the run but does not stop it, so one run shows everything that is wrong. Ends
// with one "N passed, N failed" line over all the tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps: string[] = [];

/** One step: its command line, then "ok" or "FAILED" and its time; a failure is remembered. */
function run(step: string, cmd: string, args: string[]): Promise<void> {
  console.log(`\n=== ${step}: ${[path.basename(cmd), ...args].join(' ')}`);
  const started = performance.now();
  return new Promise((resolve) => {
    spawn(cmd, args, { cwd: root, stdio: 'inherit', env }).on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`=== ${step}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds}s`);
      if (code !== 0) failedSteps.push(step);
      resolve();
    });
  });
}

function readVitest(file: string) {
  if (!fs.existsSync(file)) return;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests ?? 0;
  totals.failed += r.numFailedTests ?? 0;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}

function readPlaywright(file: string) {
  if (!fs.existsSync(file)) return;
  const s = JSON.parse(fs.readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += s.expected ?? 0;
  totals.failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
  totals.skipped += s.skipped ?? 0;
}

const only = process.argv[2];
const want = (s: string) => !only || only === s;
for (const f of ['unit.json', 'integration.json', 'e2e.json']) fs.rmSync(path.join(results, f), { force: true });

if (want('lint')) {
  // The same commands as `npm run lint` and `npm run typecheck` (package.json), each its own step.
  // No ESLint cache: its type-aware rules read other files' types, which a per-file cache misses.
  // ESLint and tsc each hold one core for most of their run, so they run side by side.
  await Promise.all([
    run('eslint', bin('eslint'), ['.']),
    run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']),
  ]);
  await run('prettier', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  await run('knip', bin('knip'), ['--no-progress']);
  // The build's own check covers a subset of what just passed.
  if (!failedSteps.includes('typecheck')) env.GANTRY_TYPECHECKED = '1';
}
if (want('unit')) {
  await run('unit', bin('vitest'), [
    'run',
    '--project',
    'unit',
    '--reporter=default',
    '--reporter=json',
    '--outputFile',
    'test-results/unit.json',
  ]);
  readVitest(path.join(results, 'unit.json'));
}
// The production artifact (dist/, scripts/build.ts: `next build` plus the bundled launcher, web server
// and worker) before integration, whose artifact test runs it from an empty folder and reuses this
// build; the e2e web server (`npm start`) reuses the same .next/. One build for both, and its log and
// time stay out of the tests' own.
if (want('integration') || want('e2e'))
  await run('build', process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')]);
if (want('integration')) {
  await run('integration', bin('vitest'), [
    'run',
    '--project',
    'integration',
    '--reporter=default',
    '--reporter=json',
    '--outputFile',
    'test-results/integration.json',
  ]);
  readVitest(path.join(results, 'integration.json'));
}
if (want('e2e')) {
  // The e2e web server is `npm start`, which would build when sources changed: built above, so its
  // time stays out of Playwright's start-up timeout.
  if (!failedSteps.includes('build')) {
    await run('e2e', bin('playwright'), ['test']);
    readPlaywright(path.join(results, 'e2e.json'));
  }
}

console.log(`\nSteps failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
if (totals.skipped) console.log(`(${totals.skipped} skipped: see the reasons printed above)`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
