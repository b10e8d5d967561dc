// The Argo controller's copy of a workflow it runs, with what it keeps between reconciles.
import type { KObject } from '../store';
import { newOperatorState, type OperatorState } from './operator-context';

export type WfRun = {
  key: string;
  wf: KObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
  dirty: boolean;
  /** status changed outside reconcile (pod events) */
  changed?: boolean;
  state: OperatorState;
  lastWrite: number;
  activePods: number;
  wakeAt?: number;
  /** pods created per node name, kept across `argo retry` */
  podRuns?: Map<string, number>;
};

export const FINISHED = ['Succeeded', 'Failed', 'Error'];

/** The labels or annotations whose keys start with `prefix`. */
export const withPrefix = (obj: Record<string, string> | undefined, prefix: string) =>
  Object.fromEntries(Object.entries(obj ?? {}).filter(([k]) => k.startsWith(prefix)));

export const wfKey = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function newWfRun(wf: WfRun['wf']): WfRun {
  return { key: wfKey(wf), wf, dirty: true, state: newOperatorState(), lastWrite: 0, activePods: 0 };
}
