// What the supervision tests (tests/supervision.int.test.ts, tests/shutdown.int.test.ts) and
// `npm run bench recovery` do to a whole Gantry started by bench/stack.ts: find its children in the
// launcher's log, kill them, and wait for the stack to serve and admit again.
import fs from 'node:fs';
import path from 'node:path';
import { and, inArray } from 'drizzle-orm';
import { jobEvents } from '@/lib/db/schema';
import type { Stack } from '@/bench/stack';
import { trainingJob } from './training-job';

export type Child = 'web' | 'worker';

/** The pid of the child's latest start, from the launcher's `<child>: started|restarted (pid N)` lines. */
export function childPid(stack: Stack, child: Child): number | null {
  const starts = [...stack.log().matchAll(new RegExp(`\\] ${child}: (?:started|restarted) \\(pid (\\d+)\\)`, 'g'))];
  return starts.length ? Number(starts[starts.length - 1][1]) : null;
}

/** The embedded PostgreSQL's postmaster pid (first line of postmaster.pid). */
export function postmasterPid(stack: Stack): number {
  return Number(fs.readFileSync(path.join(stack.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls check until it returns a value; gives up (throws, naming what) after giveUpMs. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined> | T | null | undefined,
  giveUpMs = 120_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET url answers 200 (any failure to connect counts as not yet). */
export async function answers200(url: string, headers: Record<string, string> = {}): Promise<true | null> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status === 200 ? true : null;
  } catch {
    return null;
  }
}

/** A small job for the demo team vision (ada), long enough to stay running through a test. */
export function jobBody(name: string): string {
  return JSON.stringify(trainingJob(name, { simSeconds: 3600 }));
}

export async function submitJob(stack: Stack, token: string, name: string): Promise<number> {
  const res = await fetch(`${stack.url}/api/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: jobBody(name),
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`POST /api/jobs answered ${res.status}: ${JSON.stringify(body)}`);
  return Number(body.id);
}

/** Whether the scheduler has admitted every one of the jobs (their ADMITTED/BACKFILLED events are committed). */
export async function allAdmitted(stack: Stack, ids: number[]): Promise<true | null> {
  const rows = await stack.db.db
    .select({ jobId: jobEvents.jobId })
    .from(jobEvents)
    .where(and(inArray(jobEvents.jobId, ids), inArray(jobEvents.cause, ['ADMITTED', 'BACKFILLED'])));
  const admitted = new Set(rows.map((r) => r.jobId));
  return ids.every((id) => admitted.has(id)) ? true : null;
}
