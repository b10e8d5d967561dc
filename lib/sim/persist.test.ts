// The simulated cluster's snapshot format (lib/sim/persist.ts) and the store's side of a restart,
// without files: round trip, counters, corrupt or cut snapshots. Files and a whole restart of the
// cluster: lib/sim/restart.int.test.ts.
import { describe, expect, it } from 'vitest';
import type { ControllerState } from './control-loop';
import { parseState, StateError, stateChunks, type SimState } from './state-file';
import { Store, StoreError, type KObject } from './store';

const all = { labels: [], fields: [] };
const obj = (name: string, extra: Partial<KObject> = {}): KObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name, namespace: 'gantry-jobs', labels: { 'gantry.dev/job-id': name.slice(1) } },
  spec: { entrypoint: 'main' },
  ...extra,
});
const pods: ControllerState = {
  pods: [
    {
      key: 'gantry-jobs/w1-main-1',
      ns: 'gantry-jobs',
      name: 'w1-main-1',
      wfKey: 'gantry-jobs/w1',
      nodeId: 'w1',
      plan: { seconds: 60, exitCode: 0, result: '', gpuIdle: false, kind: 'echo', echo: ['héllo "quoted"\nline'] },
      demand: { key: 'gantry-jobs/w1-main-1', requests: { cpu: 1 } },
      phase: 'Running',
      createdAt: 1,
      startedAt: 2,
      node: 'sim-cpu-0',
      slotIdx: [],
    },
  ],
  runs: [{ key: 'gantry-jobs/w1', attempts: [['w1', 1]], refused: [] }],
};

function snapshotOf(store: Store, clean = true): SimState {
  return { savedAt: '2026-01-01T00:00:00.000Z', clean, store: store.captureState(), controller: pods };
}

/** What a restart does with a snapshot: its text parsed into a fresh store. */
function restart(state: SimState, chunkBytes?: number): { store: Store; state: SimState } {
  const text = [...stateChunks(state, chunkBytes)].join('');
  const loaded = parseState(text);
  const store = new Store({ seed: 1 });
  store.restoreState(loaded.store);
  return { store, state: loaded };
}

describe('simulated cluster snapshots', () => {
  it('round-trips every object, its uid and resourceVersion, the counters and the pod runs', () => {
    const s = new Store({ seed: 1 });
    s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gantry-jobs' } });
    const w1 = s.create('workflows', obj('w1', { status: { phase: 'Running', message: 'ünïcode\n"and quotes"' } }));
    s.create('workflows', obj('w2'));
    s.delete('workflows', 'gantry-jobs', 'w2');
    s.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token', namespace: 'gantry-jobs' },
      data: { t: 'c2VjcmV0' },
    });
    // small chunks: lines are never split across chunk boundaries in a way that changes the text
    const { store, state } = restart(snapshotOf(s), 64);
    expect(store.resourceVersion).toBe(s.resourceVersion);
    for (const resource of ['namespaces', 'workflows', 'secrets']) {
      expect(store.list(resource, all).json.sort()).toEqual(s.list(resource, all).json.sort());
    }
    expect(store.get('workflows', 'gantry-jobs', 'w1')?.metadata.uid).toBe(w1.metadata.uid);
    expect(store.get('workflows', 'gantry-jobs', 'w2')).toBeUndefined();
    expect(state.controller).toEqual(pods);
    expect(state.clean).toBe(true);
  });

  it('keeps resourceVersions increasing across restarts, and answers 410 Gone for a watch from before', () => {
    const s = new Store({ seed: 1 });
    const a = s.create('workflows', obj('w1'));
    s.update('workflows', { ...obj('w1'), spec: { entrypoint: 'other' } });
    let { store } = restart(snapshotOf(s));
    const b = store.create('workflows', obj('w3'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(s.resourceVersion));
    expect(() => store.watch('workflows', all, a.metadata.resourceVersion, () => undefined)).toThrow(StoreError);
    // a watch from the newest version served before the stop resumes: it missed nothing
    const seen: string[] = [];
    ({ store } = restart(snapshotOf(store)));
    store.watch('workflows', all, b.metadata.resourceVersion, (type, _json, o) =>
      seen.push(`${type}:${o.metadata.name}`),
    );
    const c = store.create('workflows', obj('w4'));
    expect(seen).toEqual(['ADDED:w4']);
    expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
  });

  it('never gives a new object the uid of one from before the restart', () => {
    const s = new Store({ seed: 1 });
    const before = s.create('workflows', obj('w1'));
    s.delete('workflows', 'gantry-jobs', 'w1');
    const { store } = restart(snapshotOf(s));
    expect(store.create('workflows', obj('w1')).metadata.uid).not.toBe(before.metadata.uid);
  });

  it('refuses a snapshot that was cut short, edited, or written by another format', () => {
    const s = new Store({ seed: 1 });
    s.create('workflows', obj('w1'));
    s.create('workflows', obj('w2'));
    const text = [...stateChunks(snapshotOf(s))].join('');
    const lines = text.trimEnd().split('\n');
    expect(() => parseState(lines.slice(0, -1).join('\n'))).toThrow(/cut short/);
    expect(() => parseState(text.slice(0, text.length - 40))).toThrow(StateError);
    expect(() => parseState([...lines.slice(0, 2), ...lines.slice(3)].join('\n'))).toThrow(/counts \d+ records/);
    expect(() => parseState(text.replace('"version":1', '"version":99'))).toThrow(/state version 99/);
    expect(() => parseState('')).toThrow(StateError);
    expect(() => parseState('{"hello":"world"}\n')).toThrow(/not a simulated-cluster state file/);
    expect(() => parseState(`${lines[0]}\n[1,2]\n{"end":1}\n`)).toThrow(/line 2 is not a JSON object/);
  });

  it('loads only into an empty store', () => {
    const s = new Store({ seed: 1 });
    s.create('workflows', obj('w1'));
    expect(() => s.restoreState(s.captureState())).toThrow(/empty store/);
  });
});
