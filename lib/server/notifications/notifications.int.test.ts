// Notifications end to end below the HTTP layer: real state changes (the scheduler's and the
// workflow sync's own verbs) fill the outbox through the job_events trigger, the dispatcher and the
// deliverer send to a local HTTP receiver and a local SMTP server (smtp-server), against PostgreSQL.
import { createHmac, randomUUID } from 'node:crypto';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/lib/db/client';
import {
  benchmarkDatasets,
  benchmarkResults,
  jobs,
  memberships,
  notificationOutbox,
  notificationPreferences,
  teams,
  users,
  workflowSnapshots,
} from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { NextRequest } from 'next/server';
import { POST as postWebhook } from '@/app/api/me/webhooks/route';
import { cancelJob } from '@/lib/server/jobs/cancel-job';
import { createToken } from '@/lib/server/tokens/create-token';
import type { JobView } from '@/lib/server/jobs/job-view';
import { submitJob } from '@/lib/server/jobs/submit-job';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { finishPreemptions } from '@/lib/server/scheduler/finish-preemptions';
import { applyWorkflowPhase } from '@/lib/server/scheduler/sync-job-phases';
import type { Ctx } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { as, systemActor, testDb, withRollback } from '@/tests/db';
import { makeResult } from '@/tests/benchmark-factories';
import { makeTeam, makeUser } from '@/tests/factories';
import { freePort } from '@/tests/global-setup';
import { startReceiver, type Receiver } from '@/tests/webhook-receiver';
import { checkThresholds } from './check-thresholds';
import { createWebhook } from './create-webhook';
import { deliverDue } from './deliver-due';
import { dispatchOutbox } from './dispatch-outbox';
import { listDeliveries } from './list-deliveries';
import { listNotifications } from './list-notifications';
import { markNotificationsRead } from './mark-notifications-read';
import { runNotificationsPass } from './run-notifications-pass';

// lib/env reads these at its first use, in this file's own module graph.
const smtpPort = await freePort();
const saved = { allow: process.env.GANTRY_WEBHOOK_ALLOW, smtp: process.env.SMTP_URL };
process.env.GANTRY_WEBHOOK_ALLOW = '127.0.0.1/32';
process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;

const mails: Array<{ to: string[]; raw: string }> = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    stream.on('end', () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
let receiver: Receiver;

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  process.env.GANTRY_WEBHOOK_ALLOW = saved.allow;
  process.env.SMTP_URL = saved.smtp;
});

const KIND = 'a100-80gb-shared';
const deps = { gpuKinds: async () => [KIND], gpuNodes: async () => [] };

async function setup(ctx: Ctx) {
  const team = await makeTeam(ctx);
  const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  const submit = async (name: string) =>
    (await submitJob(
      {
        ctx: as(ctx, owner),
        input: {
          name,
          kind: 'training',
          team: team.slug,
          gpu: { kind: KIND, count: 1 },
          expectedRuntimeSeconds: 600,
          maxRuntimeSeconds: 7200,
          spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
        },
      },
      deps,
    )) as JobView;
  return { team, owner, submit };
}

/** Fails a running job the way the workflow sync does, its step `train` OOMKilled. */
async function failJob(ctx: Ctx, id: number) {
  const workflowName = `gantry-${id}`;
  const startedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  await ctx.db
    .update(jobs)
    .set({ state: 'running', workflowName, startedAt: new Date(startedAt) })
    .where(eq(jobs.id, id));
  await ctx.db.insert(workflowSnapshots).values({
    jobId: id,
    workflowName,
    phase: 'Failed',
    nodes: {
      [`${workflowName}-1`]: {
        id: `${workflowName}-1`,
        name: `${workflowName}[0].train`,
        displayName: 'train',
        type: 'Pod',
        phase: 'Failed',
        message: 'OOMKilled (exit code 137)',
        finishedAt: new Date().toISOString(),
      },
    },
  });
  expect(
    await applyWorkflowPhase(
      ctx,
      { id, state: 'running' },
      { jobId: String(id), workflowName, phase: 'Failed', startedAt, finishedAt: null, message: 'child failed' },
    ),
  ).toBe(true);
}

const since = (n: number) => receiver.received.slice(n);

describe('notifications', () => {
  it('delivers a failed job signed, as JSON, Slack, e-mail and on the console', () =>
    withRollback(async (ctx) => {
      const { owner, submit } = await setup(ctx);
      const job = await submit('resnet-fails');
      const marker = randomUUID();
      const secret = 'a-webhook-secret-of-32-characters';
      const hook = await createWebhook({
        ctx: as(ctx, owner),
        input: { name: 'ci', url: `${receiver.url}/json/${marker}`, format: 'json', events: ['job.failed'], secret },
      });
      expect(hook).not.toHaveProperty('secret');
      expect(hook.signed).toBe(true);
      await createWebhook({
        ctx: as(ctx, owner),
        input: { name: 'slack', url: `${receiver.url}/slack/${marker}`, format: 'slack', events: ['job.failed'] },
      });
      const before = receiver.received.length;
      const mailsBefore = mails.length;

      await failJob(ctx, Number(job.id));
      // The outbox row was written with the state change, before anything was delivered.
      expect(
        await ctx.db
          .select({ id: notificationOutbox.id })
          .from(notificationOutbox)
          .where(and(isNull(notificationOutbox.dispatchedAt), isNotNull(notificationOutbox.jobEventId))),
      ).not.toHaveLength(0);
      await dispatchOutbox(ctx);
      expect((await deliverDue(ctx)).delivered).toBeGreaterThanOrEqual(3);
      await receiver.waitFor(before + 2);

      const json = since(before).find((r) => r.path === `/json/${marker}`)!;
      expect(json.headers['x-gantry-event']).toBe('job.failed');
      expect(json.headers['x-gantry-delivery']).toBe(json.body.id);
      expect(json.headers['x-gantry-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(json.raw).digest('hex')}`,
      );
      expect(json.body).toMatchObject({
        event: 'job.failed',
        job: {
          id: Number(job.id),
          name: 'resnet-fails',
          state: 'failed',
          owner: owner.email,
          url: expect.stringMatching(new RegExp(`/jobs/${job.id}$`)),
        },
        step: { name: 'train', message: 'OOMKilled (exit code 137)' },
      });
      expect(json.body.message).toContain('Failed step: train');

      const slack = since(before).find((r) => r.path === `/slack/${marker}`)!;
      expect(slack.headers['x-gantry-signature']).toBeUndefined();
      expect(slack.body.text).toEqual(expect.stringContaining('resnet-fails'));
      expect(Array.isArray(slack.body.blocks)).toBe(true);

      const mail = mails.slice(mailsBefore).find((m) => m.to.includes(owner.email))!;
      expect(mail.raw).toContain(`/jobs/${job.id}`);
      expect(mail.raw).toMatch(/Subject: \[Gantry\] Job failed: resnet-fails/);

      const list = await listNotifications({ ctx: as(ctx, owner) });
      expect(list.unread).toBe(1);
      expect(list.items[0]).toMatchObject({ event: 'job.failed', jobId: Number(job.id), read: false });
      expect(await markNotificationsRead({ ctx: as(ctx, owner), input: { id: list.items[0].id } })).toEqual({
        marked: 1,
      });
      expect((await listNotifications({ ctx: as(ctx, owner) })).unread).toBe(0);
    }));

  it('retries a receiver failing twice with the same X-Gantry-Delivery', () =>
    withRollback(async (ctx) => {
      const { owner, submit } = await setup(ctx);
      const job = await submit('flaky-receiver');
      const marker = randomUUID();
      const hook = await createWebhook({
        ctx: as(ctx, owner),
        input: { name: 'flaky', url: `${receiver.url}/flaky/${marker}`, format: 'json', events: ['job.failed'] },
      });
      await failJob(ctx, Number(job.id));
      await dispatchOutbox(ctx);
      receiver.failNext(500, 503);
      const t0 = Date.now();
      await deliverDue(ctx, { now: new Date(t0) });
      await deliverDue(ctx, { now: new Date(t0 + 6_000) }); // first retry after 5 s
      await deliverDue(ctx, { now: new Date(t0 + 20_000) }); // second after 10 s more
      const mine = receiver.received.filter((r) => r.path === `/flaky/${marker}`);
      expect(mine.map((r) => r.headers['x-gantry-delivery'])).toEqual(
        Array(3).fill(mine[0].headers['x-gantry-delivery']),
      );
      const [delivery] = await listDeliveries({ ctx: as(ctx, owner), input: { id: hook.id } });
      expect(delivery).toMatchObject({
        event: 'job.failed',
        status: 'delivered',
        attempts: 3,
        statusCode: 200,
        lastError: null,
      });
    }));

  it('groups a burst into one message a minute per webhook', () =>
    withRollback(async (ctx) => {
      const { owner, submit } = await setup(ctx);
      const marker = randomUUID();
      await createWebhook({
        ctx: as(ctx, owner),
        input: { name: 'burst', url: `${receiver.url}/burst/${marker}`, format: 'json', events: ['job.failed'] },
      });
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push(Number((await submit(`sweep-part-${i}`)).id));
      const t0 = Date.now();
      await failJob(ctx, ids[0]);
      await dispatchOutbox(ctx, new Date(t0));
      await deliverDue(ctx, { now: new Date(t0) });
      for (const id of ids.slice(1)) await failJob(ctx, id);
      await dispatchOutbox(ctx, new Date(t0 + 1_000));
      expect((await deliverDue(ctx, { now: new Date(t0 + 30_000) })).delivered).toBe(0);
      await deliverDue(ctx, { now: new Date(t0 + 61_000) });
      const mine = receiver.received.filter((r) => r.path === `/burst/${marker}`);
      expect(mine).toHaveLength(2);
      expect(mine[0].body.event).toBe('job.failed');
      expect(mine[1].headers['x-gantry-event']).toBe('digest');
      expect(mine[1].body).toMatchObject({ event: 'digest', count: 5 });
    }));

  it('tells of a cancel by someone else, not of their own', () =>
    withRollback(async (ctx) => {
      const { owner, submit } = await setup(ctx);
      const admin = await makeUser(ctx, { role: 'admin' });
      await ctx.db.insert(notificationPreferences).values({
        userId: owner.id,
        consoleEvents: ['job.cancelled'],
        emailEvents: [],
        longJobMinutes: 60,
        waitingMinutes: null,
      });
      const mineJob = await submit('cancel-mine');
      const theirs = await submit('cancel-admin');
      await cancelJob({ ctx: as(ctx, owner), input: { id: mineJob.id } });
      await cancelJob({ ctx: as(ctx, admin), input: { id: theirs.id } });
      await dispatchOutbox(ctx);
      const list = await listNotifications({ ctx: as(ctx, owner) });
      expect(list.items.map((n) => n.jobId)).toEqual([Number(theirs.id)]);
    }));

  it('names who needed the GPUs of a preempted job, and the top configuration of a finished sweep', () =>
    withRollback(async (ctx) => {
      const { team, owner, submit } = await setup(ctx);
      await ctx.db.insert(notificationPreferences).values({
        userId: owner.id,
        consoleEvents: ['job.preempted', 'sweep.finished'],
        emailEvents: [],
        longJobMinutes: 0,
        waitingMinutes: null,
      });
      const victim = await submit('preempted-one');
      const urgent = await submit('urgent-one');
      await ctx.db
        .update(jobs)
        .set({
          state: 'running',
          workflowName: `gantry-${victim.id}`,
          preemptDeadline: new Date(Date.now() - 1000),
          preemptedFor: Number(urgent.id),
          message: 'Preempted for a critical job.',
        })
        .where(eq(jobs.id, Number(victim.id)));
      expect(await finishPreemptions({ ctx }, { remove: async () => {} })).toContain(victim.id);

      const [dataset] = await ctx.db
        .insert(benchmarkDatasets)
        .values({ name: 'llm-sweep', source: 'sweep', teamId: team.id, createdBy: owner.id })
        .returning();
      await ctx.db.insert(benchmarkResults).values(
        [1, 2, 3, 4].map((n) => ({
          datasetId: dataset.id,
          configurationId: `test/config-${n}`,
          attempt: 1,
          result: makeResult(n),
        })),
      );
      const sweep = await submit('Sweep llm-sweep');
      await ctx.db
        .update(jobs)
        .set({ kind: 'benchmark', state: 'running', spec: { env: { GANTRY_DATASET_ID: dataset.id } } })
        .where(eq(jobs.id, Number(sweep.id)));
      const startedAt = new Date(Date.now() - 60_000).toISOString();
      await applyWorkflowPhase(
        ctx,
        { id: Number(sweep.id), state: 'running' },
        {
          jobId: sweep.id,
          workflowName: `gantry-${sweep.id}`,
          phase: 'Succeeded',
          startedAt,
          finishedAt: null,
          message: null,
        },
      );
      await dispatchOutbox(ctx); // the preemption and the job's success; records sweep.finished
      await dispatchOutbox(ctx); // sweep.finished
      const items = (await listNotifications({ ctx: as(ctx, owner) })).items;
      expect(items.find((n) => n.event === 'job.preempted')?.message).toContain(
        `job #${urgent.id} urgent-one of team ${team.slug} (${owner.email})`,
      );
      const finished = items.find((n) => n.event === 'sweep.finished')!;
      expect(finished.message).toMatch(/finished with 4 results\. Top configuration under the default weights: /);
      expect(finished.url).toMatch(new RegExp(`/benchmarks/${dataset.id}$`));
    }));

  it('records waiting and budget events once each', () =>
    withRollback(async (ctx) => {
      const { team, owner, submit } = await setup(ctx);
      const member = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      await ctx.db.insert(notificationPreferences).values({
        userId: owner.id,
        consoleEvents: ['job.waiting', 'quota.budget'],
        emailEvents: [],
        longJobMinutes: 60,
        waitingMinutes: 30,
      });
      const waiting = await submit('waits-long');
      await ctx.db
        .update(jobs)
        .set({ queuedAt: new Date(Date.now() - 45 * 60_000), message: 'Waiting for 1 free GPU of a100-80gb-shared.' })
        .where(eq(jobs.id, Number(waiting.id)));
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: KIND, guaranteed: 1, borrowingLimit: 0, weeklyGpuHours: 1 },
      });
      const running = await submit('uses-budget');
      await ctx.db
        .update(jobs)
        .set({ state: 'running', admittedAt: new Date(Date.now() - 90 * 60_000) })
        .where(eq(jobs.id, Number(running.id)));

      const first = await checkThresholds(ctx);
      expect(first.waiting).toBeGreaterThanOrEqual(1);
      expect(first.budget).toBeGreaterThanOrEqual(1);
      expect(await checkThresholds(ctx)).toEqual({ waiting: 0, budget: 0 });
      await dispatchOutbox(ctx);
      const ownerList = await listNotifications({ ctx: as(ctx, owner) });
      expect(ownerList.items.find((n) => n.event === 'job.waiting')).toMatchObject({ jobId: Number(waiting.id) });
      expect(ownerList.items.find((n) => n.event === 'quota.budget')?.message).toMatch(/reached 100 %/);
      // The other member has the defaults, which include budgets.
      expect((await listNotifications({ ctx: as(ctx, member) })).items.map((n) => n.event)).toEqual(['quota.budget']);
    }));

  it('refuses bad input naming the field', () =>
    withRollback(async (ctx) => {
      const { owner } = await setup(ctx);
      const mine = as(ctx, owner);
      const fields = async (input: unknown) => {
        try {
          await createWebhook({ ctx: mine, input });
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('INVALID');
          return (e as AppError).fields.map((f) => f.field);
        }
        throw new Error('accepted');
      };
      const ok = { name: 'dup', url: `${receiver.url}/x`, format: 'json', events: ['job.failed'] };
      await createWebhook({ ctx: mine, input: ok });
      expect(await fields(ok)).toEqual(['name']);
      expect(await fields({ ...ok, name: 'x', url: 'ftp://example.com/' })).toEqual(['url']);
      expect(await fields({ ...ok, name: 'x', url: 'http://169.254.169.254/latest/meta-data/' })).toEqual(['url']);
      expect(await fields({ ...ok, name: 'x', url: 'http://metadata.google.internal/' })).toEqual(['url']);
      expect(await fields({ ...ok, name: 'x', events: ['job.exploded'] })).toEqual(['events[0]']);
      expect(await fields({ ...ok, name: 'x', format: 'xml' })).toEqual(['format']);
    }));
});

describe('nothing lost', () => {
  it('delivers a committed state change after the worker restarts', async () => {
    // Committed for real (not rolled back): the change and its outbox row survive the "crash" of a
    // worker that never dispatched, and a fresh connection pool (the restarted worker) delivers it.
    const db = testDb().db;
    const ctx: Ctx = { db, actor: systemActor(), log: logger() };
    const { team, owner, submit } = await setup(ctx);
    const marker = randomUUID();
    const job = await submit('survives-restart');
    try {
      await createWebhook({
        ctx: as(ctx, owner),
        input: { name: 'restart', url: `${receiver.url}/restart/${marker}`, format: 'json', events: ['job.failed'] },
      });
      await failJob(ctx, Number(job.id));
      const restarted = createDb(process.env.DATABASE_URL!, { max: 2 });
      try {
        const worker: Ctx = { db: restarted.db, actor: systemActor(), log: logger() };
        // A sender that claimed the delivery and died: the lease runs out and the next pass sends it.
        await dispatchOutbox(worker);
        await restarted.sql`update notification_deliveries set attempts = 1, next_attempt_at = now() + interval '2 minutes' where target in (select id::text from webhooks where name = 'restart' and user_id = ${owner.id})`;
        expect(receiver.received.filter((r) => r.path === `/restart/${marker}`)).toHaveLength(0);
        await runNotificationsPass(worker, new Date(Date.now() + 3 * 60_000));
        await deliverDue(worker, { now: new Date(Date.now() + 3 * 60_000) });
      } finally {
        await restarted.close();
      }
      const got = receiver.received.filter((r) => r.path === `/restart/${marker}`);
      expect(got).toHaveLength(1);
      expect(got[0].body).toMatchObject({ event: 'job.failed', job: { id: Number(job.id) } });
    } finally {
      await db.delete(jobs).where(eq(jobs.teamId, team.id));
      await db.delete(memberships).where(eq(memberships.teamId, team.id));
      await db.delete(users).where(eq(users.id, owner.id));
      await db.delete(teams).where(eq(teams.id, team.id));
    }
  });
});

describe('over HTTP', () => {
  it('answers bad input with 400 problem JSON naming the field, and 201 with the id', async () => {
    const db = testDb().db;
    const ctx: Ctx = { db, actor: systemActor(), log: logger() };
    const user = await makeUser(ctx, { role: 'researcher' });
    try {
      const { token } = await createToken({ ctx: as(ctx, user), input: { name: 'http' } });
      const post = (body: unknown) =>
        postWebhook(
          new NextRequest('http://127.0.0.1:3000/api/me/webhooks', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
          { params: Promise.resolve({}) },
        );
      const ok = {
        name: 'http',
        url: `${receiver.url}/http`,
        format: 'slack',
        events: ['job.failed'],
        secret: 'sixteen-characters-at-least',
      };
      const created = await post(ok);
      expect(created.status).toBe(201);
      const body = (await created.json()) as Record<string, unknown>;
      expect(body.id).toEqual(expect.any(String));
      expect(JSON.stringify(body)).not.toContain(ok.secret);
      for (const [input, field] of [
        [{ ...ok }, 'name'],
        [{ ...ok, name: 'x', url: 'http://[fd00:ec2::254]/' }, 'url'],
        [{ ...ok, name: 'x', events: ['job.exploded'] }, 'events[0]'],
      ] as const) {
        const res = await post(input);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
          field,
        ]);
      }
    } finally {
      await db.delete(users).where(eq(users.id, user.id));
    }
  });
});
