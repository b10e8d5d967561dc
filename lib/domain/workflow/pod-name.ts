// Argo's node ids and pod names, the one copy that Gantry's follower and the simulated cluster both
// use, so the pod the follower reads logs from is the pod the simulator created. Go counterparts:
// `Workflow.NodeID` (pkg/apis/workflow/v1alpha1/workflow_types.go) and `util.GeneratePodName`
// (workflow/util/pod_name.go); Argo's UI has the same in `ui/src/shared/pod-name.ts`.

/** Argo's `maxK8sResourceNameLength - k8sNamingHashLength - 1`: the prefix leaves room for `-<hash>`. */
const MAX_PREFIX_LENGTH = 253 - 10 - 1;

/** FNV-1a, 32 bit, over the UTF-8 bytes (Go's `hash/fnv` New32a over `[]byte(name)`). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A node's id in status.nodes: `<workflow>-<fnv32a(node name)>`, the root node's is the workflow's name. */
export function workflowNodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

/**
 * A step's pod name as POD_NAMES=v2 (Argo's default since 3.2): `<workflow>-<template>-<fnv32a(node name)>`,
 * the prefix cut to leave room for the hash; without a template name the prefix is the workflow's name.
 */
export function stepPodName(workflowName: string, nodeName: string, templateName: string | undefined): string {
  if (nodeName === workflowName) return workflowName;
  const prefix = templateName ? `${workflowName}-${templateName}` : workflowName;
  return `${prefix.slice(0, MAX_PREFIX_LENGTH)}-${fnv32a(nodeName)}`;
}

/** A loop item's part of a node name (`step(0:a:x,b:2)`): Argo prints a map as sorted `key:value` pairs. */
export function itemLabel(item: unknown): string {
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    return Object.keys(item)
      .sort()
      .map((k) => `${k}:${itemValue((item as Record<string, unknown>)[k])}`)
      .join(',');
  }
  return itemValue(item);
}

/** One item value as Argo substitutes it: a string as is, anything else as JSON. */
export function itemValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
