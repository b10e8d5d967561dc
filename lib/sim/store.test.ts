import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from './selectors';
import { Store, StoreError, type KObject } from './store';

const obj = (name: string, labels: Record<string, string> = {}): KObject => ({
  metadata: { name, namespace: 'ns', labels },
  spec: { n: 1 },
});
const all = { labels: [], fields: [] };

describe('Store resourceVersion and watch semantics', () => {
  it('versions every write with one increasing counter and rejects stale updates', () => {
    const s = new Store({ seed: 1 });
    const a = s.create('workflows', obj('a'));
    const b = s.create('workflows', obj('b'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(s.list('workflows', all).resourceVersion).toBe(b.metadata.resourceVersion);
    const stale = a.metadata.resourceVersion!;
    s.update('workflows', { ...obj('a'), spec: { n: 2 } }, stale);
    expect(() => s.update('workflows', obj('a'), stale)).toThrow(StoreError);
    expect(() => s.create('workflows', obj('a'))).toThrow(/already exists/);
    expect(s.get('workflows', 'ns', 'a')?.metadata.generation).toBe(2);
  });

  it('replays events after a resourceVersion, then streams live ones', () => {
    const s = new Store({ seed: 1 });
    const a = s.create('workflows', obj('a'));
    s.update('workflows', { ...obj('a'), spec: { n: 3 } });
    s.create('workflows', obj('b'));
    const seen: string[] = [];
    s.watch('workflows', all, a.metadata.resourceVersion, (type, _json, o) => seen.push(`${type}:${o.metadata.name}`));
    s.delete('workflows', 'ns', 'a');
    expect(seen).toEqual(['MODIFIED:a', 'ADDED:b', 'DELETED:a']);
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', () => {
    const s = new Store({ seed: 1 });
    s.create('workflows', obj('a'));
    const seen: string[] = [];
    s.watch('workflows', all, undefined, (type, _j, o) => seen.push(`${type}:${o.metadata.name}`));
    expect(seen).toEqual(['ADDED:a']);
  });

  it('answers Gone for a resourceVersion older than the retained history', () => {
    const s = new Store({ seed: 1, maxEvents: 3 });
    const first = s.create('workflows', obj('a'));
    for (let i = 0; i < 5; i++) s.update('workflows', { ...obj('a'), spec: { n: i } });
    expect(() => s.watch('workflows', all, first.metadata.resourceVersion, () => undefined)).toThrow(
      /too old resource version/,
    );
    // the newest retained version still resumes
    expect(() => s.watch('workflows', all, s.resourceVersion, () => undefined)).not.toThrow();
  });

  it('turns label changes into ADDED/DELETED for a selecting watcher', () => {
    const s = new Store({ seed: 1 });
    s.create('workflows', obj('a', { team: 'x' }));
    const seen: string[] = [];
    s.watch('workflows', { labels: parseLabelSelector('team=y'), fields: [] }, s.resourceVersion, (t) => seen.push(t));
    s.update('workflows', obj('a', { team: 'y' }));
    s.update('workflows', obj('a', { team: 'z' }));
    expect(seen).toEqual(['ADDED', 'DELETED']);
  });
});
