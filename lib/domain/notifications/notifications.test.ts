import { describe, expect, it } from 'vitest';
import { checkAddress, checkWebhookUrl, parseAllowList } from './destination';
import { eventOfTimeline, failedStepOf } from './events';
import { emailMessage, jsonBody, slackBody, slackEscape, type NotificationEvent } from './payload';
import { budgetThreshold, DEFAULT_PREFERENCES, userWants, webhookWants } from './recipients';
import { topConfiguration } from './sweep';
import { makeResult } from '@/tests/benchmark-factories';
import { DIGEST_MAX_EVENTS, nextRetryAt, planDelivery, RETRY_HORIZON_MS } from './schedule';

const job = {
  id: 42,
  name: 'resnet <50>',
  state: 'failed',
  team: 'vision',
  owner: 'ada@gantry.local',
  url: 'https://g.example/jobs/42',
};
const failed: NotificationEvent = {
  eventId: 7,
  event: 'job.failed',
  at: '2026-12-07T00:00:00.000Z',
  message: 'Step train failed: OOMKilled',
  url: job.url,
  job,
};

describe('eventOfTimeline', () => {
  const owner = 'u1';
  it('maps state changes to events', () => {
    expect(
      eventOfTimeline({ cause: 'WORKFLOW_RUNNING', fromState: 'submitted', toState: 'running', actorId: null }, owner),
    ).toBe('job.started');
    expect(
      eventOfTimeline(
        { cause: 'WORKFLOW_SUCCEEDED', fromState: 'running', toState: 'succeeded', actorId: null },
        owner,
      ),
    ).toBe('job.succeeded');
    expect(
      eventOfTimeline({ cause: 'WORKFLOW_MISSING', fromState: 'running', toState: 'failed', actorId: null }, owner),
    ).toBe('job.failed');
    expect(
      eventOfTimeline({ cause: 'PREEMPTED', fromState: 'running', toState: 'preempted', actorId: null }, owner),
    ).toBe('job.preempted');
    expect(eventOfTimeline({ cause: 'GPU_IDLE', fromState: null, toState: null, actorId: null }, owner)).toBe(
      'gpu.idle',
    );
    expect(
      eventOfTimeline({ cause: 'REQUEUED', fromState: 'preempted', toState: 'queued', actorId: null }, owner),
    ).toBeNull();
  });
  it('tells of a cancel only when someone else did it', () => {
    expect(
      eventOfTimeline(
        { cause: 'CANCELLED_BY_OWNER', fromState: 'queued', toState: 'cancelled', actorId: owner },
        owner,
      ),
    ).toBeNull();
    expect(
      eventOfTimeline(
        { cause: 'CANCELLED_BY_ADMIN', fromState: 'queued', toState: 'cancelled', actorId: 'admin' },
        owner,
      ),
    ).toBe('job.cancelled');
  });
});

describe('recipients', () => {
  it('sends successes to the user only for long jobs, to webhooks always', () => {
    expect(
      userWants(DEFAULT_PREFERENCES.consoleEvents, DEFAULT_PREFERENCES, {
        event: 'job.succeeded',
        runtimeSeconds: 600,
      }),
    ).toBe(false);
    expect(
      userWants(DEFAULT_PREFERENCES.consoleEvents, DEFAULT_PREFERENCES, {
        event: 'job.succeeded',
        runtimeSeconds: 3600,
      }),
    ).toBe(true);
    expect(
      userWants(
        DEFAULT_PREFERENCES.consoleEvents,
        { longJobMinutes: 0 },
        { event: 'job.succeeded', runtimeSeconds: 1 },
      ),
    ).toBe(true);
    expect(webhookWants(['job.succeeded'], { event: 'job.succeeded', runtimeSeconds: 1 })).toBe(true);
  });
  it('defaults to failures, preemptions, idle GPUs and budgets, not starts', () => {
    for (const e of ['job.failed', 'job.preempted', 'gpu.idle', 'quota.budget'] as const)
      expect(userWants(DEFAULT_PREFERENCES.emailEvents, DEFAULT_PREFERENCES, { event: e })).toBe(true);
    expect(userWants(DEFAULT_PREFERENCES.consoleEvents, DEFAULT_PREFERENCES, { event: 'job.started' })).toBe(false);
  });
});

describe('payload', () => {
  it('is the event with the delivery id', () => {
    expect(jsonBody('d1', [failed])).toMatchObject({
      id: 'd1',
      event: 'job.failed',
      at: failed.at,
      message: failed.message,
      job,
      eventId: 7,
    });
  });
  it('groups a burst into one digest', () => {
    const body = jsonBody('d2', [failed, { ...failed, eventId: 8 }, { ...failed, eventId: 9, event: 'job.preempted' }]);
    expect(body).toMatchObject({
      id: 'd2',
      event: 'digest',
      count: 3,
      message: '3 notifications: 2 Job failed, 1 Job preempted',
    });
  });
  it('gives Slack text and escaped mrkdwn blocks', () => {
    const body = slackBody([failed]);
    expect(body.text).toContain(job.url);
    expect(JSON.stringify(body.blocks)).toContain('resnet &lt;50&gt;');
    expect(slackEscape('a & <b>')).toBe('a &amp; &lt;b&gt;');
    // the text (notification and fallback) is mrkdwn as well: a teammate's job name pings no one
    const ping = slackBody([
      { ...failed, job: { ...job, name: '<!channel> <https://evil.example|Sign in>' }, message: 'step <!here> failed' },
    ]);
    expect(ping.text).not.toMatch(/<!|<https:\/\/evil/);
    expect(ping.text).toContain('&lt;!channel&gt; &lt;https://evil.example|Sign in&gt;');
    expect(ping.text).toContain('step &lt;!here&gt; failed');
    const digest = slackBody(Array.from({ length: 30 }, (_, i) => ({ ...failed, eventId: i })));
    expect(digest.text).toBe('30 notifications: 30 Job failed');
    expect(digest.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(digest.blocks)).toContain('and 10 more');
  });
  it('puts the job link in the e-mail', () => {
    const mail = emailMessage([failed]);
    expect(mail.subject).toBe('[Gantry] Job failed: resnet <50>');
    expect(mail.text).toContain(job.url);
  });
});

describe('schedule', () => {
  const now = new Date('2026-12-07T00:00:30Z');
  it('sends the first event at once and gathers the burst after it', () => {
    expect(planDelivery(null, now)).toEqual({ kind: 'create', sendAt: now });
    const unsent = {
      id: 'a',
      status: 'pending' as const,
      attempts: 0,
      eventCount: 3,
      createdAt: new Date('2026-12-07T00:00:00Z'),
    };
    expect(planDelivery(unsent, now)).toEqual({ kind: 'append', id: 'a' });
    const sent = { ...unsent, status: 'delivered' as const, attempts: 1 };
    expect(planDelivery(sent, now)).toEqual({ kind: 'create', sendAt: new Date('2026-12-07T00:01:00Z') });
    expect(planDelivery({ ...unsent, eventCount: DIGEST_MAX_EVENTS }, now).kind).toBe('create');
    expect(planDelivery({ ...sent, createdAt: new Date('2026-12-06T00:00:00Z') }, now)).toEqual({
      kind: 'create',
      sendAt: now,
    });
  });
  it('backs off exponentially and gives up after 24 h', () => {
    const created = new Date('2026-12-07T00:00:00Z');
    expect(nextRetryAt(1, created, created)!.getTime() - created.getTime()).toBe(5_000);
    expect(nextRetryAt(2, created, created)!.getTime() - created.getTime()).toBe(10_000);
    expect(nextRetryAt(30, created, created)!.getTime() - created.getTime()).toBe(3_600_000);
    expect(nextRetryAt(30, created, new Date(created.getTime() + RETRY_HORIZON_MS - 1000))).toBeNull();
  });
});

describe('destinations', () => {
  it('takes http(s) only, without credentials', () => {
    expect(checkWebhookUrl('ftp://x.example/', null)).toEqual({ field: 'url', message: 'Only http and https URLs' });
    expect(checkWebhookUrl('not a url', null)).toMatchObject({ field: 'url' });
    expect(checkWebhookUrl('https://u:p@x.example/', null)).toMatchObject({ field: 'url' });
    expect(checkWebhookUrl('https://hooks.slack.com/services/T/B/X', null)).toHaveProperty('url');
  });
  it('always refuses metadata and link-local, even when allowed', () => {
    const allowAll = parseAllowList('0.0.0.0/0, ::/0, metadata.google.internal');
    for (const u of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/',
      'http://169.254.10.1/',
      'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://0.0.0.0:80/',
    ]) {
      expect(checkWebhookUrl(u, allowAll), u).toMatchObject({ field: 'url' });
    }
    expect(checkAddress('169.254.169.254', 'rebound.example', allowAll)).toMatch(/metadata/);
  });
  it('refuses the metadata services outside link-local, and every spelling of the address', () => {
    const allowAll = parseAllowList('0.0.0.0/0, ::/0');
    // GCP over IPv6, Alibaba Cloud, Oracle Cloud Classic, Azure WireServer: in the URL and as a DNS answer
    for (const u of [
      'http://[fd20:ce::254]/computeMetadata/v1/',
      'http://100.100.100.200/latest/meta-data/',
      'http://192.0.0.192/latest/',
      'http://168.63.129.16/machine?comp=goalstate',
    ]) {
      expect(checkWebhookUrl(u, allowAll), u).toMatchObject({
        field: 'url',
        message: expect.stringMatching(/metadata/),
      });
      expect(checkWebhookUrl(u, null), u).toMatchObject({ field: 'url' });
    }
    expect(checkAddress('fd20:00ce:0000::0254', 'rebound.example', allowAll)).toMatch(/metadata/);
    expect(checkAddress('::ffff:100.100.100.200', 'rebound.example', allowAll)).toMatch(/metadata/);
    // decimal, hex, octal, short, mapped and trailing-dot spellings of 169.254.169.254 and loopback
    for (const u of [
      'http://2852039166/',
      'http://0xA9FEA9FE/',
      'http://0251.0376.0251.0376/',
      'http://169.254.169.254./',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[0:0:0:0:0:ffff:169.254.169.254]/',
      'http://metadata.google.internal./',
      'http://0/',
      'http://[::]/',
      'http://127.1/',
      'http://0x7f000001/',
      'http://[::ffff:7f00:1]/',
      'http://LOCALHOST./',
      'http://x.localhost/',
      'http://example.com@169.254.169.254/',
    ]) {
      expect(checkWebhookUrl(u, null), u).toMatchObject({ field: 'url' });
    }
  });
  it('refuses loopback unless the allow-list names it', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', null)).toMatchObject({ field: 'url' });
    expect(checkWebhookUrl('http://localhost:9000/hook', null)).toMatchObject({ field: 'url' });
    const tests = parseAllowList('127.0.0.1/32');
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', tests)).toHaveProperty('url');
    expect(checkAddress('127.0.0.2', 'x', tests)).toMatch(/loopback/);
    expect(checkAddress('::ffff:127.0.0.1', 'x', tests)).toBeNull();
    expect(checkAddress('::ffff:a9fe:a9fe', 'x', tests)).toMatch(/metadata/);
  });
  it('limits destinations to the allow-list', () => {
    const allow = parseAllowList('hooks.slack.com *.corp.example 10.0.0.0/8');
    expect(checkAddress('52.1.2.3', 'hooks.slack.com', allow)).toBeNull();
    expect(checkAddress('52.1.2.3', 'ci.corp.example', allow)).toBeNull();
    expect(checkAddress('10.1.2.3', 'internal', allow)).toBeNull();
    expect(checkAddress('52.1.2.3', 'evil.example', allow)).toMatch(/allow-list/);
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/CIDR/);
    expect(() => parseAllowList('http://x')).toThrow();
  });
});

describe('event facts', () => {
  it('finds the first failed pod step', () => {
    expect(
      failedStepOf({
        a: { name: 'wf', type: 'DAG', phase: 'Failed' },
        b: {
          name: 'wf.eval',
          displayName: 'eval',
          type: 'Pod',
          phase: 'Failed',
          message: 'late',
          finishedAt: '2026-12-07T00:02:00Z',
        },
        c: {
          name: 'wf.train',
          displayName: 'train',
          type: 'Pod',
          phase: 'Error',
          message: 'OOMKilled',
          finishedAt: '2026-12-07T00:01:00Z',
        },
        d: { name: 'wf.prep', displayName: 'prep', type: 'Pod', phase: 'Succeeded' },
      }),
    ).toEqual({ name: 'train', message: 'OOMKilled' });
    expect(failedStepOf({})).toBeNull();
  });
  it('reaches a budget threshold once per level', () => {
    expect(budgetThreshold(7.9, 10)).toBeNull();
    expect(budgetThreshold(8, 10)).toBe(80);
    expect(budgetThreshold(12, 10)).toBe(100);
    expect(budgetThreshold(5, 0)).toBeNull();
  });
  it('picks the top configuration under the weights', () => {
    const results = [1, 2, 3].map((n) => makeResult(n));
    const fast = topConfiguration(results, {
      criteria: ['tokensPerSecond'],
      weights: [1],
      directions: ['benefit'],
      normalization: 'vector',
      constraints: [],
    });
    const best = results.reduce((a, b) =>
      (a.metrics.tokensPerSecond ?? 0) >= (b.metrics.tokensPerSecond ?? 0) ? a : b,
    );
    expect(fast?.configurationId).toBe(best.configurationId);
    expect(
      topConfiguration([], {
        criteria: ['tokensPerSecond'],
        weights: [1],
        directions: ['benefit'],
        normalization: 'vector',
        constraints: [],
      }),
    ).toBeNull();
  });
});
