// What Gantry derives from a Workflow's status to follow its steps: pod names, GPU-seconds, and the
// compact copy of status.nodes it stores.
import type { NodeStatus, Parameter } from './types';

/** FNV-1a, 32 bit, over UTF-8: the hash Argo uses for node ids and pod names. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A step's pod name as Argo's POD_NAMES=v2 (`workflow/util/pod_name.go`, `ui/src/shared/pod-name.ts`):
 * `<workflow>-<template>-<fnv32a(node name)>`, the prefix cut to leave room for the hash.
 */
export function stepPodName(workflowName: string, nodeName: string, templateName: string | undefined): string {
  if (nodeName === workflowName) return workflowName;
  let prefix = templateName ? `${workflowName}-${templateName}` : workflowName;
  if (prefix.length > 253 - 11) prefix = prefix.slice(0, 253 - 11);
  return `${prefix}-${fnv32a(nodeName)}`;
}

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
