// Pure parsers for /proc/stat and /proc/meminfo (proc(5)); the I/O lives in collect.ts.

export type CpuTimes = { total: number; idle: number };

/**
 * The aggregate `cpu` line of /proc/stat, in jiffies. guest/guest_nice are already counted in
 * user/nice (proc(5)), so only the first eight columns are summed; iowait counts as idle.
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) throw new Error(`/proc/stat cpu line unreadable: ${line}`);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** Busy share between two readings, 0-100; with no previous reading, the average since boot. */
export function computeCpuPercent(prev: CpuTimes | null, next: CpuTimes): number | null {
  const total = next.total - (prev?.total ?? 0);
  const idle = next.idle - (prev?.idle ?? 0);
  if (total <= 0) return null;
  return Math.min(100, Math.max(0, ((total - idle) / total) * 100));
}

export type MemInfo = { totalBytes: number; availableBytes: number; usedPercent: number };

/** MemTotal and MemAvailable (kernels before 3.14 lack it: MemFree + Buffers + Cached instead). */
export function parseMeminfo(text: string): MemInfo {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kib.set(m[1], Number(m[2]));
  }
  const total = kib.get('MemTotal');
  if (!total) throw new Error('/proc/meminfo has no MemTotal');
  const available =
    kib.get('MemAvailable') ?? (kib.get('MemFree') ?? 0) + (kib.get('Buffers') ?? 0) + (kib.get('Cached') ?? 0);
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    usedPercent: ((total - available) / total) * 100,
  };
}
