import { describe, expect, it, vi } from 'vitest';
import { parseExposition } from './exposition.test-util';

describe('the metrics registry', () => {
  it('is one per process even when the module is loaded twice (Next bundle and web/server.ts)', async () => {
    const first = await import('./registry');
    vi.resetModules();
    const second = await import('./registry');
    expect(second).not.toBe(first);
    expect(second.metrics()).toBe(first.metrics());
    // a request observed through one copy is in the exposition the other copy serves
    first.metrics().httpDuration.observe({ route: '/api/me', method: 'GET', status: '200' }, 0.003);
    const { answerMetrics } = await import('./serve');
    const text = (await answerMetrics({ method: 'GET', access: 'allowed' })).body;
    expect(
      parseExposition(text).count('gantry_http_request_duration_seconds', {
        route: '/api/me',
        method: 'GET',
        status: '200',
      }),
    ).toBe(1);
  });

  it('adds process and Node.js series once, labelled with the component', async () => {
    const { collectProcessMetrics, metrics } = await import('./registry');
    collectProcessMetrics('worker');
    collectProcessMetrics('worker');
    const m = parseExposition(await metrics().registry.metrics());
    expect(m.labels('process_resident_memory_bytes')).toEqual([{ component: 'worker' }]);
    expect(m.value('nodejs_heap_size_used_bytes', { component: 'worker' })).toBeGreaterThan(0);
    // Gantry's own series carry no component label
    expect(m.labels('gantry_http_request_duration_seconds_count').every((l) => !('component' in l))).toBe(true);
  });
});
