import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference, referencePath } from '@/lib/testing/reference';
import { attributeToJobs, isDcgmBlank, parseDcgmText, parsePrometheusText, toGpuSamples } from './dcgm';

// Sample lines of an exposition, counted without a parser: the independent expectation.
const sampleLines = (text: string) => text.split('\n').filter((l) => /^[A-Za-z_]/.test(l));

describeWithReference('dcgm-exporter reference outputs', () => {
  const dir = () => referencePath('gpu', 'dcgm-exporter');

  it('parses every Prometheus-text file in the dcgm-exporter folder, one sample per sample line', () => {
    const files = [
      ...fs
        .readdirSync(dir())
        .filter((f) => f.endsWith('.prom'))
        .map((f) => path.join(dir(), f)),
      ...fs
        .readdirSync(path.join(dir(), 'datadog-integrations-core'))
        .map((f) => path.join(dir(), 'datadog-integrations-core', f)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const samples = parseDcgmText(text);
      expect(samples.length, file).toBe(sampleLines(text).length);
      expect(
        samples.every((s) => s.metric.startsWith('DCGM_FI_')),
        file,
      ).toBe(true);
    }
  });

  it('reads the MIG sample: instance labels, GR_ENGINE_ACTIVE as utilization', () => {
    const samples = parseDcgmText(
      readReference('gpu', 'dcgm-exporter', 'sample-metrics-mig-a100.cloud-native-docs.prom'),
    );
    const mig = samples.filter((s) => s.migProfile !== null);
    expect(mig).toHaveLength(4);
    expect(new Set(mig.map((s) => `${s.migProfile}#${s.migInstance}`))).toEqual(new Set(['1g.5gb#13']));
    expect(samples.every((s) => s.hostname === 'ub20-a100-k8s' && s.device === 'nvidia0')).toBe(true);

    const gpus = toGpuSamples(samples);
    expect(gpus).toHaveLength(2);
    const whole = gpus.find((g) => g.migInstance === null)!;
    const instance = gpus.find((g) => g.migInstance === '13')!;
    expect(whole.key).toBe('ub20-a100-k8s/GPU-34319582-d595-d1c7-d1d2-179bcfa61660');
    expect(instance.key).toBe(`${whole.key}/mig-13`);
    expect(instance.migProfile).toBe('1g.5gb');
    expect(instance.utilizationSource).toBe('GR_ENGINE_ACTIVE');
    expect(instance.utilization).toBeCloseTo(99.5687, 4);
    // No DCGM_FI_DEV_GPU_UTIL in this output at all: the parent falls back to its own GR_ENGINE_ACTIVE.
    expect(whole.utilizationSource).toBe('GR_ENGINE_ACTIVE');
    expect(whole.utilization).toBeCloseTo(99.563, 3);
    expect(whole).toMatchObject({ fbUsedMiB: 4845, fbFreeMiB: 35690, powerW: 409.692, tempC: 61 });
    expect(instance.fbUsedMiB).toBeNull();
  });

  it('reads the Datadog T4 fixture despite HELP lines without text; unlabelled dummies are not devices', () => {
    const text = readReference('gpu', 'dcgm-exporter', 'datadog-integrations-core', 'dcgm-tests-fixtures-metrics.txt');
    const samples = parseDcgmText(text);
    const unlabelled = samples.filter((s) => s.gpu === null && s.uuid === null);
    expect(unlabelled.length).toBe(sampleLines(text).filter((l) => !l.includes('{')).length);
    const gpus = toGpuSamples(samples);
    const t4 = gpus.find((g) => g.uuid === 'GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e')!;
    expect(t4).toMatchObject({
      modelName: 'Tesla T4',
      hostname: '424773df46e0',
      utilization: 0,
      utilizationSource: 'GPU_UTIL',
      fbFreeMiB: 15109,
      fbUsedMiB: 0,
      powerW: 8.969,
      tempC: 25,
    });
    expect(new Set(gpus.map((g) => g.uuid))).toEqual(
      new Set(['GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e', 'GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5', 'GPU-abc']),
    );
  });

  it('attributes the label-remap sample to pod, namespace and job', () => {
    const text = readReference(
      'gpu',
      'dcgm-exporter',
      'datadog-integrations-core',
      'dcgm-tests-fixtures-label_remap.txt',
    );
    const [gpu] = toGpuSamples(parseDcgmText(text));
    expect(gpu.pods).toEqual([{ pod: 'bar', namespace: 'foo', container: 'baz' }]);
    const [tagged] = attributeToJobs([gpu], new Map([['foo/bar', 'job-42']]));
    expect(tagged.jobIds).toEqual(['job-42']);
  });

  it('reads the README excerpt: spaced labels, empty pod labels, the INT64 blank as null', () => {
    const text = readReference('gpu', 'dcgm-exporter', 'README-sample-output.txt')
      .split('\n')
      .filter((l) => l.startsWith('DCGM_') || l.startsWith('# HELP') || l.startsWith('# TYPE'))
      .join('\n');
    const samples = parseDcgmText(text);
    expect(samples).toHaveLength(6);
    const memTemp = samples.filter((s) => s.metric === 'DCGM_FI_DEV_MEMORY_TEMP');
    expect(memTemp.map((s) => s.value)).toEqual([null, null]);
    expect(samples.find((s) => s.metric === 'DCGM_FI_DEV_SM_CLOCK')!.value).toBe(139);
    expect(samples.every((s) => s.pod === null && s.uuid === 'GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52')).toBe(true);
  });

  it('parses every nvidia_gpu_exporter output; none of it is DCGM, so no GPU samples come out', () => {
    const folder = referencePath('gpu', 'nvidia-smi', 'nvidia_gpu_exporter-prometheus');
    const files = fs.readdirSync(folder);
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const text = fs.readFileSync(path.join(folder, f), 'utf8');
      expect(parsePrometheusText(text).length, f).toBe(sampleLines(text).length);
      expect(toGpuSamples(parseDcgmText(text)), f).toEqual([]);
    }
  });
});

describe('dcgm normalisation', () => {
  const line = (metric: string, labels: string, v: number | string) => `${metric}{${labels}} ${v}`;
  const gpu0 = 'gpu="0",UUID="GPU-a",Hostname="n1"';

  it('prefers GPU_UTIL on whole GPUs and GR_ENGINE_ACTIVE on MIG instances', () => {
    const text = [
      line('DCGM_FI_DEV_GPU_UTIL', gpu0, 37),
      line('DCGM_FI_PROF_GR_ENGINE_ACTIVE', gpu0, 0.5),
      line('DCGM_FI_PROF_GR_ENGINE_ACTIVE', `${gpu0},GPU_I_PROFILE="3g.40gb",GPU_I_ID="2"`, 0.25),
    ].join('\n');
    const [whole, mig] = toGpuSamples(parseDcgmText(text));
    expect(whole).toMatchObject({ utilization: 37, utilizationSource: 'GPU_UTIL' });
    expect(mig).toMatchObject({ utilization: 25, utilizationSource: 'GR_ENGINE_ACTIVE', migProfile: '3g.40gb' });
  });

  it('collects every pod on a time-sliced GPU into one device sample', () => {
    const text = [
      line('DCGM_FI_DEV_GPU_UTIL', `${gpu0},namespace="ns",pod="a",container="c"`, 60),
      line('DCGM_FI_DEV_GPU_UTIL', `${gpu0},namespace="ns",pod="b",container="c"`, 60),
    ].join('\n');
    const samples = toGpuSamples(parseDcgmText(text));
    expect(samples).toHaveLength(1);
    expect(samples[0].pods.map((p) => p.pod)).toEqual(['a', 'b']);
    const [tagged] = attributeToJobs(
      samples,
      new Map([
        ['ns/a', 'j1'],
        ['ns/b', 'j2'],
      ]),
    );
    expect(tagged.jobIds).toEqual(['j1', 'j2']);
  });

  it('knows the DCGM blank sentinels', () => {
    expect(isDcgmBlank(0x7ffffff0)).toBe(true);
    expect(isDcgmBlank(140737488355328)).toBe(true);
    // as parsed from the exporter's text: the literal is past a double's precision
    expect(isDcgmBlank(Number('9223372036854775794'))).toBe(true);
    expect(isDcgmBlank(319159391)).toBe(false);
  });
});
