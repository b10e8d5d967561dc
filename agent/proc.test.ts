import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, parseAgentArgs } from './config';
import { computeCpuPercent, parseMeminfo, parseProcStat } from './proc';

describe('/proc parsers', () => {
  it('sums the first eight cpu columns; iowait is idle; guest is not double-counted', () => {
    const t = parseProcStat('cpu  10 20 30 400 50 6 7 8 900 900\ncpu0 1 1 1 1 1 1 1 1 1 1\n');
    expect(t).toEqual({ total: 10 + 20 + 30 + 400 + 50 + 6 + 7 + 8, idle: 450 });
    expect(computeCpuPercent({ total: 100, idle: 80 }, { total: 200, idle: 130 })).toBe(50);
    expect(computeCpuPercent(null, { total: 100, idle: 75 })).toBe(25);
    expect(computeCpuPercent({ total: 100, idle: 80 }, { total: 100, idle: 80 })).toBeNull();
    expect(() => parseProcStat('intr 1\n')).toThrow(/cpu/);
  });

  it('reads MemAvailable, falling back to MemFree + Buffers + Cached on old kernels', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 250 kB\n')).toEqual({
      totalBytes: 1024000,
      availableBytes: 256000,
      usedPercent: 75,
    });
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n').usedPercent).toBe(60);
  });
});

describe('agent flags', () => {
  it('defaults, and every threshold settable', () => {
    const d = parseAgentArgs([]);
    expect(d).toMatchObject({
      port: DEFAULT_PORT,
      intervalMs: 5000,
      nvidiaSmi: 'nvidia-smi',
      procDir: '/proc',
      once: false,
    });
    expect(d !== 'help' && d.thresholds).toEqual({
      minFreeGpuMemoryMiB: 2048,
      maxGpuUtilizationPercent: 80,
      maxCpuPercent: 90,
      maxMemoryPercent: 85,
    });
    const c = parseAgentArgs([
      '--port',
      '0',
      '--interval',
      '2.5',
      '--proc',
      '/host/proc',
      '--max-gpu-util',
      '50',
      '--min-free-gpu-mem',
      '4096',
      '--once',
    ]);
    expect(c).toMatchObject({
      port: 0,
      intervalMs: 2500,
      procDir: '/host/proc',
      once: true,
      thresholds: { maxGpuUtilizationPercent: 50, minFreeGpuMemoryMiB: 4096 },
    });
    expect(parseAgentArgs(['--help'])).toBe('help');
  });

  it('names the bad flag', () => {
    expect(() => parseAgentArgs(['--port', 'x'])).toThrow(ConfigError);
    expect(() => parseAgentArgs(['--max-cpu', '150'])).toThrow(/maxCpuPercent/);
    expect(() => parseAgentArgs(['--bogus'])).toThrow(/bogus/);
  });
});
