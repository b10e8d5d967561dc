// The sweep preview's computation, shared by the Web Worker that runs it in the browser and tests.
import { expandSweep, type ExclusionGroup, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';

interface SweepSummary {
  totalCombinations: number;
  valid: number;
  excluded: number;
  exclusionGroups: ExclusionGroup[];
  estimatedGpuHours: number;
}

export type SweepPlanState =
  { status: 'computing' } | { status: 'ready'; summary: SweepSummary } | { status: 'invalid'; message: string };

export function summarizeSweep(def: SweepDefinition): Exclude<SweepPlanState, { status: 'computing' }> {
  const empty = Object.entries(def).find(([, v]) => Array.isArray(v) && v.length === 0);
  if (empty) return { status: 'invalid', message: `Choose at least one value for every factor (${empty[0]} is empty)` };
  try {
    const plan = expandSweep(def);
    return {
      status: 'ready',
      summary: {
        totalCombinations: plan.totalCombinations,
        valid: plan.valid.length,
        excluded: plan.excluded.length,
        exclusionGroups: plan.exclusionGroups,
        estimatedGpuHours: plan.estimatedGpuHours,
      },
    };
  } catch (e) {
    return { status: 'invalid', message: e instanceof Error ? e.message : 'Invalid sweep' };
  }
}
