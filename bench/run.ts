// `npm run bench [section...]`: Gantry's benchmarks. Speed is measured here, never asserted in tests.
// Sections run by default: scheduler, workflow, telemetry, ranking, sweeps, policy (pure code,
// seconds; the scheduler's also replays Kueue's baseline). Only when named: scheduler-hash (a
// SHA-256 of the admission policy's decisions over 380 seeded cases: equal before and after a change
// that must keep them), telemetry-storage (real PostgreSQL, minutes), api-me (GET /api/me
// throughput with a session cookie), api-submit (POST /api/jobs under load), chart-rerender (a
// range change in Chromium against a whole Gantry), dag (Mermaid in headless Chromium), startup
// (starts a whole Gantry), queue-admit and queue-page (submit to hand-over latency; 10,000 queued
// jobs through the API and /queue in Chromium), workflow-requests (API requests per workflow),
// workflow-sync (100 busy workflows through the sync loops, run by the simulated controller; real
// PostgreSQL, minutes), workflow-sync-full (100 running workflows with 1,000-step statuses),
// db-outage (PostgreSQL killed and stopped under a whole Gantry: back to ready and first
// admission), recovery (the worker and the web server killed under a whole Gantry: back to ready),
// artifact (idle memory of the built artifact's `start` against the checkout's `npm start`),
// sweep-job (a benchmark sweep run as a job end to end), notifications (state change to webhook
// delivery latency; scheduler pass p99 under 10,000 outbox events a minute; real PostgreSQL).
// Results go to stdout; docs/benchmarks.md records what was measured and how.
import { env } from '@/lib/env';
import { referenceDir } from './reference';
import { benchApiMe } from './api-me';
import { benchApiSubmit } from './api-submit';
import { benchArtifact } from './artifact';
import { benchNotifications } from './notifications';
import { benchPolicy } from './policy';
import { benchQueueAdmit } from './queue-admit';
import { benchQueuePage } from './queue-page';
import { runRankingBenchmarks } from './ranking';
import { benchRecovery } from './recovery';
import { benchChartRerender } from './chart-rerender';
import { benchDbOutage } from './db-outage';
import { benchStartup } from './startup';
import { benchAdmissionPass, benchDecisionLatency, benchKueueReplay } from './scheduler';
import { benchSchedulerHash } from './scheduler-hash';
import { buildSteadySnapshot } from './scheduler-snapshots';
import { benchSweepJob } from './sweep-job';
import { runSweepBenchmarks } from './sweeps';
import { runTelemetryBenchmarks } from './telemetry';
import { benchTelemetryStorage } from './telemetry-ingest';
import { benchWorkflowRequests, benchWorkflowSync } from './workflow-sync';
import { benchWorkflowSyncFull } from './workflow-sync-full';
import { benches as workflowBenches } from './workflow';

const sections: Record<string, () => Promise<void> | void> = {
  scheduler() {
    // The 1,000-pending latencies run first. Building the 10,000-job snapshots makes V8 pretenure
    // their allocation sites, which leaves the old generation full of dead snapshots that every later
    // young-generation collection has to scan: 11-16 ms collections afterwards against about 3 ms
    // before. A worker whose queue is 1,000 long never builds those snapshots.
    console.log('Decision latency with 1,000 pending, preemption-heavy and steady-state snapshots:');
    console.table([benchDecisionLatency(), benchDecisionLatency(undefined, buildSteadySnapshot)]);
    console.log('Admission pass, preemption-heavy snapshot (10,000 queued, 1,000 running):');
    console.table([benchAdmissionPass()]);
    console.log('Admission pass, steady-state snapshot (running jobs within their guarantees):');
    console.table([benchAdmissionPass(undefined, buildSteadySnapshot)]);
    const ref = referenceDir(env().referenceDir);
    if (!ref) return console.log(`Kueue replay NOT RUN: reference data absent at ${env().referenceDir}`);
    const { kueue, ...replay } = benchKueueReplay(ref);
    console.log('Kueue baseline replay (virtual time):');
    console.dir({ gantry: replay, kueue }, { depth: 4 });
  },
  workflow() {
    // Each bench returns the size of what it built (drawn nodes, Mermaid characters); time it here.
    console.table(
      Object.entries(workflowBenches).map(([name, fn]) => {
        fn();
        const times: number[] = [];
        let size = 0;
        for (let i = 0; i < 7; i++) {
          const t = performance.now();
          size = fn();
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        return { name, medianMs: Number(times[3].toFixed(2)), maxMs: Number(times[6].toFixed(2)), size };
      }),
    );
  },
  telemetry() {
    console.table(runTelemetryBenchmarks());
  },
  ranking() {
    console.table(runRankingBenchmarks());
  },
  sweeps() {
    console.table(runSweepBenchmarks());
  },
  policy() {
    // The workload policy over a 1 MiB raw workflow built from the Argo reference examples.
    const rows = benchPolicy();
    if (typeof rows === 'string') console.log(`policy ${rows}`);
    else console.table(rows);
  },
  async 'telemetry-storage'() {
    console.table(await benchTelemetryStorage());
  },
  async 'chart-rerender'() {
    console.table(await benchChartRerender());
  },
  async dag() {
    await import('./dag-render');
  },
  'api-me': benchApiMe,
  'api-submit': benchApiSubmit,
  artifact: benchArtifact,
  'db-outage': benchDbOutage,
  notifications: benchNotifications,
  'queue-admit': benchQueueAdmit,
  'queue-page': benchQueuePage,
  recovery: benchRecovery,
  'scheduler-hash': benchSchedulerHash,
  startup: benchStartup,
  'sweep-job': benchSweepJob,
  'workflow-requests': benchWorkflowRequests,
  'workflow-sync': benchWorkflowSync,
  'workflow-sync-full': benchWorkflowSyncFull,
};
const SLOW = [
  'artifact',
  'db-outage',
  'notifications',
  'recovery',
  'scheduler-hash',
  'sweep-job',
  'telemetry-storage',
  'chart-rerender',
  'dag',
  'api-me',
  'api-submit',
  'queue-admit',
  'queue-page',
  'startup',
  'workflow-requests',
  'workflow-sync',
  'workflow-sync-full',
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in sections));
if (unknown.length) {
  console.error(`unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(sections).filter((s) => !SLOW.includes(s))) {
  console.log(`\n## ${name}`);
  await sections[name]();
}
