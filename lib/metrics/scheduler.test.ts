import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.test-util';
import { metrics } from './registry';
import { recordJobFailure, recordSchedulerPass, recordTelemetryScrapes } from './scheduler';

const scrape = async () => parseExposition(await metrics().registry.metrics());

describe('scheduler, failure and telemetry metrics', () => {
  it('counts admissions and preemptions by team and kind, times the pass and each decision', async () => {
    recordSchedulerPass(
      {
        admissions: [
          { team: 'vision', gpuKind: 'a100-80gb', waitedMs: 2_000 },
          { team: 'vision', gpuKind: 'a100-80gb', waitedMs: 400_000 },
          { team: 'nlp', gpuKind: 't4', waitedMs: 0 },
        ],
        preemptions: [{ team: 'nlp', gpuKind: 'a100-80gb' }],
        gpus: [
          { gpuKind: 'a100-80gb', allocatable: 16, allocated: 12 },
          { gpuKind: 't4', allocatable: 4, allocated: 1 },
        ],
      },
      0.042,
    );
    let m = await scrape();
    expect(m.value('gantry_scheduler_admissions_total', { team: 'vision', gpu_kind: 'a100-80gb' })).toBe(2);
    expect(m.value('gantry_scheduler_admissions_total', { team: 'nlp', gpu_kind: 't4' })).toBe(1);
    expect(m.value('gantry_scheduler_preemptions_total', { team: 'nlp', gpu_kind: 'a100-80gb' })).toBe(1);
    expect(m.count('gantry_scheduler_pass_duration_seconds')).toBe(1);
    expect(m.count('gantry_scheduler_decision_latency_seconds')).toBe(3);
    expect(m.value('gantry_scheduler_decision_latency_seconds_bucket', { le: '5' })).toBe(2);
    expect(m.value('gantry_cluster_gpus', { gpu_kind: 'a100-80gb', state: 'allocatable' })).toBe(16);
    expect(m.value('gantry_cluster_gpus', { gpu_kind: 't4', state: 'allocated' })).toBe(1);

    // the next pass's snapshot replaces the last: a kind that left the cluster loses its series
    recordSchedulerPass(
      { admissions: [], preemptions: [], gpus: [{ gpuKind: 'a100-80gb', allocatable: 8, allocated: 8 }] },
      0.01,
    );
    m = await scrape();
    expect(m.value('gantry_cluster_gpus', { gpu_kind: 'a100-80gb', state: 'allocatable' })).toBe(8);
    expect(m.value('gantry_cluster_gpus', { gpu_kind: 't4' })).toBeUndefined();
  });

  it('counts failures by reason and telemetry scrapes by result', async () => {
    recordJobFailure('WORKFLOW_MISSING');
    recordJobFailure('WORKFLOW_MISSING');
    recordJobFailure('POLICY_REFUSED');
    recordTelemetryScrapes(3, 1);
    recordTelemetryScrapes(0, 0);
    const m = await scrape();
    expect(m.value('gantry_job_failures_total', { reason: 'WORKFLOW_MISSING' })).toBe(2);
    expect(m.value('gantry_job_failures_total', { reason: 'POLICY_REFUSED' })).toBe(1);
    expect(m.value('gantry_telemetry_scrapes_total', { result: 'ok' })).toBe(3);
    expect(m.value('gantry_telemetry_scrapes_total', { result: 'error' })).toBe(1);
  });
});
