'use client';
import { useEffect, useState } from 'react';
import { expandSweep, type ExclusionGroup, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';

export interface SweepSummary {
  totalCombinations: number;
  valid: number;
  excluded: number;
  exclusionGroups: ExclusionGroup[];
  estimatedGpuHours: number;
}

export type SweepPlanState = { status: 'computing' } | { status: 'ready'; summary: SweepSummary } | { status: 'invalid'; message: string };

/** Expanding the default sweep takes ~0.5 s, so the preview is recomputed 300 ms after the last change. */
export function useSweepPlan(definition: SweepDefinition, delayMs = 300): SweepPlanState {
  const key = JSON.stringify(definition);
  // The state remembers which definition it was computed for: any other one is still computing.
  const [computed, setComputed] = useState<{ key: string; state: SweepPlanState } | null>(null);
  useEffect(() => {
    const setState = (state: SweepPlanState) => setComputed({ key, state });
    const timer = setTimeout(() => {
      const def = JSON.parse(key) as SweepDefinition;
      const empty = Object.entries(def).find(([, v]) => Array.isArray(v) && v.length === 0);
      if (empty) return setState({ status: 'invalid', message: `Choose at least one value for every factor (${empty[0]} is empty)` });
      try {
        const plan = expandSweep(def);
        setState({
          status: 'ready',
          summary: {
            totalCombinations: plan.totalCombinations,
            valid: plan.valid.length,
            excluded: plan.excluded.length,
            exclusionGroups: plan.exclusionGroups,
            estimatedGpuHours: plan.estimatedGpuHours,
          },
        });
      } catch (e) {
        setState({ status: 'invalid', message: e instanceof Error ? e.message : 'Invalid sweep' });
      }
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);
  return computed?.key === key ? computed.state : { status: 'computing' };
}
