// Mapping between the graph's node ids and the elements Mermaid draws. renderMermaid
// (lib/domain/workflow/mermaid.ts) names node i of the view `n<i>`; Mermaid's flowchart renderer
// puts that name in `data-id` and in the element id (`<svgId>-flowchart-n<i>-<counter>`).
import type { GraphNode } from '@/lib/domain/workflow/graph-model';

/** Mermaid's generated id (`n3`) -> the graph node id, in the order renderMermaid numbers them. */
export function indexMermaidIds(nodes: readonly Pick<GraphNode, 'id'>[]): Map<string, string> {
  return new Map(nodes.map((node, index) => [`n${index}`, node.id]));
}

/** The generated name of a drawn node element, from its data-id or, failing that, its DOM id. */
export function mermaidNameOf(element: { getAttribute(name: string): string | null; id: string }): string | null {
  const dataId = element.getAttribute('data-id');
  if (dataId && /^n\d+$/.test(dataId)) return dataId;
  const match = /(?:^|-)flowchart-(n\d+)-\d+$/.exec(element.id);
  return match ? match[1] : null;
}
