// kube-controller-manager's garbage collector, for what the simulation creates: objects whose owner
// (ownerReferences) is deleted go with it. A deleted Workflow takes its pods and the Workflows and
// WorkflowTemplates its `resource` steps created with setOwnerReference.
import type { PodRuns } from './pod-runs';
import type { KObject, Store } from './store';

const OWNED_KINDS = ['workflows', 'workflowtemplates'];

export class GarbageCollector {
  constructor(
    private readonly store: Store,
    private readonly pods: PodRuns,
  ) {}

  /** `hadPods`: the Argo controller was running the workflow, so it may own pods. */
  workflowDeleted(owner: KObject, hadPods: boolean): void {
    const key = `${owner.metadata.namespace ?? ''}/${owner.metadata.name}`;
    if (hadPods) for (const pr of this.pods.of(key)) this.pods.delete(pr);
    this.deleteOwned(owner);
  }

  private deleteOwned(owner: KObject): void {
    if (!owner.metadata.uid) return;
    const ns = owner.metadata.namespace;
    for (const resource of OWNED_KINDS) {
      for (const child of this.store.list(resource, { namespace: ns, labels: [], fields: [] }).items) {
        if (
          child.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid) &&
          this.store.get(resource, ns, child.metadata.name)
        ) {
          this.store.delete(resource, ns, child.metadata.name);
        }
      }
    }
  }
}
