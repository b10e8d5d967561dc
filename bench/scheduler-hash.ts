// `npm run bench scheduler-hash`: a SHA-256 over everything the admission policy decides for a fixed
// set of seeded snapshots, so a change meant to keep behaviour (a refactor, a speed-up) can show
// that it does: the hash before and after must match. Not a timing.
import { createHash } from 'node:crypto';
import { decideAdmissions, explainFit } from '@/lib/domain/scheduler';
import type { SchedulerOptions, Snapshot } from '@/lib/domain/scheduler';
import { buildBenchSnapshot, buildSteadySnapshot } from './scheduler-snapshots';

const BUILDERS: Record<string, (queued: number, running: number, seed: number) => Snapshot> = {
  heavy: buildBenchSnapshot,
  steady: buildSteadySnapshot,
};

/** Explanations and in-team preemption on and off, and the replay's settings (no grace, no aging). */
const OPTION_SETS: Partial<SchedulerOptions>[] = [
  {},
  { explain: false },
  { preemptLowerPriorityInTeam: false },
  { explain: false, preemptLowerPriorityInTeam: false },
  { graceSeconds: 0, agingSeconds: null },
];

/** Queued jobs and the seeds of each size: many small snapshots, a few of the largest. */
const SIZES = [
  { queued: 1_000, seeds: 30 },
  { queued: 10_000, seeds: 8 },
];

/** Waiting jobs of each 1,000-queued default case also asked "will it fit?" (explainFit). */
const EXPLAINED = 3;

/** JSON with object keys sorted, so the text depends only on the values. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function benchSchedulerHash(): void {
  const all = createHash('sha256');
  const rows: { builder: string; queued: number; cases: number; admits: number; preempts: number; sha256: string }[] =
    [];
  for (const [name, build] of Object.entries(BUILDERS)) {
    for (const { queued, seeds } of SIZES) {
      const group = createHash('sha256');
      const row = { builder: name, queued, cases: 0, admits: 0, preempts: 0, sha256: '' };
      for (let seed = 1; seed <= seeds; seed++) {
        for (let o = 0; o < OPTION_SETS.length; o++) {
          // A fresh snapshot per case: no case can see what an earlier one did to its input.
          const snapshot = build(queued, 1_000, seed);
          const decisions = decideAdmissions(snapshot, OPTION_SETS[o]);
          const fits =
            queued === 1_000 && o === 0
              ? snapshot.queued.slice(0, EXPLAINED).map((job) => explainFit(snapshot, job))
              : [];
          const text = `${name}/${queued}/${seed}/${o}:${canonical({ decisions, fits })}\n`;
          group.update(text);
          all.update(text);
          row.cases++;
          for (const d of decisions) {
            if (d.type === 'admit') row.admits++;
            else if (d.type === 'preempt') row.preempts++;
          }
        }
      }
      row.sha256 = group.digest('hex').slice(0, 16);
      rows.push(row);
    }
  }
  console.table(rows);
  console.log(`scheduler decisions sha256 over ${rows.reduce((s, r) => s + r.cases, 0)} cases: ${all.digest('hex')}`);
}
