import { describe, expect, it } from 'vitest';
import { detectIdleGpus, type DeviceAllocation, type UtilizationPoint } from './idle';

const MIN = 60_000;
const now = 1_000 * MIN;

/** Readings every 30 s over the last `minutes`, value from f(minutesAgo). */
function series(minutes: number, f: (minutesAgo: number) => number | null): UtilizationPoint[] {
  const out: UtilizationPoint[] = [];
  for (let t = now - minutes * MIN; t <= now; t += 30_000) out.push({ t, v: f((now - t) / MIN) });
  return out;
}

const alloc = (deviceKey: string, over: Partial<DeviceAllocation> = {}): DeviceAllocation => ({
  deviceKey,
  jobId: 'j1',
  pod: 'p1',
  namespace: 'ns',
  sharing: 'exclusive',
  since: now - 120 * MIN,
  ...over,
});

const run = (allocations: DeviceAllocation[], utilization: Record<string, UtilizationPoint[]>, settings = {}) =>
  detectIdleGpus({ allocations, utilization: new Map(Object.entries(utilization)), now, settings });

describe('detectIdleGpus', () => {
  it('flags an exclusive GPU below 5 % for 30 min and says since when', () => {
    const [f, ...rest] = run([alloc('n1/GPU-a')], { 'n1/GPU-a': series(90, (ago) => (ago > 45 ? 80 : 2)) });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      deviceKey: 'n1/GPU-a',
      jobIds: ['j1'],
      attribution: 'device',
      maxUtilization: 2,
      avgUtilization: 2,
    });
    expect(f.idleSince).toBe(now - 45 * MIN); // ago == 45 already reads 2
  });

  it('does not flag a GPU with one reading at or above the threshold in the window', () => {
    expect(run([alloc('g')], { g: series(60, (ago) => (ago === 10 ? 5 : 1)) })).toEqual([]);
  });

  it('does not flag on missing data: gaps, nulls, or readings that start late', () => {
    const gap = series(60, () => 0).filter((p) => p.t < now - 20 * MIN || p.t > now - 15 * MIN);
    expect(run([alloc('g')], { g: gap })).toEqual([]);
    expect(run([alloc('g')], { g: series(60, (ago) => (ago === 3 ? null : 0)) })).toEqual([]);
    expect(run([alloc('g')], { g: series(20, () => 0) })).toEqual([]);
    expect(run([alloc('g')], {})).toEqual([]);
  });

  it('does not flag a device allocated for less than the window', () => {
    expect(run([alloc('g', { since: now - 10 * MIN })], { g: series(60, () => 0) })).toEqual([]);
  });

  it('honours custom threshold and window', () => {
    const s = { g: series(20, () => 8) };
    expect(run([alloc('g')], s)).toEqual([]);
    expect(run([alloc('g')], s, { thresholdPercent: 10, windowMs: 15 * MIN })).toHaveLength(1);
  });

  it('MIG: each instance judged on its own GR_ENGINE_ACTIVE utilization', () => {
    const findings = run(
      [
        alloc('n1/GPU-a/mig-1', { sharing: 'mig', migProfile: '1g.10gb', jobId: 'idle-job', pod: 'a' }),
        alloc('n1/GPU-a/mig-2', { sharing: 'mig', migProfile: '3g.40gb', jobId: 'busy-job', pod: 'b' }),
      ],
      { 'n1/GPU-a/mig-1': series(40, () => 0.4), 'n1/GPU-a/mig-2': series(40, () => 97) },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      deviceKey: 'n1/GPU-a/mig-1',
      migProfile: '1g.10gb',
      jobIds: ['idle-job'],
      attribution: 'device',
    });
    expect(findings[0].note).toMatch(/GR_ENGINE_ACTIVE/);
  });

  it('time-sliced: an idle GPU is reported with every pod sharing it; a busy one hides idle tenants', () => {
    const shared = (key: string, jobId: string, pod: string) => alloc(key, { sharing: 'time-slicing', jobId, pod });
    const findings = run(
      [
        shared('n1/GPU-t', 'j1', 'a'),
        shared('n1/GPU-t', 'j2', 'b'),
        shared('n1/GPU-u', 'j3', 'c'),
        shared('n1/GPU-u', 'j4', 'd'),
      ],
      { 'n1/GPU-t': series(40, () => 1), 'n1/GPU-u': series(40, () => 60) },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      deviceKey: 'n1/GPU-t',
      attribution: 'shared',
      jobIds: ['j1', 'j2'],
      pods: [
        { pod: 'a', namespace: 'ns' },
        { pod: 'b', namespace: 'ns' },
      ],
    });
    expect(findings[0].note).toMatch(/cannot be split per pod/);
  });

  it('time-sliced: a tenant that arrived inside the window holds off the flag', () => {
    const findings = run(
      [
        alloc('g', { sharing: 'time-slicing' }),
        alloc('g', { sharing: 'time-slicing', pod: 'new', since: now - 5 * MIN }),
      ],
      { g: series(60, () => 0) },
    );
    expect(findings).toEqual([]);
  });
});

describe('deriveAllocations', () => {
  it('turns dcgm pod labels into allocations: MIG per instance, node sharing for whole GPUs', async () => {
    const { parseDcgmText, toGpuSamples } = await import('./dcgm');
    const { deriveAllocations } = await import('./idle');
    const text = [
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-t",Hostname="ts-node",namespace="ns",pod="a",container="c"} 1',
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-t",Hostname="ts-node",namespace="ns",pod="b",container="c"} 1',
      'DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="0",UUID="GPU-m",Hostname="mig-node",GPU_I_PROFILE="1g.10gb",GPU_I_ID="7",namespace="ns",pod="c",container="c"} 0',
      'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-x",Hostname="ts-node",namespace="ns",pod="unknown",container="c"} 0',
    ].join('\n');
    const allocations = deriveAllocations(toGpuSamples(parseDcgmText(text)), {
      sharingOf: (host) => (host === 'ts-node' ? 'time-slicing' : 'exclusive'),
      startedAt: (_ns, pod) => (pod === 'unknown' ? null : now - 60 * MIN),
      jobOf: (_ns, pod) => `job-${pod}`,
    });
    expect(allocations.map((a) => [a.deviceKey, a.pod, a.jobId, a.sharing, a.migProfile])).toEqual([
      ['ts-node/GPU-t', 'a', 'job-a', 'time-slicing', null],
      ['ts-node/GPU-t', 'b', 'job-b', 'time-slicing', null],
      ['mig-node/GPU-m/mig-7', 'c', 'job-c', 'mig', '1g.10gb'],
    ]);
  });
});
