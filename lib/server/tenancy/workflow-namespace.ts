// Where a job's Workflow lives: the namespace recorded when it was created (its team's), or for a
// job from before team namespaces (workflow_namespace null) the shared GANTRY_NAMESPACE. Every path
// that addresses a Workflow by name (follow, logs, cancel, retry, preempt) asks here.
import { sharedNamespace } from '@/lib/cluster/kube';

export function workflowNamespaceOf(job: { workflowNamespace: string | null }): string {
  return job.workflowNamespace ?? sharedNamespace();
}

/** `<namespace>/<name>`: Workflow names are unique per namespace only. */
export function workflowKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? sharedNamespace()}/${name}`;
}
