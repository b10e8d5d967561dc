// The live DAG from a Workflow's status.nodes, as the Argo UI draws it: an edge from each node to
// each of its `children`; exit handlers hang off the workflow's last nodes.
import { createGraphNode, type GraphEdge, type GraphNode, type WorkflowGraph } from './graph-model';
import type { NodeStatus, Workflow, WorkflowProblem } from './types';

type NodesDecoder = (compressed: string) => Record<string, NodeStatus>;

export interface LiveGraphOptions {
  /** Decodes status.compressedNodes (gzip + base64); see decode-nodes.ts for the node:zlib one. */
  decodeNodes?: NodesDecoder;
  /** Epoch ms; with it, running nodes get progress against their estimated duration. */
  now?: number;
}

export interface LiveGraph {
  graph: WorkflowGraph;
  problems: WorkflowProblem[];
}

/** status.nodes, decoding compressedNodes when the controller compressed them. */
function readStatusNodes(
  workflow: Pick<Workflow, 'status'>,
  decodeNodes?: NodesDecoder,
): { nodes: Record<string, NodeStatus>; problems: WorkflowProblem[] } {
  const status = workflow.status ?? {};
  if (status.nodes && Object.keys(status.nodes).length > 0) return { nodes: status.nodes, problems: [] };
  if (status.compressedNodes) {
    if (!decodeNodes) {
      return {
        nodes: {},
        problems: [{ path: 'status.compressedNodes', message: 'is compressed and no decoder was given' }],
      };
    }
    try {
      return { nodes: decodeNodes(status.compressedNodes), problems: [] };
    } catch (error) {
      return {
        nodes: {},
        problems: [{ path: 'status.compressedNodes', message: `cannot be decoded: ${String(error)}` }],
      };
    }
  }
  if (status.offloadNodeStatusVersion) {
    return {
      nodes: {},
      problems: [{ path: 'status.offloadNodeStatusVersion', message: 'node status is offloaded to the Argo database' }],
    };
  }
  return { nodes: status.nodes ?? {}, problems: [] };
}

export function buildLiveGraph(
  workflow: Pick<Workflow, 'status' | 'metadata'>,
  options: LiveGraphOptions = {},
): LiveGraph {
  const { nodes: statusNodes, problems } = readStatusNodes(workflow, options.decodeNodes);
  const entries = Object.entries(statusNodes);
  const parentOf = new Map<string, string>();
  for (const [id, node] of entries) {
    for (const child of node.children ?? []) if (!parentOf.has(child)) parentOf.set(child, id);
  }

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Set(entries.map(([id]) => id));
  for (const [key, status] of entries) {
    const id = status.id || key;
    const parentId = parentOf.get(id) ?? null;
    nodes.push(
      createGraphNode({
        id,
        label: status.displayName || status.name || id,
        type: status.type || 'Unknown',
        phase: status.phase || null,
        templateName: status.templateName ?? status.templateRef?.template ?? null,
        parentId,
        boundaryId: status.boundaryID ?? null,
        startedAt: status.startedAt ?? null,
        finishedAt: status.finishedAt ?? null,
        progress: parseProgress(status.progress),
        estimate: estimateRunning(status, options.now),
        message: status.message ?? null,
        exitCode: parseExitCode(status.outputs?.exitCode),
        isRetry:
          status.type === 'Retry' || Boolean(status.nodeFlag?.retried) || statusNodes[parentId ?? '']?.type === 'Retry',
        isExitHandler: isExitHandlerNode(status),
        parameters: Object.fromEntries((status.inputs?.parameters ?? []).map((p) => [p.name, String(p.value ?? '')])),
      }),
    );
    for (const child of status.children ?? []) {
      if (ids.has(child)) edges.push({ from: id, to: child });
      else problems.push({ path: `status.nodes.${id}.children`, message: `names a missing node ${child}` });
    }
  }

  // Workflow-level exit handlers are nobody's child; hang them off the root's last nodes.
  const root = statusNodes[workflow.metadata?.name ?? ''] ?? entries.find(([id]) => !parentOf.has(id))?.[1];
  if (root) {
    const tails = (root.outboundNodes ?? []).filter((id) => ids.has(id));
    for (const node of nodes) {
      if (node.isExitHandler && node.parentId === null && node.id !== root.id) {
        for (const tail of tails.length > 0 ? tails : [root.id]) edges.push({ from: tail, to: node.id });
      }
    }
  }
  return { graph: { nodes, edges }, problems };
}

function isExitHandlerNode(node: NodeStatus): boolean {
  return Boolean(node.nodeFlag?.hooked) || /\.onExit$/.test(node.name ?? '') || /onExit$/.test(node.displayName ?? '');
}

export function parseProgress(progress: string | undefined): { done: number; total: number } | null {
  const match = /^(\d+)\/(\d+)$/.exec(progress ?? '');
  return match ? { done: Number(match[1]), total: Number(match[2]) } : null;
}

function parseExitCode(code: string | undefined): number | null {
  if (code === undefined || code === '') return null;
  const value = Number(code);
  return Number.isFinite(value) ? value : null;
}

function estimateRunning(node: NodeStatus, now: number | undefined): GraphNode['estimate'] {
  if (now === undefined || node.phase !== 'Running' || !node.estimatedDuration || !node.startedAt) return null;
  const elapsed = (now - Date.parse(node.startedAt)) / 1000;
  if (!Number.isFinite(elapsed)) return null;
  return { seconds: node.estimatedDuration, fraction: Math.max(0, elapsed / node.estimatedDuration) };
}
