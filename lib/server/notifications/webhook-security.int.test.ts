// Attacks on notifications from a researcher of one team (security review of the notifications
// feature): a receiver that never finishes answering, another team's job named in a preemption,
// two racing creations of one webhook name, and ids of other people's webhooks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, notificationPreferences, users } from '@/lib/db/schema';
import { parseAllowList } from '@/lib/domain/notifications/destination';
import { logger } from '@/lib/log';
import type { Ctx } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import type { JobView } from '@/lib/server/jobs/job-view';
import { submitJob } from '@/lib/server/jobs/submit-job';
import { finishPreemptions } from '@/lib/server/scheduler/finish-preemptions';
import { as, systemActor, testDb, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { startReceiver, type Receiver } from '@/tests/webhook-receiver';
import { createWebhook } from './create-webhook';
import { deleteWebhook } from './delete-webhook';
import { deliverDue } from './deliver-due';
import { dispatchOutbox } from './dispatch-outbox';
import { listDeliveries } from './list-deliveries';
import { listNotifications } from './list-notifications';
import { sendWebhook } from './send-webhook';
import { testWebhook } from './test-webhook';

const saved = process.env.GANTRY_WEBHOOK_ALLOW;
process.env.GANTRY_WEBHOOK_ALLOW = '127.0.0.1/32';
const LOOPBACK_ALLOWED = parseAllowList('127.0.0.1/32');

// A receiver that answers its status line, then one header byte or body byte a second, forever:
// never idle for the 10 s socket timeout, never done.
let trickle: http.Server;
let trickleUrl = '';
let receiver: Receiver;
beforeAll(async () => {
  trickle = http.createServer((req, res) => {
    req.resume();
    const slowHeaders = req.url?.startsWith('/headers');
    if (slowHeaders) res.socket!.write('HTTP/1.1 200 OK\r\nX-Slow: ');
    else res.writeHead(500, { 'content-type': 'text/plain' });
    const timer = setInterval(() => (slowHeaders ? res.socket!.write('a') : res.write('.')), 1_000);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
  trickleUrl = `http://127.0.0.1:${(trickle.address() as AddressInfo).port}`;
  receiver = await startReceiver();
});
afterAll(async () => {
  trickle.closeAllConnections();
  await new Promise((resolve) => trickle.close(resolve));
  await receiver.close();
  process.env.GANTRY_WEBHOOK_ALLOW = saved;
});

const KIND = 'a100-80gb-shared';
const deps = { gpuKinds: async () => [KIND], gpuNodes: async () => [] };
const spec = { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] };

async function submitAs(ctx: Ctx, owner: Awaited<ReturnType<typeof makeUser>>, team: string, name: string) {
  return (await submitJob(
    {
      ctx: as(ctx, owner),
      input: {
        name,
        kind: 'training',
        team,
        gpu: { kind: KIND, count: 1 },
        expectedRuntimeSeconds: 600,
        maxRuntimeSeconds: 7200,
        spec,
      },
    },
    deps,
  )) as JobView;
}

describe('a receiver that never finishes answering', () => {
  // Before: only the socket's idle timeout bounded a delivery, so a receiver trickling bytes held
  // the worker's whole delivery pass (Promise.all over the batch), and every user's notifications,
  // for as long as it liked.
  it('gives up after 10 s in all, trickling a body or its headers', async () => {
    const started = Date.now();
    const results = await Promise.all(
      ['/body', '/headers'].map((path) =>
        sendWebhook(
          {
            url: `${trickleUrl}${path}`,
            deliveryId: randomUUID(),
            eventHeader: 'job.failed',
            body: '{}',
            secret: null,
          },
          LOOPBACK_ALLOWED,
        ),
      ),
    );
    expect(Date.now() - started).toBeLessThan(12_000);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/within 10 s/);
    }
  }, 25_000);
});

describe('where a delivery connects', () => {
  it('checks the address a name resolves to at delivery, and follows no redirect', async () => {
    const before = receiver.received.length;
    const port = new URL(receiver.url).port;
    // A URL saved when its name resolved elsewhere (rebinding): the lookup is vetted on every delivery.
    const rebound = await sendWebhook(
      {
        url: `http://localhost:${port}/rebound`,
        deliveryId: randomUUID(),
        eventHeader: 'job.failed',
        body: '{}',
        secret: null,
      },
      null,
    );
    expect(rebound).toMatchObject({
      ok: false,
      statusCode: null,
      error: expect.stringMatching(/^Refused destination: .*loopback/),
    });
    // An allowed receiver redirecting to one that is not: a failed attempt, nothing sent on.
    const redirector = http.createServer((req, res) =>
      res.writeHead(307, { location: `${receiver.url}/redirected` }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const redirected = await sendWebhook(
        {
          url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`,
          deliveryId: randomUUID(),
          eventHeader: 'job.failed',
          body: '{}',
          secret: null,
        },
        parseAllowList(`127.0.0.1/32`),
      );
      expect(redirected).toMatchObject({
        ok: false,
        statusCode: 307,
        error: expect.stringContaining('redirects are not followed'),
      });
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
    expect(receiver.received.length).toBe(before);
  });
});

describe('another team in a preemption', () => {
  it('tells the victim which job of its own team took the GPUs, but not the name or owner of another team\u2019s job', () =>
    withRollback(async (ctx) => {
      const mine = await makeTeam(ctx);
      const theirs = await makeTeam(ctx);
      const victimOwner = await makeUser(ctx, { role: 'researcher', teamId: mine.id });
      const otherOwner = await makeUser(ctx, { role: 'researcher', teamId: theirs.id });
      await ctx.db.insert(notificationPreferences).values({
        userId: victimOwner.id,
        consoleEvents: ['job.preempted'],
        emailEvents: [],
        longJobMinutes: 60,
        waitingMinutes: null,
      });
      const marker = randomUUID();
      await createWebhook({
        ctx: as(ctx, victimOwner),
        input: { name: 'spy', url: `${receiver.url}/spy/${marker}`, format: 'json', events: ['job.preempted'] },
      });

      const victim = await submitAs(ctx, victimOwner, mine.slug, 'borrowing-job');
      const secretProject = await submitAs(ctx, otherOwner, theirs.slug, 'secret-acquisition-model');
      await ctx.db
        .update(jobs)
        .set({
          state: 'running',
          workflowName: `gantry-${victim.id}`,
          preemptDeadline: new Date(Date.now() - 1000),
          preemptedFor: Number(secretProject.id),
          message: 'Preempted for a job.',
        })
        .where(eq(jobs.id, Number(victim.id)));
      expect(await finishPreemptions({ ctx }, { remove: async () => {} })).toContain(victim.id);
      await dispatchOutbox(ctx);
      const before = receiver.received.length;
      await deliverDue(ctx, { allow: LOOPBACK_ALLOWED });
      await receiver.waitFor(before + 1);

      const note = (await listNotifications({ ctx: as(ctx, victimOwner) })).items.find(
        (n) => n.event === 'job.preempted',
      )!;
      const hook = receiver.received.find((r) => r.path === `/spy/${marker}`)!;
      for (const text of [note.message, hook.raw]) {
        expect(text).not.toContain('secret-acquisition-model');
        expect(text).not.toContain(otherOwner.email);
      }
      // What the scheduler's own reason sentence already says of another team: its job id and slug.
      expect(note.message).toContain(`job #${secretProject.id} of team ${theirs.slug}`);
      expect(hook.body.preemptedFor).toEqual({
        id: Number(secretProject.id),
        name: null,
        team: theirs.slug,
        owner: null,
      });
    }));
});

describe('webhook names and ids', () => {
  it('answers racing creations of one name with one webhook and a 400 naming the field, not a 500', async () => {
    const db = testDb().db;
    const ctx: Ctx = { db, actor: systemActor(), log: logger() };
    const user = await makeUser(ctx, { role: 'researcher' });
    try {
      const input = { name: 'racing', url: `${receiver.url}/race`, format: 'json', events: ['job.failed'] };
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => createWebhook({ ctx: as(ctx, user), input })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x) => x.status === 'rejected')) {
        const e = r.reason;
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('INVALID');
        expect((e as AppError).fields.map((f) => f.field)).toEqual(['name']);
      }
    } finally {
      await db.delete(users).where(eq(users.id, user.id));
    }
  });

  it("answers 404 for another user's webhook, under /me and under a team for admins alike", () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx);
      const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const teammate = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const admin = await makeUser(ctx, { role: 'admin' });
      const hook = await createWebhook({
        ctx: as(ctx, owner),
        input: {
          name: 'mine',
          url: `${receiver.url}/mine`,
          format: 'json',
          events: ['job.failed'],
          secret: 'sixteen-characters-at-least',
        },
      });
      const teamHook = await createWebhook({
        ctx: as(ctx, admin),
        input: { name: 'team', url: `${receiver.url}/team`, format: 'json', events: ['job.failed'] },
        scope: { team: team.slug },
      });
      const code = async (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: unknown) => (e instanceof AppError ? e.code : String(e)),
        );
      for (const who of [teammate, admin]) {
        expect(await code(listDeliveries({ ctx: as(ctx, who), input: { id: hook.id } }))).toBe('NOT_FOUND');
        expect(await code(testWebhook({ ctx: as(ctx, who), input: { id: hook.id } }))).toBe('NOT_FOUND');
        expect(await code(deleteWebhook({ ctx: as(ctx, who), input: { id: hook.id } }))).toBe('NOT_FOUND');
      }
      // a personal webhook is not the team's, and a team's is no one's personal one
      expect(
        await code(deleteWebhook({ ctx: as(ctx, admin), input: { id: hook.id }, scope: { team: team.slug } })),
      ).toBe('NOT_FOUND');
      expect(await code(listDeliveries({ ctx: as(ctx, owner), input: { id: teamHook.id } }))).toBe('NOT_FOUND');
      // only admins touch team webhooks, whatever the slug
      expect(
        await code(
          createWebhook({
            ctx: as(ctx, owner),
            input: { name: 't', url: `${receiver.url}/t`, format: 'json', events: ['job.failed'] },
            scope: { team: team.slug },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        await code(listDeliveries({ ctx: as(ctx, owner), input: { id: teamHook.id }, scope: { team: team.slug } })),
      ).toBe('FORBIDDEN');
      expect(await code(deleteWebhook({ ctx: as(ctx, owner), input: { id: 'not-a-uuid' } }))).toBe('NOT_FOUND');
    }));
});
