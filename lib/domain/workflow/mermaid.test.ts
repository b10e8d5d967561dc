import { describe, expect, it } from 'vitest';
import { createGraphNode } from './graph-model';
import { escapeMermaidLabel, renderMermaid } from './mermaid';

const HOSTILE = [
  'say "hi"',
  '<script>alert(1)</script>',
  '`rm -rf`',
  '#quot; #35;',
  'a; click n0 call alert()',
  'line one\nline two\r\nend',
  '"]; n9["pwned',
  '{{inputs.parameters.x}} | [x] (y) %%',
];

describe('escapeMermaidLabel', () => {
  it.each(HOSTILE)('leaves nothing Mermaid would read as syntax: %j', (label) => {
    // Outside its own entity codes (`#60;`), the label holds no character Mermaid treats as syntax,
    // and every '#' starts such a code, so the text cannot forge one.
    const bare = escapeMermaidLabel(label).replace(/#\d+;/g, '');
    expect(bare).not.toMatch(/["<>`;\n\r[\]{}()|&#]/);
  });

  it('round-trips through entity decoding', () => {
    for (const label of HOSTILE) {
      const decoded = escapeMermaidLabel(label, 1_000).replace(/#(\d+);/g, (_, code: string) =>
        String.fromCharCode(Number(code)),
      );
      expect(decoded).toBe(label.replace(/[\r\n]+/g, ' '));
    }
  });

  it('truncates long labels', () => {
    expect(escapeMermaidLabel('x'.repeat(200), 10)).toHaveLength(10);
  });
});

describe('renderMermaid', () => {
  const nodes = HOSTILE.map((label, i) =>
    createGraphNode({ id: `id-${label}`, label, type: i === 0 ? 'DAG' : 'Pod', phase: i % 2 ? 'Failed' : 'Succeeded' }),
  );
  const edges = nodes.slice(1).map((n) => ({ from: nodes[0].id, to: n.id }));

  it('draws one well-formed line per node and edge, with generated ids', () => {
    const text = renderMermaid(
      { nodes, edges },
      { styles: { Succeeded: { fill: '#16a34a', color: 'white' }, Failed: { fill: 'rgb(220, 38, 38)' } } },
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    const nodeLines = lines.filter((l) => /^ {2}n\d+[[({>]/.test(l));
    expect(nodeLines).toHaveLength(nodes.length);
    for (const line of nodeLines) expect(line).toMatch(/^ {2}n\d+(\["[^"]*"\]|\[\["[^"]*"\]\])$/);
    expect(lines.filter((l) => / --> /.test(l))).toHaveLength(edges.length);
    expect(text).toContain('classDef phaseSucceeded fill:#16a34a,color:white');
    expect(text).toContain('class n0,n2,n4,n6 phaseSucceeded');
    expect(text).not.toContain('<script');
  });

  it('refuses a colour that could inject syntax', () => {
    expect(() => renderMermaid({ nodes, edges }, { styles: { Failed: { fill: 'red;} click n0 call x()' } } })).toThrow(
      /invalid colour/,
    );
  });
});
