import { describe, expect, it } from 'vitest';
import { createGraphNode } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import { indexMermaidIds, mermaidNameOf } from './mermaid-ids';

const el = (id: string, dataId: string | null = null) => ({ id, getAttribute: (name: string) => (name === 'data-id' ? dataId : null) });

describe('indexMermaidIds', () => {
  it('agrees with the names renderMermaid gives the nodes', () => {
    const nodes = ['root', 'a"b', '<script>'].map((id) => createGraphNode({ id, label: id, type: 'Pod' }));
    const text = renderMermaid({ nodes, edges: [] });
    const names = indexMermaidIds(nodes);
    for (const [name, id] of names) {
      const index = nodes.findIndex((n) => n.id === id);
      expect(text.split('\n')[index + 1]).toMatch(new RegExp(`^ {2}${name}\\[`));
    }
    expect(names.get('n2')).toBe('<script>');
  });
});

describe('mermaidNameOf', () => {
  it('reads data-id first', () => {
    expect(mermaidNameOf(el('whatever', 'n12'))).toBe('n12');
  });
  it('falls back to the flowchart element id', () => {
    expect(mermaidNameOf(el('dag-r1-3-flowchart-n7-42'))).toBe('n7');
    expect(mermaidNameOf(el('flowchart-n0-0'))).toBe('n0');
  });
  it('ignores anything else', () => {
    expect(mermaidNameOf(el('flowchart-evil-1', 'x'))).toBeNull();
    expect(mermaidNameOf(el('n3'))).toBeNull();
  });
});
