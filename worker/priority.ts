// Lowers the CPU priority of this whole process. On Linux a nice value belongs to a thread, not to
// a process: setpriority(pid) changes only the main thread, and V8's garbage-collection and
// compiler threads, started with the process, keep nice 0. Those threads did the worker's parallel
// scavenges at full priority while a scheduler pass parsed a 30,000-job queue, taking the cores
// from the web server's submissions. Threads started later (libuv's pool) inherit the main
// thread's value.
import fs from 'node:fs';
import os from 'node:os';

/** Sets `nice` on every thread of this process; answers how many threads it changed. */
export function lowerProcessPriority(nice: number): number {
  let tids: number[];
  try {
    tids = fs.readdirSync('/proc/self/task').map(Number);
  } catch {
    // No /proc (not Linux): the process-wide call is all there is.
    os.setPriority(0, nice);
    return 1;
  }
  let changed = 0;
  for (const tid of tids) {
    try {
      os.setPriority(tid, nice);
      changed++;
    } catch {
      // The thread ended while we looked.
    }
  }
  return changed;
}
