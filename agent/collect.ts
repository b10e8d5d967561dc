// The agent's only I/O on the node: run nvidia-smi, read <proc>/stat and <proc>/meminfo.
// Parsing is in lib/domain/telemetry/nvidia-smi.ts and ./proc.ts. A failing source becomes an
// error string in the snapshot, never a crash: CPU/memory are still worth serving without GPUs.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AGENT_QUERY_FIELDS, buildQueryGpuArgs, parseQueryGpuCsv } from '@/lib/domain/telemetry/nvidia-smi';
import type { AgentConfig } from './config';
import { computeCpuPercent, parseMeminfo, parseProcStat, type CpuTimes } from './proc';
import type { Snapshot } from './status';

function runNvidiaSmi(binary: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      buildQueryGpuArgs(AGENT_QUERY_FIELDS),
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${binary}: ${err.message}${stderr ? ` (${String(stderr).trim()})` : ''}`));
        else resolve(String(stdout));
      },
    );
  });
}

export type Collector = { collect(): Promise<Snapshot> };

export function createCollector(
  config: Pick<AgentConfig, 'nvidiaSmi' | 'nvidiaSmiTimeoutMs' | 'procDir'>,
  now: () => number = Date.now,
): Collector {
  let prevCpu: CpuTimes | null = null;
  return {
    async collect() {
      const [smi, stat, meminfo] = await Promise.allSettled([
        runNvidiaSmi(config.nvidiaSmi, config.nvidiaSmiTimeoutMs).then((out) =>
          parseQueryGpuCsv(out, AGENT_QUERY_FIELDS),
        ),
        fs.readFile(path.join(config.procDir, 'stat'), 'utf8').then(parseProcStat),
        fs.readFile(path.join(config.procDir, 'meminfo'), 'utf8').then(parseMeminfo),
      ]);
      let cpuPercent: number | null = null;
      if (stat.status === 'fulfilled') {
        cpuPercent = computeCpuPercent(prevCpu, stat.value);
        prevCpu = stat.value;
      }
      const procErrors = [stat, meminfo]
        .filter((r) => r.status === 'rejected')
        .map((r) => String(r.reason?.message ?? r));
      return {
        collectedAt: now(),
        gpus: smi.status === 'fulfilled' ? smi.value : [],
        gpuError: smi.status === 'rejected' ? String(smi.reason?.message ?? smi.reason) : null,
        cpuPercent,
        memory: meminfo.status === 'fulfilled' ? meminfo.value : null,
        procError: procErrors.length ? procErrors.join('; ') : null,
      };
    },
  };
}
