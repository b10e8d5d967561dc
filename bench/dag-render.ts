// `node --import tsx bench/dag-render.ts`: Mermaid render time of the DAG view in headless Chromium,
// with the console's own Mermaid config and phase colours. Cold = first render in a fresh page
// (Mermaid's lazily loaded diagram chunks included), warm = median of the next renders.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { MERMAID_CONFIG } from '@/components/dag/load-mermaid';
import { MERMAID_PHASE_STYLES } from '@/components/dag/phase-styles';
import { buildView } from '@/lib/domain/workflow/collapse';
import { createGraphNode, type WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';

const dist = path.resolve(import.meta.dirname, '../node_modules/mermaid/dist');

/** root -> N parallel steps -> merge, the shape of a sweep. */
function fanOut(n: number): WorkflowGraph {
  const nodes = [createGraphNode({ id: 'root', label: 'sweep', type: 'DAG' }), createGraphNode({ id: 'merge', label: 'merge', type: 'Pod' })];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push(createGraphNode({ id: `s${i}`, label: `bench(${i}:batch=${i % 8},model=m${i % 5})`, type: 'Pod', phase: i % 7 ? 'Succeeded' : 'Running' }));
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
      if (l > 0) edges.push({ from: `${l - 1}-${w}`, to: `${l}-${w}` }, { from: `${l - 1}-${(w + 1) % width}`, to: `${l}-${w}` });
    }
  }
  return { nodes, edges };
}

const cases: Array<{ name: string; graph: WorkflowGraph; expandAll: boolean }> = [
  { name: 'diamond-ish (5)', graph: layered(2, 2), expandAll: true },
  { name: 'collapsed fan-out of 10,000', graph: fanOut(10_000), expandAll: false },
  { name: '60 nodes (6x10 layers)', graph: layered(6, 10), expandAll: true },
  { name: 'expanded fan-out 120', graph: fanOut(120), expandAll: true },
  { name: 'expanded fan-out 240 (~480 edges)', graph: fanOut(240), expandAll: true },
];

const PAGE = `<!doctype html><meta charset="utf-8"><body><div id="out"></div><script type="module">
import mermaid from '/mermaid.esm.min.mjs';
window.renderDag = async (config, text, id) => {
  if (!window.inited) { mermaid.initialize(config); window.inited = true; }
  const t0 = performance.now();
  const { svg } = await mermaid.render(id, text);
  document.getElementById('out').innerHTML = svg;
  return performance.now() - t0;
};
window.ready = true;
</script>`;

async function main() {
  const server = http.createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const file = path.join(dist, path.normalize(req.url ?? '').replace(/^([/\\])+/, ''));
    if (!file.startsWith(dist) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  // DAG_BENCH_CONFIGS='[{"layout":"dagre"},{}]' compares Mermaid settings on the same cases.
  const variants: Array<Record<string, unknown>> = JSON.parse(process.env.DAG_BENCH_CONFIGS ?? '[{}]');
  const only = process.env.DAG_BENCH_CASES;
  const rows = [];
  for (const c of cases.filter((x) => !only || only.split(',').some((w) => x.name.includes(w)))) {
    const view = buildView(c.graph, { expanded: new Set(c.expandAll ? c.graph.nodes.map((n) => n.id) : []) });
    const text = renderMermaid(view, { styles: MERMAID_PHASE_STYLES });
    for (const variant of variants) {
      const config = { ...MERMAID_CONFIG, ...variant };
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        times.push(await page.evaluate(([cfg, src, id]) => (window as unknown as { renderDag: (a: unknown, b: string, c: string) => Promise<number> }).renderDag(cfg, src, id), [config, text, `d${i}`] as const));
      }
      const warm = times.slice(1).sort((a, b) => a - b);
      rows.push({ case: c.name, config: JSON.stringify(variant), drawnNodes: view.nodes.length, drawnEdges: view.edges.length, coldMs: Math.round(times[0]), warmMinMs: Math.round(warm[0]), warmMedianMs: Math.round(warm[1]) });
      await page.close();
    }
  }
  console.table(rows);
  await browser.close();
  server.close();
}

await main();
