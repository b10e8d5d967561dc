// `npm run bench dag`: the DAG view in headless Chromium. The console's own DagView (dagre layout +
// React SVG, bundled from bench/dag-page.tsx by esbuild) draws each case: total = React render with
// the layout, commit and the next painted frame. Then the job page's graph for a 10,000-step
// workflow: the API's answer (live graph built as get-job-workflow.ts does) fetched over HTTP,
// parsed, collapsed and drawn, until the nodes are clickable
// (counted from navigation start), and opening its "N hidden" node (must switch to list or grid).
// DAG_BENCH_MERMAID=1 also times Mermaid 12 on the same cases, the renderer this replaced.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { PHASE_COLOURS } from '@/components/dag/phase-styles';
import { buildView } from '@/lib/domain/workflow/collapse';
import { createGraphNode, type WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { buildLiveGraph } from '@/lib/domain/workflow/live-graph';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import type { NodeStatus, Workflow } from '@/lib/domain/workflow/types';

const root = path.resolve(import.meta.dirname, '..');
const mermaidDist = path.join(root, 'node_modules/mermaid/dist');

/** root -> N parallel steps -> merge, the shape of a sweep. */
function fanOut(n: number): WorkflowGraph {
  const nodes = [
    createGraphNode({ id: 'root', label: 'sweep', type: 'DAG' }),
    createGraphNode({ id: 'merge', label: 'merge', type: 'Pod' }),
  ];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push(
      createGraphNode({
        id: `s${i}`,
        label: `bench(${i}:batch=${i % 8},model=m${i % 5})`,
        type: 'Pod',
        phase: i % 7 ? 'Succeeded' : 'Running',
        estimate: i % 7 ? null : { seconds: 300, fraction: 0.4 },
      }),
    );
    edges.push({ from: 'root', to: `s${i}` }, { from: `s${i}`, to: 'merge' });
  }
  return { nodes, edges };
}

/** Layers of `width` steps, every step depending on two of the previous layer. */
function layered(layers: number, width: number): WorkflowGraph {
  const nodes = [];
  const edges = [];
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      nodes.push(createGraphNode({ id: `${l}-${w}`, label: `step-${l}-${w}`, type: 'Pod', phase: 'Succeeded' }));
      if (l > 0)
        edges.push(
          { from: `${l - 1}-${w}`, to: `${l}-${w}` },
          { from: `${l - 1}-${(w + 1) % width}`, to: `${l}-${w}` },
        );
    }
  }
  return { nodes, edges };
}

/** An Argo Workflow status with a prepare step, `steps` parallel steps and a merge (the live graph's input). */
function liveFanOutWorkflow(steps: number): Workflow {
  const name = `fan-out-${steps}`;
  const now = Date.now();
  const at = (s: number) => new Date(now - s * 1000).toISOString();
  const embeds = Array.from({ length: steps }, (_, i) => `${name}-e${i}`);
  const nodes: Record<string, NodeStatus> = {
    [name]: {
      id: name,
      name,
      displayName: name,
      type: 'DAG',
      phase: 'Running',
      children: [`${name}-prep`],
      outboundNodes: [`${name}-merge`],
      startedAt: at(900),
    },
    [`${name}-prep`]: {
      id: `${name}-prep`,
      name: `${name}.prepare`,
      displayName: 'prepare',
      type: 'Pod',
      phase: 'Succeeded',
      children: embeds,
      startedAt: at(900),
      finishedAt: at(800),
    },
    [`${name}-merge`]: {
      id: `${name}-merge`,
      name: `${name}.merge`,
      displayName: 'merge',
      type: 'Pod',
      phase: 'Pending',
      children: [],
    },
  };
  embeds.forEach((id, i) => {
    const running = i % 10 === 0;
    nodes[id] = {
      id,
      name: `${name}.embed(${i}:${i})`,
      displayName: `embed(${i}:${i})`,
      type: 'Pod',
      phase: running ? 'Running' : i % 3 ? 'Succeeded' : 'Pending',
      children: [`${name}-merge`],
      startedAt: at(600),
      ...(running ? { estimatedDuration: 900 } : { finishedAt: at(100) }),
    };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    status: { phase: 'Running', nodes },
  } as Workflow;
}

const cases: Array<{ name: string; graph: WorkflowGraph; expandAll: boolean }> = [
  { name: 'diamond-ish (5)', graph: layered(2, 2), expandAll: true },
  { name: 'collapsed fan-out of 10,000', graph: fanOut(10_000), expandAll: false },
  { name: '60 nodes (6x10 layers)', graph: layered(6, 10), expandAll: true },
  { name: 'expanded fan-out 120', graph: fanOut(120), expandAll: true },
  { name: 'expanded fan-out 240 (~480 edges)', graph: fanOut(240), expandAll: true },
  { name: '250 nodes, 480 edges (25x10 layers)', graph: layered(25, 10), expandAll: true },
];

const MERMAID_PAGE = `<!doctype html><meta charset="utf-8"><body><div id="out"></div><script type="module">
import mermaid from '/mermaid/mermaid.esm.min.mjs';
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'base', layout: 'dagre', flowchart: { useMaxWidth: true, nodeSpacing: 24, rankSpacing: 36 }, maxEdges: 600, maxTextSize: 200000 });
window.renderDag = async (text, id) => {
  const t0 = performance.now();
  const { svg } = await mermaid.render(id, text);
  document.getElementById('out').innerHTML = svg;
  return performance.now() - t0;
};
window.benchReady = true;
</script>`;

const REACT_PAGE = `<!doctype html><meta charset="utf-8"><body><div id="root"></div><script type="module" src="/dag-page.js"></script>`;

async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(root, 'bench/dag-page.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    jsx: 'automatic',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: path.join(root, 'tsconfig.json'),
  });
  return out.outputFiles[0].text;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => Math.round(x);

async function main() {
  const script = await bundlePage();
  // The shape of GET /api/jobs/:id/workflow: the graph plus a pod name per step.
  const workflow = liveFanOutWorkflow(10_000);
  const { graph: liveGraph } = buildLiveGraph(workflow, { now: Date.now() });
  const steps = Object.fromEntries(
    liveGraph.nodes.filter((n) => n.type === 'Pod').map((n) => [n.id, { podName: `${n.id}-pod`, outputs: {} }]),
  );
  const live = JSON.stringify({ graph: liveGraph, steps });
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/react' || url.startsWith('/react?'))
      return res.writeHead(200, { 'content-type': 'text/html' }).end(REACT_PAGE);
    if (url === '/mermaid') return res.writeHead(200, { 'content-type': 'text/html' }).end(MERMAID_PAGE);
    if (url === '/dag-page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (url === '/workflow-10000.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(live);
    const file = path.join(mermaidDist, path.normalize(url.replace(/^\/mermaid\//, '')).replace(/^([/\\])+/, ''));
    if (!url.startsWith('/mermaid/') || !file.startsWith(mermaidDist) || !fs.existsSync(file))
      return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const open = async (url: string): Promise<Page> => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true);
    return page;
  };
  const only = process.env.DAG_BENCH_CASES;
  const rows = [];
  for (const c of cases.filter((x) => !only || only.split(',').some((w) => x.name.includes(w)))) {
    const view = buildView(c.graph, { expanded: new Set(c.expandAll ? c.graph.nodes.map((n) => n.id) : []) });
    const graph = { nodes: view.nodes, edges: view.edges, placeholders: view.placeholders };
    const page = await open(`${base}/react`);
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await page.evaluate((g) => window.drawDag(g), graph));
    await page.close();
    const warm = runs.slice(1);
    const row: Record<string, string | number> = {
      case: c.name,
      drawnNodes: runs[0].drawnNodes,
      drawnEdges: view.edges.length,
      coldMs: ms(runs[0].totalMs),
      warmMedianMs: ms(median(warm.map((r) => r.totalMs))),
      warmMaxMs: ms(Math.max(...warm.map((r) => r.totalMs))),
      layoutAndCommitMedianMs: ms(median(warm.map((r) => r.layoutAndCommitMs))),
    };
    if (process.env.DAG_BENCH_MERMAID === '1') {
      const text = renderMermaid(view, { styles: PHASE_COLOURS });
      const mermaidPage = await open(`${base}/mermaid`);
      const times = [];
      for (let i = 0; i < 4; i++)
        times.push(
          await mermaidPage.evaluate(
            ([src, id]) =>
              (window as unknown as { renderDag: (a: string, b: string) => Promise<number> }).renderDag(src, id),
            [text, `d${i}`] as const,
          ),
        );
      await mermaidPage.close();
      row.mermaidColdMs = ms(times[0]);
      row.mermaidWarmMedianMs = ms(median(times.slice(1)));
    }
    rows.push(row);
  }
  console.log('DagView (dagre + React SVG) in Chromium:');
  console.table(rows);

  const liveRows = [];
  for (let i = 0; i < 3; i++) {
    const page = await open(`${base}/react?live=/workflow-10000.json`);
    const r = await (await page.waitForFunction(() => window.liveResult, undefined, { timeout: 60_000 })).jsonValue();
    if (!r || 'error' in r) throw new Error(`10,000-step page failed: ${r?.error}`);
    liveRows.push({
      run: i + 1,
      fetchMs: ms(r.fetchMs),
      navigationToClickableMs: ms(r.clickableAtMs),
      expandToListMs: ms(r.expandToListMs),
      drawnNodes: r.drawnNodes,
    });
    await page.close();
  }
  console.log(
    `Job page graph of a 10,000-step workflow (${(live.length / 1e6).toFixed(1)} MB API answer over HTTP -> collapsed view, clickable; ms from navigation start):`,
  );
  console.table(liveRows);
  await browser.close();
  server.close();
}

await main();
