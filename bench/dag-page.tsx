// Browser side of bench/dag-render.ts, bundled by esbuild: the console's own DagView and
// WorkflowGraphView drawn by React in headless Chromium.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { DagView, type DagGraph } from '@/components/dag/dag-view';
import { WorkflowGraphView } from '@/components/dag/workflow-graph-view';
import type { WorkflowGraph } from '@/lib/domain/workflow/graph-model';

declare global {
  interface Window {
    drawDag(graph: DagGraph): Promise<{ totalMs: number; layoutAndCommitMs: number; drawnNodes: number }>;
    openLiveWorkflow(
      url: string,
    ): Promise<{ fetchMs: number; clickableAtMs: number; expandToListMs: number; drawnNodes: number }>;
    benchReady: boolean;
    liveResult?: Awaited<ReturnType<Window['openLiveWorkflow']>> | { error: string };
  }
}

let root: Root | null = null;
const mount = () => {
  root?.unmount();
  const el = document.getElementById('root')!;
  root = createRoot(el);
  return { el, root };
};
/** Resolves once the browser has painted the frame after the current one. */
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

// flushSync returns once React has rendered (the layout included), committed and run the effects
// of this synchronous update, so the console's bundle needs no timing hook of its own.
window.drawDag = async (graph) => {
  const { el, root: r } = mount();
  const t0 = performance.now();
  flushSync(() => r.render(<DagView graph={graph} />));
  const layoutAndCommitMs = performance.now() - t0;
  await painted();
  return { totalMs: performance.now() - t0, layoutAndCommitMs, drawnNodes: el.querySelectorAll('g.node').length };
};

// The job page's graph: fetch what GET /api/jobs/:id/workflow answers (the live graph the server
// built from the stored status, plus per-step pod names), collapse, draw,
// then open the "N hidden" placeholder, which must switch to the list (or grid) instead of drawing 10,000 nodes.
window.openLiveWorkflow = async (url) => {
  const { el, root: r } = mount();
  const t0 = performance.now();
  const { graph } = (await (await fetch(url)).json()) as { graph: WorkflowGraph };
  const fetchMs = performance.now() - t0;
  let expanded: ReadonlySet<string> = new Set();
  const render = () =>
    r.render(
      <WorkflowGraphView
        graph={graph}
        expanded={expanded}
        onExpand={(key) => {
          expanded = new Set(expanded).add(key);
          render();
        }}
      />,
    );
  flushSync(render);
  await painted();
  const clickableAtMs = performance.now();
  const drawnNodes = el.querySelectorAll('g.node').length;
  const hidden = el.querySelector<SVGGElement>('g.node[data-phase="Hidden"]');
  if (!hidden) throw new Error('no "N hidden" node was drawn');
  const t1 = performance.now();
  flushSync(() => hidden.dispatchEvent(new MouseEvent('click', { bubbles: true })));
  await painted();
  if (!el.querySelector('[data-testid="node-list"], [data-testid="sweep-grid"]'))
    throw new Error('expanding 10,000 steps did not switch to the list or grid');
  return { fetchMs, clickableAtMs, expandToListMs: performance.now() - t1, drawnNodes };
};

// `?live=<url>` opens that workflow as soon as the script runs, so the clock is the page's own.
const live = new URLSearchParams(location.search).get('live');
if (live)
  window.openLiveWorkflow(live).then(
    (r) => (window.liveResult = r),
    (e: unknown) => (window.liveResult = { error: String(e) }),
  );
window.benchReady = true;
