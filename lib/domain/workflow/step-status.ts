// What Gantry derives from a Workflow's status to follow its steps: pod names, GPU-seconds, and the
// compact copy of status.nodes it stores.
import type { NodeStatus, Parameter } from './types';

// The follower's callers import pod names from here with the rest of what they read of a status.
export { stepPodName } from './pod-name';

/** GPU-seconds in a resourcesDuration map: whole GPUs (nvidia.com/gpu) plus MIG slices (nvidia.com/mig-*). */
export function gpuSecondsOf(resourcesDuration: Record<string, number> | undefined): number {
  let total = 0;
  for (const [resource, seconds] of Object.entries(resourcesDuration ?? {})) {
    if (resource === 'nvidia.com/gpu' || resource.startsWith('nvidia.com/mig-')) total += Number(seconds) || 0;
  }
  return total;
}

type ParameterValue = Pick<Parameter, 'name' | 'value'>;

/** The fields of Argo's NodeStatus that the graph, the step panel and the sync read; nothing else is stored. */
export type CompactNode = Pick<
  NodeStatus,
  | 'id'
  | 'name'
  | 'displayName'
  | 'type'
  | 'templateName'
  | 'phase'
  | 'boundaryID'
  | 'children'
  | 'outboundNodes'
  | 'startedAt'
  | 'finishedAt'
  | 'message'
  | 'progress'
  | 'hostNodeName'
  | 'resourcesDuration'
> & {
  inputs?: { parameters?: ParameterValue[] };
  outputs?: { exitCode?: string; parameters?: ParameterValue[] };
};

const KEYS = [
  'displayName',
  'type',
  'templateName',
  'phase',
  'boundaryID',
  'children',
  'outboundNodes',
  'startedAt',
  'finishedAt',
  'message',
  'progress',
  'hostNodeName',
  'resourcesDuration',
] as const;

/** status.nodes without what the graph and panel never read (artifacts, results, memoization ...). */
export function compactNodes(nodes: Record<string, NodeStatus> | undefined): Record<string, CompactNode> {
  const out: Record<string, CompactNode> = {};
  for (const [key, n] of Object.entries(nodes ?? {})) {
    const c: CompactNode = { id: n.id || key, name: n.name };
    for (const k of KEYS) if (n[k] !== undefined && n[k] !== '') (c as Record<string, unknown>)[k] = n[k];
    const params = n.inputs?.parameters?.map((p) => ({ name: p.name, value: p.value }));
    if (params?.length) c.inputs = { parameters: params };
    const outParams = n.outputs?.parameters?.map((p) => ({ name: p.name, value: p.value }));
    if (outParams?.length || n.outputs?.exitCode !== undefined) {
      c.outputs = {
        ...(n.outputs?.exitCode !== undefined ? { exitCode: n.outputs.exitCode } : {}),
        ...(outParams?.length ? { parameters: outParams } : {}),
      };
    }
    out[key] = c;
  }
  return out;
}

/** Keeps the last `maxBytes` of a log, cut at a line start, so a stored copy stays bounded. */
export function tailBytes(text: string, maxBytes = 64 * 1024): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  const cut = new TextDecoder().decode(bytes.slice(bytes.length - maxBytes)).replace(/^\uFFFD+/, '');
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut;
}

export const FINISHED_NODE_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Error',
  'Skipped',
  'Omitted',
]);
