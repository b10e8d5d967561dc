import { describe, expect, it } from 'vitest';
import { routePattern } from './http';

describe('routePattern', () => {
  it('puts the param names back where their values are', () => {
    expect(routePattern('/api/jobs', {})).toBe('/api/jobs');
    expect(routePattern('/api/jobs', null)).toBe('/api/jobs');
    expect(routePattern('/api/jobs/42', { id: '42' })).toBe('/api/jobs/[id]');
    expect(routePattern('/api/jobs/42/steps/train-7/logs', { id: '42', nodeId: 'train-7' })).toBe(
      '/api/jobs/[id]/steps/[nodeId]/logs',
    );
    expect(
      routePattern('/api/admin/teams/vision/policy/exceptions/host-path', { slug: 'vision', rule: 'host-path' }),
    ).toBe('/api/admin/teams/[slug]/policy/exceptions/[rule]');
  });

  it('matches decoded values and catch-all segments', () => {
    expect(routePattern('/api/jobs/42/steps/a%20b/logs', { id: '42', nodeId: 'a b' })).toBe(
      '/api/jobs/[id]/steps/[nodeId]/logs',
    );
    expect(routePattern('/api/no/such/thing', { path: ['no', 'such', 'thing'] })).toBe('/api/[...path]');
  });

  it('a value equal to a static segment replaces the dynamic one (the rightmost)', () => {
    expect(routePattern('/api/jobs/jobs', { id: 'jobs' })).toBe('/api/jobs/[id]');
    expect(routePattern('/api/shares/7', { id: '7' })).toBe('/api/shares/[id]');
  });
});
