// `npm run bench notifications`: (1) how long after a job's state change its webhook delivery
// reaches a local receiver, with the notifications loop running as the worker runs it (every
// second); (2) the scheduler's admission pass p50/p99 over 2,000 queued jobs, alone and while
// 10,000 events a minute go through the outbox (written by a second process, as the web server and
// worker would, and dispatched and delivered there by the same loop).
// Real PostgreSQL (embedded, a temp folder), real HTTP; the whole Gantry stack is not needed.
import { fork } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { createDb, type Db } from '@/lib/db/client';
import { jobs, quotas, teams, users } from '@/lib/db/schema';
import { parseAllowList } from '@/lib/domain/notifications/destination';
import { logger } from '@/lib/log';
import { SYSTEM_ACTOR, type Ctx } from '@/lib/server/context';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { runNotificationsPass } from '@/lib/server/notifications/run-notifications-pass';
import { admitJobs } from '@/lib/server/scheduler/admit-jobs';
import { applyWorkflowPhase } from '@/lib/server/scheduler/sync-job-phases';
import { startThrowawayPostgres } from '@/tests/global-setup';
import { startReceiver } from '@/tests/webhook-receiver';
import { summarize } from './stack';

const ALLOW = parseAllowList('127.0.0.1/32');
const KIND = 'a100-80gb-shared';
const LOAD_SECONDS = 90;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker's loop, as worker/loops.ts runs it: one pass, then a second's pause. */
function notificationsLoop(ctx: Ctx): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      await runNotificationsPass(ctx, new Date(), { allow: ALLOW });
      await sleep(1_000);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

async function makeUsers(
  db: Db,
  teamId: string,
  n: number,
  tag: string,
): Promise<Array<{ id: string; email: string }>> {
  const rows = await db
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${tag}-${i}@bench.local`,
        name: `${tag}-${i}`,
        role: 'researcher' as const,
      })),
    )
    .returning({ id: users.id, email: users.email });
  await db.execute(
    sql`insert into memberships (user_id, team_id) select unnest(${`{${rows.map((r) => r.id).join(',')}}`}::uuid[]), ${teamId}::uuid`,
  );
  return rows;
}

async function insertJobs(
  db: Db,
  teamId: string,
  owners: string[],
  n: number,
  state: 'queued' | 'running',
): Promise<number[]> {
  const rows = await db
    .insert(jobs)
    .values(
      Array.from({ length: n }, (_, i) => ({
        name: `bench-${state}-${i}`,
        kind: 'training' as const,
        teamId,
        userId: owners[i % owners.length],
        priority: 'normal' as const,
        gpuKind: KIND,
        gpuCount: 1,
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 7200,
        spec: { image: 'ghcr.io/acme/train:1.4', command: ['python'] },
        state,
        ...(state === 'running'
          ? {
              workflowName: `bench-wf-${i}`,
              startedAt: new Date(Date.now() - 7_200_000),
              admittedAt: new Date(Date.now() - 7_200_000),
            }
          : {}),
      })),
    )
    .returning({ id: jobs.id });
  return rows.map((r) => r.id);
}

async function latency(ctx: Ctx, teamId: string) {
  const receiver = await startReceiver();
  const owners = await makeUsers(ctx.db, teamId, 40, 'lat');
  // One webhook per owner: each delivery is the first of its target, so no digest window delays it.
  for (const o of owners) {
    await createWebhook({
      ctx: { ...ctx, actor: { ...SYSTEM_ACTOR, id: o.id, email: o.email, role: 'researcher' } },
      input: { name: 'bench', url: `${receiver.url}/${o.id}`, format: 'json', events: ['job.failed'] },
    });
  }
  const ids = await insertJobs(
    ctx.db,
    teamId,
    owners.map((o) => o.id),
    owners.length,
    'running',
  );
  const stop = notificationsLoop(ctx);
  const changedAt = new Map<number, number>();
  for (const id of ids) {
    await applyWorkflowPhase(
      ctx,
      { id, state: 'running' },
      {
        jobId: String(id),
        workflowName: `bench-wf-${id}`,
        phase: 'Failed',
        startedAt: null,
        finishedAt: null,
        message: 'bench',
      },
    );
    changedAt.set(id, Date.now());
    await sleep(150 + Math.random() * 200);
  }
  const got = await receiver.waitFor(ids.length);
  await stop();
  await receiver.close();
  return summarize(got.map((r) => r.at - changedAt.get((r.body.job as { id: number }).id)!));
}

async function schedulerP99(ctx: Ctx, passes: number, until?: () => boolean) {
  const nodes = [{ name: 'bench-node-0', pool: 'training', gpus: { [KIND]: { capacity: 16, free: 0 } } }];
  const times: number[] = [];
  for (let i = 0; i < passes && !until?.(); i++) {
    const t = performance.now();
    await admitJobs({ ctx, input: { nodes, now: Date.now() } });
    times.push(performance.now() - t);
    await sleep(250);
  }
  const s = [...times].sort((a, b) => a - b);
  return {
    passes: times.length,
    p50Ms: Math.round(s[Math.floor(s.length * 0.5)]),
    p99Ms: Math.round(s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)]),
  };
}

/** The child: writes 10,000 job events a minute (the outbox trigger forwards each) and runs the loop. */
async function loadChild(url: string, seconds: number) {
  const handle = createDb(url, { max: 4 });
  const ctx: Ctx = { db: handle.db, actor: SYSTEM_ACTOR, log: logger() };
  const ids = (
    await handle.sql<{ id: string }[]>`select id from jobs where state = 'running' and name like 'bench-load-%'`
  ).map((r) => Number(r.id));
  const stop = notificationsLoop(ctx);
  const started = Date.now();
  let written = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 60_000) * 10_000) - written;
    if (due > 0) {
      const batch = Array.from({ length: due }, (_, i) => ids[(written + i) % ids.length]);
      await handle.sql`insert into job_events (job_id, from_state, to_state, cause, message)
        select unnest(${`{${batch.join(',')}}`}::bigint[]), 'submitted', 'running', 'WORKFLOW_RUNNING', 'bench load'`;
      written += due;
    }
    await sleep(100);
  }
  await stop();
  const [left] = await handle.sql<
    { n: string }[]
  >`select count(*)::text as n from notification_outbox where dispatched_at is null`;
  const [sent] = await handle.sql<
    { n: string; events: string }[]
  >`select count(*)::text as n, coalesce(sum(event_count), 0)::text as events from notification_deliveries where status = 'delivered'`;
  await handle.close();
  process.send!({ written, backlog: Number(left.n), deliveries: Number(sent.n), deliveredEvents: Number(sent.events) });
}

export async function benchNotifications() {
  // Webhooks to the local receiver need loopback allowed (read by lib/env at its first use).
  process.env.GANTRY_WEBHOOK_ALLOW ??= '127.0.0.1/32';
  const pg = await startThrowawayPostgres('gantry-bench-notify-', 'gantry_bench');
  try {
    const handle = createDb(pg.url, { max: 4 });
    const ctx: Ctx = { db: handle.db, actor: SYSTEM_ACTOR, log: logger() };
    const [team] = await handle.db.insert(teams).values({ slug: 'bench', name: 'bench' }).returning();
    // Written directly: upsertQuota would also reconcile the team's namespace, and no cluster runs here.
    await handle.db.insert(quotas).values({ teamId: team.id, gpuKind: KIND, guaranteed: 16, borrowingLimit: 0 });

    console.log('Delivery latency, state change committed -> local receiver (40 jobs, one webhook each):');
    console.table([await latency(ctx, team.id)]);

    const queueOwners = await makeUsers(handle.db, team.id, 20, 'queue');
    await insertJobs(
      handle.db,
      team.id,
      queueOwners.map((o) => o.id),
      2_000,
      'queued',
    );
    const loadOwners = await makeUsers(handle.db, team.id, 100, 'load');
    const receiver = await startReceiver();
    for (const o of loadOwners) {
      await createWebhook({
        ctx: { ...ctx, actor: { ...SYSTEM_ACTOR, id: o.id, email: o.email, role: 'researcher' } },
        input: { name: 'load', url: `${receiver.url}/${o.id}`, format: 'json', events: ['job.started'] },
      });
    }
    const loadJobs = await insertJobs(
      handle.db,
      team.id,
      loadOwners.map((o) => o.id),
      1_000,
      'running',
    );
    await handle.db.execute(
      sql`update jobs set name = 'bench-load-' || id where id = any(${`{${loadJobs.join(',')}}`}::bigint[])`,
    );

    await schedulerP99(ctx, 10); // warm-up
    // Alone before and after the loaded run: the spread between the two is the machine's own noise.
    const alone = await schedulerP99(ctx, 120);
    const child = fork(import.meta.filename, ['load', pg.url, String(LOAD_SECONDS)], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let reported = false;
    const report = new Promise<Record<string, number>>((resolve) =>
      child.once('message', (m) => ((reported = true), resolve(m as Record<string, number>))),
    );
    await sleep(5_000); // the load reaches its rate and the loop its steady state
    const loaded = await schedulerP99(ctx, 10_000, () => reported);
    const load = await report;
    const after = await schedulerP99(ctx, 120);
    const change = (r: { p99Ms: number }) => Math.round(((r.p99Ms - alone.p99Ms) / alone.p99Ms) * 100);
    console.log(
      'Scheduler admission pass over 2,000 queued jobs, alone and under 10,000 events/minute through the outbox:',
    );
    console.table([
      { run: 'alone', ...alone },
      { run: 'with outbox load', ...loaded, p99ChangePct: change(loaded) },
      { run: 'alone again', ...after, p99ChangePct: change(after) },
    ]);
    console.log(`Outbox load (${LOAD_SECONDS} s):`);
    console.table([{ ...load, receivedMessages: receiver.received.length }]);
    await receiver.close();
    await handle.close();
  } finally {
    await pg.stop();
  }
}

if (process.argv[2] === 'load' && process.send) {
  await loadChild(process.argv[3], Number(process.argv[4]));
  process.exit(0);
}
