import { describe, expect, it } from 'vitest';
import { gpuTotals } from './gpu-totals';

const node = (name: string, gpus: Record<string, { capacity: number; free: number }>) => ({ name, pool: 'p', gpus });

describe('gpuTotals', () => {
  it('sums capacity and counts outside pods, running jobs and this pass admissions as allocated', () => {
    const totals = gpuTotals(
      {
        nodes: [
          node('a', { a100: { capacity: 8, free: 7 } }),
          node('b', { a100: { capacity: 8, free: 8 }, t4: { capacity: 4, free: 4 } }),
        ],
        running: [
          {
            id: '1',
            team: 't',
            user: 'u',
            priority: 'normal',
            gpu: { kind: 'a100', count: 4 },
            placements: [
              { node: 'a', count: 2 },
              { node: 'b', count: 2 },
            ],
            startedAt: 0,
            expectedEndAt: 1,
            borrowed: 0,
          },
        ],
      },
      [{ gpuKind: 't4', placements: [{ node: 'b', count: 3 }] }],
    );
    expect(totals).toEqual([
      { gpuKind: 'a100', allocatable: 16, allocated: 5 },
      { gpuKind: 't4', allocatable: 4, allocated: 3 },
    ]);
  });

  it('reports a kind a running job holds even when no node advertises it any more', () => {
    const totals = gpuTotals({
      nodes: [],
      running: [
        {
          id: '1',
          team: 't',
          user: 'u',
          priority: 'low',
          gpu: { kind: 'v100', count: 1 },
          placements: [{ node: 'gone', count: 1 }],
          startedAt: 0,
          expectedEndAt: 1,
          borrowed: 0,
        },
      ],
    });
    expect(totals).toEqual([{ gpuKind: 'v100', allocatable: 0, allocated: 1 }]);
  });
});
