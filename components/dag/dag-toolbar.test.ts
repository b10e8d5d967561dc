import { describe, expect, it } from 'vitest';
import { createGraphNode } from '@/lib/domain/workflow/graph-model';
import { toMermaid } from './dag-toolbar';

describe('toMermaid', () => {
  it('gives the drawn graph as escaped Mermaid with phase icons and colours', () => {
    const nodes = [
      createGraphNode({ id: 'a', label: '<script>alert(1)</script>', type: 'Pod', phase: 'Failed' }),
      createGraphNode({ id: 'b', label: 'next', type: 'Pod' }),
    ];
    const text = toMermaid({ nodes, edges: [{ from: 'a', to: 'b' }] }, 'LR');
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toContain('n0["✕ #60;script#62;alert#40;1#41;#60;/script#62;"]');
    expect(text).not.toContain('<script>');
    expect(text).toContain('n0 --> n1');
    expect(text).toMatch(/classDef phaseFailed fill:#fee2e2/);
    expect(text).toContain('class n0 phaseFailed');
  });
});
