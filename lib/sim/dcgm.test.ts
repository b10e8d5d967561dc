import { describe, expect, it } from 'vitest';
import { parseDcgmText, toGpuSamples } from '@/lib/domain/telemetry/dcgm';
import type { PodRun } from './pod-runs';
import { renderDcgmMetrics, type DcgmSource } from './dcgm';
import type { Placement } from './placement';
import { buildSimNodes } from './pools';

const nodes = buildSimNodes(7);
const node = (prefix: string) => nodes.find((n) => n.name.startsWith(prefix))!;

/** A source whose placement puts the given pods on the given (node, slot index) pairs. */
function source(
  held: Array<{ node: string; slot: number; pod: string; idle?: boolean; phase?: PodRun['phase'] }>,
): DcgmSource {
  const runs = new Map(
    held.map((h) => [
      `gantry-jobs/${h.pod}`,
      {
        key: `gantry-jobs/${h.pod}`,
        ns: 'gantry-jobs',
        name: h.pod,
        phase: h.phase ?? 'Running',
        plan: { gpuIdle: !!h.idle },
      } as PodRun,
    ]),
  );
  const placement = {
    holders: (n: string) =>
      nodes
        .find((x) => x.name === n)!
        .slots.map((_, i) => held.find((h) => h.node === n && h.slot === i)?.pod)
        .map((p) => (p ? `gantry-jobs/${p}` : undefined)),
  } as unknown as Placement;
  return { nodes, placement, podRun: (k) => runs.get(k), seed: 7, bootMs: 0, now: () => 3_600_000 };
}

describe('simulated dcgm-exporter', () => {
  const a100 = node('a100-node-');
  const t4 = node('t4-node-');
  const mig = node('a100-mig-node-');
  // GPU 0 of the A100 node is time-sliced 4 ways: slots 0-3. Two pods share it, one busy, one idle.
  const text = renderDcgmMetrics(
    source([
      { node: a100.name, slot: 0, pod: 'train-a' },
      { node: a100.name, slot: 1, pod: 'notebook-b', idle: true },
      { node: t4.name, slot: 0, pod: 'embed-c' },
      { node: mig.name, slot: 0, pod: 'serve-d' },
    ]),
  );
  const gpus = toGpuSamples(parseDcgmText(text));
  const gpu = (n: string, index: string, mig = false) =>
    gpus.find((g) => g.hostname === n && g.gpu === index && (g.migInstance !== null) === mig)!;

  it('writes a shared time-sliced GPU once per replica in use, with that replica`s pod, as KUBERNETES_VIRTUAL_GPUS does', () => {
    const uuid = a100.devices[0].uuid;
    const lines = text.split('\n').filter((l) => l.startsWith('DCGM_FI_DEV_GPU_UTIL{') && l.includes(uuid));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('vgpu="0"');
    expect(lines[0]).toContain('pod="train-a"');
    expect(lines[1]).toContain('vgpu="1"');
    expect(lines[1]).toContain('pod="notebook-b"');
    // the values are the physical GPU's, the same in every copy
    expect(new Set(lines.map((l) => l.split(' ').pop())).size).toBe(1);

    const shared = gpu(a100.name, '0');
    expect(shared.pods.map((p) => p.pod)).toEqual(['train-a', 'notebook-b']);
    expect(shared.utilization).toBeGreaterThanOrEqual(82); // busy while any tenant computes
    // an unused GPU of the same node: one series set, no pod, no vgpu
    const free = gpu(a100.name, '1');
    expect(free.pods).toEqual([]);
    expect(
      text.split('\n').filter((l) => l.startsWith('DCGM_FI_DEV_GPU_UTIL{') && l.includes(a100.devices[1].uuid)),
    ).toHaveLength(1);
  });

  it('keeps exclusive GPUs and MIG instances to one series set with one pod', () => {
    expect(gpu(t4.name, '0').pods.map((p) => p.pod)).toEqual(['embed-c']);
    expect(text).not.toMatch(new RegExp(`UUID="${t4.devices[0].uuid}"[^}]*vgpu=`));
    const instance = gpu(mig.name, '0', true);
    expect(instance.pods.map((p) => p.pod)).toEqual(['serve-d']);
    expect(instance.utilizationSource).toBe('GR_ENGINE_ACTIVE');
    expect(text).not.toMatch(new RegExp(`UUID="${mig.devices[0].uuid}"[^}]*vgpu=`));
  });

  it('shows an idle tenant alone on a time-sliced GPU as idle, with its memory', () => {
    const alone = toGpuSamples(
      parseDcgmText(renderDcgmMetrics(source([{ node: a100.name, slot: 2, pod: 'notebook-b', idle: true }]))),
    );
    const g = alone.find((x) => x.hostname === a100.name && x.gpu === '0')!;
    expect(g.pods.map((p) => p.pod)).toEqual(['notebook-b']);
    expect(g.utilization).toBeLessThan(3);
    expect(g.fbUsedMiB).toBeGreaterThan((0.3 * 81920) / 4);
  });
});
