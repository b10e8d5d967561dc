// Invariants of the admission policy over random snapshots (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAdmissions } from './admit';
import { expectedRelease } from './pass';
import { buildPools, findEarliestStart, releaseOf } from './capacity';
import type { Release } from './capacity';
import type { AdmitDecision, Decision } from './decisions';
import { HOUR, MIN, T0 } from './fixtures.test-util';
import { PRIORITY_CLASSES, type PriorityClass } from '../terms';
import type { GpuNode, Quota, QueuedJob, RunningJob, Snapshot } from './schema';
import { rankOf } from './schema';

const KINDS = ['a100-80gb', 't4', 'a100-80gb-mig-1g.10gb'];
const TEAMS = ['vision', 'nlp', 'speech', 'infra'];

interface Shape {
  nodes: { kind: number; capacity: number }[];
  cohorts: number[];
  quotas: { guaranteed: number; borrowing: number }[][];
  running: {
    team: number;
    kind: number;
    count: number;
    priority: PriorityClass;
    age: number;
    left: number;
    stopping: boolean;
  }[];
  queued: {
    team: number;
    kind: number;
    count: number;
    priority: PriorityClass;
    singleNode: boolean;
    runMin: number;
    waited: number;
  }[];
}

const priority = fc.constantFrom(...PRIORITY_CLASSES);
const shape = (opts: { borrowing?: boolean; guarantees?: boolean } = {}) =>
  fc.record<Shape>({
    nodes: fc.array(fc.record({ kind: fc.nat(2), capacity: fc.constantFrom(1, 2, 4, 8) }), {
      minLength: 1,
      maxLength: 6,
    }),
    cohorts: fc.array(fc.nat(1), { minLength: 4, maxLength: 4 }),
    quotas: fc.array(
      fc.array(
        fc.record({
          guaranteed: opts.guarantees === false ? fc.constant(0) : fc.nat(10),
          borrowing: opts.borrowing === false ? fc.constant(0) : fc.nat(10),
        }),
        { minLength: 3, maxLength: 3 },
      ),
      { minLength: 4, maxLength: 4 },
    ),
    running: fc.array(
      fc.record({
        team: fc.nat(3),
        kind: fc.nat(2),
        count: fc.integer({ min: 1, max: 8 }),
        priority,
        age: fc.nat(300),
        left: fc.integer({ min: -30, max: 300 }),
        stopping: fc.boolean(),
      }),
      { maxLength: 12 },
    ),
    queued: fc.array(
      fc.record({
        team: fc.nat(3),
        kind: fc.nat(2),
        count: fc.integer({ min: 1, max: 12 }),
        priority,
        singleNode: fc.boolean(),
        runMin: fc.integer({ min: 1, max: 240 }),
        waited: fc.nat(600),
      }),
      { maxLength: 25 },
    ),
  });

/** Builds a consistent snapshot: running jobs are placed only where they fit, within their team's limits. */
function toSnapshot(s: Shape): Snapshot {
  const nodes: GpuNode[] = s.nodes.map((n, i) => ({
    name: `node-${i}`,
    pool: KINDS[n.kind],
    gpus: { [KINDS[n.kind]]: { capacity: n.capacity, free: n.capacity } },
  }));
  const quotas: Quota[] = TEAMS.flatMap((team, t) =>
    KINDS.map((gpuKind, k) => ({
      team,
      gpuKind,
      guaranteed: s.quotas[t][k].guaranteed,
      borrowingLimit: s.quotas[t][k].borrowing,
      weeklyGpuHours: null,
      usedGpuHoursThisWeek: 0,
    })),
  );
  const used = new Map<string, number>();
  const running: RunningJob[] = [];
  s.running.forEach((r, i) => {
    const kind = KINDS[r.kind];
    const q = s.quotas[r.team][r.kind];
    const k = `${r.team}/${kind}`;
    if ((used.get(k) ?? 0) + r.count > q.guaranteed + q.borrowing) return;
    const node = nodes.find((n) => (n.gpus[kind]?.free ?? 0) >= r.count);
    if (!node) return;
    node.gpus[kind].free -= r.count;
    used.set(k, (used.get(k) ?? 0) + r.count);
    running.push({
      id: `r${i}`,
      team: TEAMS[r.team],
      user: 'u',
      priority: r.priority,
      gpu: { kind, count: r.count },
      placements: [{ node: node.name, count: r.count }],
      startedAt: T0 - r.age * MIN,
      expectedEndAt: T0 + r.left * MIN,
      maxRuntimeSeconds: (r.age + 400) * 60,
      borrowed: 0,
      preemption: r.stopping ? { graceDeadline: T0 + 2 * MIN, forJobId: 'earlier' } : undefined,
    });
  });
  const queued: QueuedJob[] = s.queued.map((q, i) => ({
    id: `q${i}`,
    team: TEAMS[q.team],
    user: 'u',
    priority: q.priority,
    gpu: { kind: KINDS[q.kind], count: q.count },
    singleNode: q.singleNode,
    expectedRuntimeSeconds: q.runMin * 60,
    maxRuntimeSeconds: q.runMin * 90,
    submittedAt: T0 - q.waited * MIN,
  }));
  return {
    now: T0,
    nodes,
    quotas,
    running,
    queued,
    teams: TEAMS.map((name, t) => ({ name, cohort: `c${s.cohorts[t]}`, weight: 1 + t })),
    usage: [],
  };
}

const admitted = (ds: Decision[]) => ds.filter((d): d is AdmitDecision => d.type === 'admit');

describe('admission invariants', () => {
  it('never oversubscribes a node, keeps single-node jobs on one node, and places exactly the demand', () => {
    fc.assert(
      fc.property(shape(), (sh) => {
        const s = toSnapshot(sh);
        const free = new Map(
          s.nodes.flatMap((n) => Object.entries(n.gpus).map(([k, g]) => [`${n.name}/${k}`, g.free])),
        );
        for (const d of admitted(decideAdmissions(s))) {
          const job = s.queued.find((j) => j.id === d.jobId)!;
          expect(d.placements.reduce((sum, p) => sum + p.count, 0)).toBe(job.gpu.count);
          if (job.singleNode) expect(d.placements).toHaveLength(1);
          for (const p of d.placements) {
            const k = `${p.node}/${job.gpu.kind}`;
            free.set(k, (free.get(k) ?? 0) - p.count);
            expect(free.get(k)).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a team past its guarantee plus borrowing limit', () => {
    fc.assert(
      fc.property(shape(), (sh) => {
        const s = toSnapshot(sh);
        const use = new Map<string, number>();
        for (const r of s.running)
          use.set(`${r.team}/${r.gpu.kind}`, (use.get(`${r.team}/${r.gpu.kind}`) ?? 0) + r.gpu.count);
        for (const d of admitted(decideAdmissions(s))) {
          const k = `${d.team}/${d.gpuKind}`;
          use.set(k, (use.get(k) ?? 0) + s.queued.find((j) => j.id === d.jobId)!.gpu.count);
        }
        for (const q of s.quotas)
          expect(use.get(`${q.team}/${q.gpuKind}`) ?? 0).toBeLessThanOrEqual(q.guaranteed + q.borrowingLimit);
      }),
      { numRuns: 300 },
    );
  });

  it('answers every queued job exactly once and preempts only running jobs not already stopping', () => {
    fc.assert(
      fc.property(shape(), (sh) => {
        const s = toSnapshot(sh);
        const ds = decideAdmissions(s);
        const answered = ds.filter((d) => d.type !== 'preempt').map((d) => d.jobId);
        expect([...answered].sort()).toEqual(s.queued.map((j) => j.id).sort());
        const victims = ds.filter((d) => d.type === 'preempt');
        expect(new Set(victims.map((v) => v.jobId)).size).toBe(victims.length);
        for (const v of victims) {
          const r = s.running.find((x) => x.id === v.jobId)!;
          expect(r.preemption).toBeUndefined();
          expect(ds.find((d) => d.type === 'wait' && d.jobId === v.forJobId)).toMatchObject({ reason: 'RECLAIMING' });
          // A victim of another team was borrowing; one of the same team had lower priority.
          if (v.team === v.forTeam) expect(rankOf(r.priority)).toBeLessThan(rankOf(v.forPriority));
        }
        const waits = ds.filter((d) => d.type === 'wait');
        expect(waits.map((w) => w.overallPosition)).toEqual(waits.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic whatever the order of its input', () => {
    fc.assert(
      fc.property(shape(), fc.integer(), (sh, seed) => {
        const s = toSnapshot(sh);
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => ({ x, k: Math.sin(seed + i) }))
            .sort((a, b) => a.k - b.k)
            .map((p) => p.x);
        const t = {
          ...s,
          queued: shuffle(s.queued),
          running: shuffle(s.running),
          nodes: shuffle(s.nodes),
          quotas: shuffle(s.quotas),
          teams: shuffle(s.teams),
        };
        expect(decideAdmissions(t)).toEqual(decideAdmissions(s));
      }),
      { numRuns: 150 },
    );
  });

  it('respects priority: lower classes never change what happens to higher ones (no borrowing, no aging)', () => {
    fc.assert(
      fc.property(shape({ borrowing: false }), fc.constantFrom(1, 2, 3), (sh, minRank) => {
        const s = toSnapshot(sh);
        const opts = { agingSeconds: null };
        const outcome = (ds: Decision[], keep: Set<string>) =>
          ds
            .filter((d) => (d.type === 'preempt' ? keep.has(d.forJobId) : keep.has(d.jobId)))
            .map((d) =>
              d.type === 'admit'
                ? [d.jobId, d.placements]
                : d.type === 'wait'
                  ? [d.jobId, d.reason]
                  : [d.jobId, 'preempted', d.forJobId],
            )
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2])));
        const high = s.queued.filter((j) => rankOf(j.priority) >= minRank);
        const keep = new Set(high.map((j) => j.id));
        expect(outcome(decideAdmissions({ ...s, queued: high }, opts), keep)).toEqual(
          outcome(decideAdmissions(s, opts), keep),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('EASY backfill never delays the reserved start of the head of a GPU kind', () => {
    fc.assert(
      fc.property(shape({ guarantees: false }), (sh) => {
        const s = toSnapshot(sh);
        const ds = decideAdmissions(s, { preemptLowerPriorityInTeam: false });
        const pools = buildPools(s.nodes);
        for (const head of ds.filter((d) => d.type === 'wait' && d.reservation)) {
          if (head.type !== 'wait') continue;
          const job = s.queued.find((j) => j.id === head.jobId)!;
          const pool = pools.get(job.gpu.kind)!;
          const free = [...pool.free];
          const releases: Release[] = s.running
            .filter((r) => r.gpu.kind === job.gpu.kind)
            .map((r) =>
              releaseOf(
                expectedRelease(r, s.now),
                new Map(r.placements.map((p) => [pool.index.get(p.node)!, p.count])),
              ),
            );
          for (const a of admitted(ds).filter((d) => d.gpuKind === job.gpu.kind)) {
            const aj = s.queued.find((j) => j.id === a.jobId)!;
            const parts = new Map(a.placements.map((p) => [pool.index.get(p.node)!, p.count]));
            for (const [i, c] of parts) free[i] -= c;
            // Backfilled jobs are trusted only up to their hard stop.
            releases.push(
              releaseOf(s.now + (a.backfill ? aj.maxRuntimeSeconds : aj.expectedRuntimeSeconds) * 1000, parts),
            );
          }
          const start = findEarliestStart(free, releases, job.gpu.count, job.singleNode, s.now);
          expect(start).not.toBeNull();
          expect(start!.startAt).toBeLessThanOrEqual(head.reservation!.startAt);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reclaims a guarantee from borrowers: the job gets its GPUs once the victims are gone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(4, 8),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 16 }),
        (nodeCount, cap, want, sizes) => {
          const nodes: GpuNode[] = Array.from({ length: nodeCount }, (_, i) => ({
            name: `n${i}`,
            pool: 'a100',
            gpus: { 'a100-80gb': { capacity: cap, free: cap } },
          }));
          const running: RunningJob[] = [];
          sizes.forEach((size, i) => {
            const node = nodes.find((n) => n.gpus['a100-80gb'].free >= size);
            if (!node) return;
            node.gpus['a100-80gb'].free -= size;
            running.push({
              id: `b${i}`,
              team: 'nlp',
              user: 'u',
              priority: 'critical',
              gpu: { kind: 'a100-80gb', count: size },
              placements: [{ node: node.name, count: size }],
              startedAt: T0 - i * MIN,
              expectedEndAt: T0 + 10 * HOUR,
              borrowed: size,
            });
          });
          const count = Math.min(want, cap);
          const s: Snapshot = {
            now: T0,
            nodes,
            running,
            quotas: [
              {
                team: 'vision',
                gpuKind: 'a100-80gb',
                guaranteed: nodeCount * cap,
                borrowingLimit: 0,
                weeklyGpuHours: null,
                usedGpuHoursThisWeek: 0,
              },
              {
                team: 'nlp',
                gpuKind: 'a100-80gb',
                guaranteed: 0,
                borrowingLimit: nodeCount * cap,
                weeklyGpuHours: null,
                usedGpuHoursThisWeek: 0,
              },
            ],
            teams: [
              { name: 'vision', cohort: 'r', weight: 1 },
              { name: 'nlp', cohort: 'r', weight: 1 },
            ],
            usage: [],
            queued: [
              {
                id: 'mine',
                team: 'vision',
                user: 'u',
                priority: 'low',
                gpu: { kind: 'a100-80gb', count },
                singleNode: true,
                expectedRuntimeSeconds: 600,
                maxRuntimeSeconds: 900,
                submittedAt: T0,
              },
            ],
          };
          const ds = decideAdmissions(s);
          const mine = ds.find((d) => d.type !== 'preempt' && d.jobId === 'mine')!;
          if (mine.type === 'admit') return;
          expect(mine).toMatchObject({ type: 'wait', reason: 'RECLAIMING' });
          const gone = new Set(ds.filter((d) => d.type === 'preempt').map((d) => d.jobId));
          const after = { ...s, running: running.filter((r) => !gone.has(r.id)), nodes: structuredClone(nodes) };
          for (const r of running.filter((x) => gone.has(x.id)))
            after.nodes.find((n) => n.name === r.placements[0].node)!.gpus['a100-80gb'].free += r.gpu.count;
          expect(decideAdmissions(after).find((d) => d.jobId === 'mine')).toMatchObject({ type: 'admit' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
