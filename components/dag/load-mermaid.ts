// Mermaid is large, so it is loaded on first use (its own chunk, never on pages without a graph)
// and initialised exactly once. Strict security: labels are sanitised and click directives are
// ignored, so DagView attaches its own listeners to the drawn nodes.
import type { Mermaid, MermaidConfig } from 'mermaid';

export const MERMAID_CONFIG: MermaidConfig = {
  startOnLoad: false,
  securityLevel: 'strict',
  theme: 'base',
  // Lines and cluster text mid-grey, readable on the light and the dark page.
  themeVariables: { lineColor: '#94a3b8', fontSize: '13px', primaryTextColor: '#0f172a' },
  // Mermaid 12 defaults to ELK; dagre draws these graphs faster (bench/dag-render.ts).
  layout: 'dagre',
  flowchart: { useMaxWidth: true, nodeSpacing: 24, rankSpacing: 36 },
  // The views stop at 250 nodes / 500 edges (lib/domain/workflow/collapse.ts); leave headroom.
  maxEdges: 600,
  maxTextSize: 200_000,
};

let loading: Promise<Mermaid> | null = null;

export function loadMermaid(): Promise<Mermaid> {
  loading ??= import('mermaid')
    .then(({ default: mermaid }) => {
      mermaid.initialize(MERMAID_CONFIG);
      return mermaid;
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}

const svgCache = new Map<string, string>();
const SVG_CACHE_SIZE = 24;

/**
 * Mermaid source -> SVG, remembering the last few: collapsing back to a view already drawn (or
 * returning to a workflow) costs nothing. Mermaid renders one diagram at a time anyway.
 */
export async function renderMermaidSvg(text: string, id: string): Promise<string> {
  const cached = svgCache.get(text);
  if (cached !== undefined) {
    svgCache.delete(text);
    svgCache.set(text, cached);
    return cached;
  }
  const mermaid = await loadMermaid();
  const { svg } = await mermaid.render(id, text);
  svgCache.set(text, svg);
  if (svgCache.size > SVG_CACHE_SIZE) svgCache.delete(svgCache.keys().next().value!);
  return svg;
}

let warming: Promise<void> | null = null;

/** Loads Mermaid and its flowchart and layout chunks ahead of the first real graph. */
export function warmUpMermaid(): Promise<void> {
  warming ??= loadMermaid()
    .then((mermaid) => mermaid.render('dag-warm-up', 'flowchart TD\n  n0["a"] --> n1["b"]\n'))
    .then(() => undefined)
    .catch(() => {
      warming = null;
    });
  return warming;
}
