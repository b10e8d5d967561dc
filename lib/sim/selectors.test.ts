import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';

const labels = { app: 'web', tier: 'gpu', 'gantry.dev/job-id': '42', empty: '' };

describe('label selectors (apimachinery syntax)', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=api', false],
    ['app in (api, web)', true],
    ['app notin (api,web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=gpu', true],
    ['app=web,tier=cpu', false],
    ['gantry.dev/job-id=42', true],
    ['gantry.dev/job-id in (41,43)', false],
    ['empty=', true],
  ])('%s -> %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in web')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
  });

  it('x=v and x!=v partition every label set', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('1', '2')),
        fc.constantFrom('a', 'b', 'c'),
        fc.constantFrom('1', '2'),
        (l, k, v) => {
          expect(matchesLabels(parseLabelSelector(`${k}=${v}`), l)).toBe(
            !matchesLabels(parseLabelSelector(`${k}!=${v}`), l),
          );
        },
      ),
    );
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p1', namespace: 'ns' },
    spec: { nodeName: 'a100-node-0' },
    status: { phase: 'Running' },
  };
  it('matches dotted paths with = and !=', () => {
    expect(matchesFields(parseFieldSelector('spec.nodeName=a100-node-0,status.phase!=Pending'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name=p2'), pod)).toBe(false);
  });
});
