// Process facts from /proc (Linux), for the benchmarks: CPU time and memory of one process or of a
// whole process tree (a Gantry started by `npm start` is a launcher and its children). On a shared
// 2-core machine requests per second move with whatever else runs; CPU milliseconds per request,
// per process, move much less, so benches report both.
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux
const PAGE_BYTES = 4096;

export interface ProcStat {
  ppid: number;
  /** user + system CPU time so far */
  cpuMs: number;
  rssMb: number;
}

/** Throws when the process is gone (or there is no /proc). */
export function readStat(pid: number): ProcStat {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
    rssMb: (Number(f[21]) * PAGE_BYTES) / 2 ** 20,
  };
}

/** CPU milliseconds a process has used; null when it is gone or there is no /proc. */
export function processCpuMs(pid: number): number | null {
  try {
    return readStat(pid).cpuMs;
  } catch {
    return null;
  }
}

/** Every live process in rootPid's tree (rootPid included), with its stat. */
export function treeStats(rootPid: number): Map<number, ProcStat> {
  const all = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      all.set(pid, readStat(pid));
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = all.get(p)?.ppid, hops++)
      if (p === rootPid) return true;
    return false;
  };
  return new Map([...all].filter(([pid]) => inTree(pid)));
}

export type CpuSample = Map<string, number>;

function role(pid: number): string {
  const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  if (cmd.startsWith('gantry-web') || cmd.includes('next-server') || cmd.includes('next/dist/bin/next')) return 'web';
  if (cmd.includes('worker/main.ts')) return 'worker';
  if (cmd.startsWith('postgres') || cmd.includes('/bin/postgres')) return 'postgres';
  if (cmd.includes('scripts/gantry.ts')) return 'launcher + simulated cluster';
  return 'other';
}

/** CPU milliseconds so far of rootPid and all its descendants, by role; null where /proc is missing. */
export function sampleTree(rootPid: number): CpuSample | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const byRole: CpuSample = new Map();
  for (const [pid, s] of treeStats(rootPid)) {
    try {
      const r = role(pid);
      byRole.set(r, (byRole.get(r) ?? 0) + s.cpuMs);
    } catch {
      // ended
    }
  }
  return byRole;
}

/** CPU milliseconds per operation by role between two samples. */
export function perOperation(before: CpuSample, after: CpuSample, operations: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [r, ms] of after) out[r] = Number(((ms - (before.get(r) ?? 0)) / operations).toFixed(3));
  return out;
}
