// `argoexec resource` in the simulated cluster: a `resource` template's step with action create of a
// Workflow, run by the kubelet as its pod's main container (README "Workflows of workflows").
import type { KObject, Store } from '../store';
import { matchesCondition, parseManifest, type ResourceAction } from './resource';

const WF = 'workflows';

export type ResourceStep = {
  store: Store;
  /** The workflow the step belongs to (undefined once it is gone). */
  owner: KObject | undefined;
  ns: string;
  action: ResourceAction;
  /** true after a restart of the simulated cluster: the step waits again on the child it created before. */
  resumed: boolean;
  /** Condition checks run once per tick by the kubelet, by pod key. */
  waits: Map<string, () => void>;
  key: string;
  log: (msg: string, fields?: object) => void;
};

/**
 * Creates the manifest's Workflow (owned by the step's workflow when setOwnerReference is set), then
 * waits until its success or failure condition holds; resolves with the container's exit code. The
 * new Workflow is written as a client would, so the controller picks it up and runs it. `alive` is
 * false once the step's pod was killed, deleted or ended.
 */
export function runResourceStep(step: ResourceStep, alive: () => boolean): Promise<number> {
  const created = createChild(step);
  if (typeof created !== 'string') {
    step.log(`sim: resource step failed: ${created.failed}`, created.fields);
    return Promise.resolve(1);
  }
  return waitForChild(step, created, alive);
}

/** The child Workflow's name once it exists, or why the step fails. */
function createChild(step: ResourceStep): string | { failed: string; fields?: object } {
  const { store, owner, ns, action: r } = step;
  if (!owner) return { failed: 'its workflow is gone' };
  let obj: KObject;
  try {
    obj = parseManifest(r.manifest) as KObject;
  } catch (e) {
    return { failed: (e as Error).message };
  }
  if (r.action !== 'create' || obj.kind !== 'Workflow' || !obj.metadata?.name)
    return {
      failed: 'only action create of a named Workflow is simulated',
      fields: { action: r.action, kind: obj.kind },
    };
  obj.metadata.namespace = ns;
  delete obj.status;
  if (r.setOwnerReference) {
    obj.metadata.ownerReferences = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: owner.metadata.name,
        uid: owner.metadata.uid!,
        blockOwnerDeletion: true,
      } as never,
    ];
  }
  const name = obj.metadata.name;
  // `kubectl create`, as argoexec runs it: a name already taken is AlreadyExists whoever holds it,
  // even the Workflow this very step created before `argo retry` ran it again (it never waits on
  // an old child), so whoever retries must delete such children first.
  const existing = store.get(WF, ns, name);
  const ours =
    step.resumed &&
    (!r.setOwnerReference || existing?.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid));
  if (existing && !ours) return { failed: `workflows.argoproj.io "${name}" already exists` };
  if (!existing) store.create(WF, obj);
  return name;
}

/** Checked once per tick: 1 when the failure condition holds (or the child is gone), 0 on success. */
function waitForChild(step: ResourceStep, name: string, alive: () => boolean): Promise<number> {
  const { store, ns, action: r, waits, key } = step;
  return new Promise<number>((resolve) => {
    const done = (code: number) => {
      waits.delete(key);
      resolve(code);
    };
    waits.set(key, () => {
      if (!alive()) return done(1);
      const child = store.get(WF, ns, name);
      if (!child) return done(1);
      try {
        if (r.failureCondition && matchesCondition(r.failureCondition, child)) return done(1);
        if (!r.successCondition || matchesCondition(r.successCondition, child)) return done(0);
      } catch (e) {
        step.log('sim: resource condition', { error: String(e) });
        return done(1);
      }
    });
  });
}
