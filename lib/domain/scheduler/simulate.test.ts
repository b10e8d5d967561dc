import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR, MIN, T0 } from './fixtures.test-util';
import type { GpuNode, Quota, Snapshot } from './schema';
import { PRIORITY_CLASSES } from '../terms';
import type { SimJob } from './simulate';
import { simulateCluster } from './simulate';

/** Team usage per kind never exceeds guarantee plus borrowing limit, at any pass. */
function checkQuotas(s: Snapshot): void {
  const use = new Map<string, number>();
  for (const r of s.running)
    use.set(`${r.team}/${r.gpu.kind}`, (use.get(`${r.team}/${r.gpu.kind}`) ?? 0) + r.gpu.count);
  for (const q of s.quotas)
    expect(use.get(`${q.team}/${q.gpuKind}`) ?? 0).toBeLessThanOrEqual(q.guaranteed + q.borrowingLimit);
}

describe('simulateCluster', () => {
  it('runs every job that can ever fit: no starvation in long random simulations', () => {
    const job = fc.record({
      team: fc.nat(3),
      kind: fc.nat(1),
      count: fc.integer({ min: 1, max: 8 }),
      priority: fc.constantFrom(...PRIORITY_CLASSES),
      singleNode: fc.boolean(),
      expectedMin: fc.integer({ min: 5, max: 180 }),
      actualPct: fc.integer({ min: 10, max: 150 }),
      at: fc.nat(24 * 60),
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.nat(1), capacity: fc.constantFrom(4, 8) }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.record({ guaranteed: fc.nat(8), borrowing: fc.nat(8) }), { minLength: 8, maxLength: 8 }),
        fc.array(job, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(0, 60, 300),
        (nodeShapes, quotaShapes, jobShapes, graceSeconds) => {
          const kinds = ['a100-80gb', 'h100-80gb'];
          const teams = ['vision', 'nlp', 'speech', 'infra'];
          const nodes: GpuNode[] = nodeShapes.map((n, i) => ({
            name: `n${i}`,
            pool: kinds[n.kind],
            gpus: { [kinds[n.kind]]: { capacity: n.capacity, free: n.capacity } },
          }));
          const quotas: Quota[] = teams.flatMap((team, t) =>
            kinds.map((gpuKind, k) => ({
              team,
              gpuKind,
              guaranteed: quotaShapes[t * 2 + k].guaranteed,
              borrowingLimit: quotaShapes[t * 2 + k].borrowing,
              weeklyGpuHours: null,
              usedGpuHoursThisWeek: 0,
            })),
          );
          const jobs: SimJob[] = jobShapes.map((j, i) => ({
            id: `j${i}`,
            team: teams[j.team],
            user: 'u',
            priority: j.priority,
            gpu: { kind: kinds[j.kind], count: j.count },
            singleNode: j.singleNode,
            expectedRuntimeSeconds: j.expectedMin * 60,
            maxRuntimeSeconds: j.expectedMin * 120,
            actualRuntimeSeconds: (j.expectedMin * 60 * j.actualPct) / 100,
            submittedAt: T0 + j.at * MIN,
          }));
          const never = new Set<string>();
          const result = simulateCluster({
            nodes,
            quotas,
            teams: teams.map((name, t) => ({ name, cohort: t < 2 ? 'a' : 'b', weight: 1 })),
            jobs,
            options: { graceSeconds, agingSeconds: 3600 },
            onPass: (snapshot, decisions) => {
              checkQuotas(snapshot);
              for (const d of decisions) if (d.type === 'wait' && d.reason === 'NEVER_FITS') never.add(d.jobId);
            },
            maxPasses: 5_000,
          });
          // Every job the policy did not call impossible ran to completion.
          expect(result.unfinished.filter((id) => !never.has(id))).toEqual([]);
          for (const id of never) expect(result.jobs.get(id)!.admittedAt).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('ages a big low-priority job past a steady stream of high-priority work', () => {
    const nodes: GpuNode[] = [{ name: 'n1', pool: 'a100', gpus: { 'a100-80gb': { capacity: 8, free: 8 } } }];
    const stream: SimJob[] = Array.from({ length: 200 }, (_, i) => ({
      id: `hi-${i}`,
      team: 'nlp',
      user: 'u',
      priority: 'high',
      gpu: { kind: 'a100-80gb', count: 2 },
      singleNode: true,
      expectedRuntimeSeconds: 1800,
      maxRuntimeSeconds: 1800,
      actualRuntimeSeconds: 1800,
      submittedAt: T0 + i * 5 * MIN,
    }));
    const big: SimJob = {
      ...stream[0],
      id: 'big-low',
      team: 'vision',
      priority: 'low',
      gpu: { kind: 'a100-80gb', count: 8 },
      submittedAt: T0 + MIN,
    };
    const run = (agingSeconds: number | null) =>
      simulateCluster({
        nodes,
        quotas: [
          {
            team: 'nlp',
            gpuKind: 'a100-80gb',
            guaranteed: 8,
            borrowingLimit: 0,
            weeklyGpuHours: null,
            usedGpuHoursThisWeek: 0,
          },
          {
            team: 'vision',
            gpuKind: 'a100-80gb',
            guaranteed: 8,
            borrowingLimit: 0,
            weeklyGpuHours: null,
            usedGpuHoursThisWeek: 0,
          },
        ],
        teams: [
          { name: 'nlp', cohort: 'x', weight: 1 },
          { name: 'vision', cohort: 'x', weight: 1 },
        ],
        jobs: [...stream, big],
        options: { agingSeconds, preemptLowerPriorityInTeam: false },
      }).jobs.get('big-low')!;
    const aged = run(2 * 3600);
    expect(aged.admittedAt).not.toBeNull();
    // Low -> normal -> high takes two aging steps; then it is head of the line and reserved.
    expect(aged.admittedAt! - big.submittedAt).toBeLessThanOrEqual(4 * 3600_000 + HOUR);
    // Without aging it only runs once the stream has dried up.
    expect(run(null).admittedAt!).toBeGreaterThan(stream[stream.length - 1].submittedAt);
  });

  it('reclaims with a grace period: the borrower is stopped at its deadline and requeued', () => {
    const nodes: GpuNode[] = [{ name: 'n1', pool: 'a100', gpus: { 'a100-80gb': { capacity: 8, free: 8 } } }];
    const base = {
      user: 'u',
      priority: 'normal' as const,
      singleNode: true,
      expectedRuntimeSeconds: 3 * 3600,
      maxRuntimeSeconds: 4 * 3600,
      actualRuntimeSeconds: 3 * 3600,
    };
    const result = simulateCluster({
      nodes,
      quotas: [
        {
          team: 'nlp',
          gpuKind: 'a100-80gb',
          guaranteed: 0,
          borrowingLimit: 8,
          weeklyGpuHours: null,
          usedGpuHoursThisWeek: 0,
        },
        {
          team: 'vision',
          gpuKind: 'a100-80gb',
          guaranteed: 8,
          borrowingLimit: 0,
          weeklyGpuHours: null,
          usedGpuHoursThisWeek: 0,
        },
      ],
      teams: [
        { name: 'nlp', cohort: 'x', weight: 1 },
        { name: 'vision', cohort: 'x', weight: 1 },
      ],
      jobs: [
        { ...base, id: 'borrower', team: 'nlp', gpu: { kind: 'a100-80gb', count: 8 }, submittedAt: T0 },
        { ...base, id: 'owner', team: 'vision', gpu: { kind: 'a100-80gb', count: 4 }, submittedAt: T0 + HOUR },
      ],
      options: { graceSeconds: 600 },
    });
    expect(result.jobs.get('owner')!.admittedAt).toBe(T0 + HOUR + 600_000);
    expect(result.jobs.get('borrower')).toMatchObject({ preemptions: 1, firstAdmittedAt: T0 });
    expect(result.unfinished).toEqual([]);
  });
});
