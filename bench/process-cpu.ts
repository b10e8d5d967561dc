// CPU time of a process tree, read from /proc (Linux). On a shared 2-core machine, requests per
// second move with whatever else runs; CPU milliseconds per request, per process, move much less,
// so the submit benchmark reports both.
import fs from 'node:fs';

export type CpuSample = Map<string, number>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

function role(pid: number): string {
  const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  if (cmd.includes('next-server') || cmd.includes('next/dist/bin/next')) return 'web';
  if (cmd.includes('worker/main.ts')) return 'worker';
  if (cmd.startsWith('postgres') || cmd.includes('/bin/postgres')) return 'postgres';
  if (cmd.includes('scripts/gantry.ts')) return 'launcher + simulated cluster';
  return 'other';
}

function stat(pid: number): { ppid: number; ticks: number } {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU milliseconds so far of rootPid and all its descendants, by role; null where /proc is missing. */
export function sampleTree(rootPid: number): CpuSample | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const s = stat(pid);
      parents.set(pid, s.ppid);
      ticks.set(pid, s.ticks);
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parents.get(p), hops++) if (p === rootPid) return true;
    return false;
  };
  const byRole: CpuSample = new Map();
  for (const [pid, t] of ticks) {
    if (!inTree(pid)) continue;
    try {
      const r = role(pid);
      byRole.set(r, (byRole.get(r) ?? 0) + t * TICK_MS);
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
