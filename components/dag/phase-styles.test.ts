import { describe, expect, it } from 'vitest';
import { createGraphNode } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import { PHASE_COLOURS, phaseMeta } from './phase-styles';

// WCAG relative luminance and contrast ratio.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

describe('PHASE_COLOURS', () => {
  it.each(Object.entries(PHASE_COLOURS))('%s text reads on its fill (WCAG AA)', (_, style) => {
    expect(contrast(style.color!, style.fill!)).toBeGreaterThanOrEqual(4.5);
  });

  it('is accepted by renderMermaid as class definitions', () => {
    const nodes = [createGraphNode({ id: 'a', label: 'a', type: 'Pod', phase: 'Failed' })];
    const text = renderMermaid({ nodes, edges: [] }, { styles: PHASE_COLOURS });
    expect(text).toContain('classDef phaseFailed fill:#fee2e2,stroke:#dc2626,color:#7f1d1d');
    expect(text).toContain('class n0 phaseFailed');
  });
});

describe('phaseMeta', () => {
  it('gives every phase its own icon and words', () => {
    const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Skipped'] as const;
    const icons = phases.map((p) => phaseMeta(p).icon);
    expect(new Set(icons).size).toBe(phases.length);
    for (const p of phases) expect(phaseMeta(p).label).toBe(p);
  });
  it('reads a missing phase as not started', () => {
    expect(phaseMeta(null).label).toBe('Not started');
  });
});
