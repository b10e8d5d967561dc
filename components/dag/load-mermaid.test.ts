import { beforeEach, describe, expect, it, vi } from 'vitest';

const mermaid = vi.hoisted(() => ({
  initialize: vi.fn(),
  render: vi.fn(async (id: string, text: string) => ({ svg: `<svg id="${id}">${String(text)}</svg>` })),
}));
vi.mock('mermaid', () => ({ default: mermaid }));

const { loadMermaid, renderMermaidSvg, warmUpMermaid } = await import('./load-mermaid');

describe('loadMermaid', () => {
  beforeEach(() => mermaid.render.mockClear());

  it('initialises Mermaid once, strict and without scanning the page', async () => {
    await Promise.all([loadMermaid(), loadMermaid(), warmUpMermaid()]);
    expect(mermaid.initialize).toHaveBeenCalledTimes(1);
    expect(mermaid.initialize.mock.calls[0][0]).toMatchObject({ securityLevel: 'strict', startOnLoad: false });
  });

  it('draws a source once and serves it again from the cache', async () => {
    const first = await renderMermaidSvg('flowchart TD\n  n0["cached"]\n', 'a');
    const again = await renderMermaidSvg('flowchart TD\n  n0["cached"]\n', 'b');
    expect(again).toBe(first);
    expect(mermaid.render).toHaveBeenCalledTimes(1);
  });

  it('forgets the least recently used source past its size', async () => {
    await renderMermaidSvg('flowchart TD\n  n0["keep"]\n', 'k');
    for (let i = 0; i < 30; i++) {
      await renderMermaidSvg(`flowchart TD\n  n0["${i}"]\n`, `x${i}`);
      await renderMermaidSvg('flowchart TD\n  n0["keep"]\n', 'k'); // touched, so kept
    }
    await renderMermaidSvg('flowchart TD\n  n0["0"]\n', 'again');
    const sources = mermaid.render.mock.calls.map((c) => c[1]);
    expect(sources.filter((s) => s.includes('"keep"'))).toHaveLength(1);
    expect(sources.filter((s) => s.includes('"0"'))).toHaveLength(2);
  });
});
