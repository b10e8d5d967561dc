// The agent over loopback HTTP: a fake nvidia-smi prints real reference captures, /proc is two
// small files, and /status, /metrics and /healthz are fetched as a client would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeWithReference, referencePath } from '@/lib/testing/reference';
import { parsePrometheusText } from '@/lib/domain/telemetry/dcgm';
import { AGENT_QUERY_FIELDS } from '@/lib/domain/telemetry/nvidia-smi';
import { AgentConfig } from './config';
import { createCollector } from './collect';
import { createAgentServer, type AgentServer } from './server';
import type { AgentStatus } from './status';

const capture = (name: string) =>
  referencePath('gpu', 'nvidia-smi', 'query-gpu-csv', `linux-x86_64__${name}__query-gpu.csv`);

/** The capture as `--format=csv,noheader,nounits` would print it for the agent's query. */
function noHeader(file: string, index: number): string {
  const [header, row] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(', ').map((h) => h.replace(/ \[.*\]$/, ''));
  const cells = row.split(', ');
  return AGENT_QUERY_FIELDS.map((f) =>
    f === 'index' ? String(index) : f === 'uuid' ? `GPU-${index}` : cells[names.indexOf(f)].replace(/ (MiB|W|%)$/, ''),
  ).join(', ');
}

function setup(stdout: { file?: string; text?: string } | 'missing', memAvailableKiB = 40_000_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-'));
  const proc = path.join(dir, 'proc');
  fs.mkdirSync(proc);
  fs.writeFileSync(
    path.join(proc, 'stat'),
    'cpu  1000 0 1000 8000 0 0 0 0 0 0\ncpu0 1000 0 1000 8000 0 0 0 0 0 0\nintr 1\n',
  );
  fs.writeFileSync(
    path.join(proc, 'meminfo'),
    `MemTotal:       100000000 kB\nMemFree:         1000000 kB\nMemAvailable:   ${memAvailableKiB} kB\n`,
  );
  let smi = path.join(dir, 'nvidia-smi');
  if (stdout === 'missing') smi = path.join(dir, 'no-such-nvidia-smi');
  else {
    const out = stdout.file ?? path.join(dir, 'out.csv');
    if (stdout.text !== undefined) fs.writeFileSync(out, stdout.text);
    fs.writeFileSync(smi, `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/args'\ncat '${out}'\n`, { mode: 0o755 });
  }
  const config = AgentConfig.parse({
    host: '127.0.0.1',
    port: 0,
    nvidiaSmi: smi,
    procDir: proc,
    nodeName: 'gpu-node-1',
    intervalMs: 60_000,
  });
  return { dir, proc, config };
}

let running: AgentServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function startAgent(config: AgentConfig) {
  running = createAgentServer(config, createCollector(config));
  const url = await running.start({ loop: false });
  return { agent: running, url };
}

describeWithReference('gantry agent over HTTP', () => {
  it('serves /status and /metrics from a real H100-under-load capture', async () => {
    const { dir, proc, config } = setup({ file: capture('nvidia-h100-80gb-hbm3__590.48.01__load') });
    const { agent, url } = await startAgent(config);
    expect((await fetch(`${url}/status`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(503);

    await agent.collectNow();
    // 5 s later: 250 busy of 1000 jiffies = 25 % CPU.
    fs.writeFileSync(path.join(proc, 'stat'), 'cpu  1200 0 1050 8750 0 0 0 0 0 0\n');
    await agent.collectNow();

    expect(fs.readFileSync(path.join(dir, 'args'), 'utf8').trim().split('\n')).toEqual([
      `--query-gpu=${AGENT_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
    ]);
    const res = await fetch(`${url}/status`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const status = (await res.json()) as AgentStatus;
    expect(status).toMatchObject({
      node: 'gpu-node-1',
      available: false,
      cpu: { usagePercent: 25 },
      memory: { usagePercent: 60, totalBytes: 100000000 * 1024, availableBytes: 40000000 * 1024 },
      errors: [],
    });
    expect(status.gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-00000000-0000-0000-0000-000000000000',
        name: 'NVIDIA H100 80GB HBM3',
        kind: 'h100-80gb',
        utilizationPercent: 100,
        memoryUsedMiB: 19818,
        memoryTotalMiB: 81559,
        memoryFreeMiB: 61263,
        powerW: 631.95,
        temperatureC: 59,
        migEnabled: false,
        available: false,
        reasons: ['GPU utilization 100 % >= 80 %'],
      },
    ]);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    const m = new Map(parsePrometheusText(metrics).map((s) => [s.name, Number(s.value)]));
    expect(m.get('gantry_agent_gpu_utilization_ratio')).toBe(1);
    expect(m.get('gantry_agent_gpu_memory_used_bytes')).toBe(19818 * 2 ** 20);
    expect(m.get('gantry_agent_gpu_memory_total_bytes')).toBe(81559 * 2 ** 20);
    expect(m.get('gantry_agent_gpu_power_watts')).toBe(631.95);
    expect(m.get('gantry_agent_gpu_available')).toBe(0);
    expect(m.get('gantry_agent_cpu_usage_ratio')).toBe(0.25);
    expect(m.get('gantry_agent_memory_usage_ratio')).toBe(0.6);
    expect(m.get('gantry_agent_available')).toBe(0);
    expect(metrics).toContain('uuid="GPU-00000000-0000-0000-0000-000000000000"');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('two GPUs (H200 MIG under load, L40S idle), noheader output: MIG utilization N/A does not block', async () => {
    const text = [
      noHeader(capture('nvidia-h200-mig__590.48.01__load'), 0),
      noHeader(capture('nvidia-l40s__595.80__idle'), 1),
    ].join('\n');
    const { config } = setup({ text });
    const { agent } = await startAgent(config);
    const status = await agent.collectNow();
    expect(
      status.gpus.map((g) => [g.index, g.kind, g.utilizationPercent, g.memoryFreeMiB, g.migEnabled, g.available]),
    ).toEqual([
      [0, 'h200-141gb', null, 126199, true, true],
      // The L40S "idle" capture really reads 100 % utilization.
      [1, 'l40s', 100, 45460, null, false],
    ]);
    expect(status.available).toBe(true);
  });

  it('thresholds are configurable: a lower utilization cap, a stricter memory cap', async () => {
    const { config } = setup({ file: capture('nvidia-h200__590.48.01__idle') }, 10_000_000);
    const { agent } = await startAgent(config);
    expect((await agent.collectNow()).available).toBe(false); // memory 90 % >= 85 %
    const relaxed = AgentConfig.parse({
      ...config,
      thresholds: { maxMemoryPercent: 95, minFreeGpuMemoryMiB: 200_000 },
    });
    await running!.stop();
    const second = await startAgent(relaxed);
    const s = await second.agent.collectNow();
    expect(s.gpus[0].reasons).toEqual(['free GPU memory 143158 MiB <= 200000 MiB']);
    expect(s.reasons).toEqual(['no GPU meets the thresholds']);
  });

  it('without nvidia-smi: CPU and memory still served, the error named, not available', async () => {
    const { config } = setup('missing');
    const { agent, url } = await startAgent(config);
    await agent.collectNow();
    const status = (await (await fetch(`${url}/status`)).json()) as AgentStatus;
    expect(status.available).toBe(false);
    expect(status.gpus).toEqual([]);
    expect(status.reasons).toEqual(['no GPU reported']);
    expect(status.errors[0]).toMatch(/no-such-nvidia-smi/);
    expect(status.cpu.usagePercent).toBe(20); // since boot: 2000 busy of 10000
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gantry_agent_collect_errors_total\{source="nvidia-smi"\} 1/);
  });
});
