// Mermaid flowchart text for a graph view. Node ids are generated (n0, n1, ...), never taken from
// the workflow, and every label is escaped with Mermaid's entity codes (`#35;` = '#'), so a step
// named `"]; click n0 call alert()` or `<script>` stays text. Colours come from the caller: the
// phase-to-colour map is presentation and lives in components/.
import type { GraphEdge, GraphNode } from './graph-model';
import { HIDDEN_TYPE } from './collapse';

export interface PhaseStyle {
  fill?: string;
  stroke?: string;
  color?: string;
}

export interface MermaidOptions {
  /** Keyed by phase (`Succeeded`, ...) plus `Pending` for no phase and `Hidden` for placeholders. */
  styles?: Record<string, PhaseStyle>;
  direction?: 'TD' | 'LR';
  maxLabelLength?: number;
}

// Mermaid reads `#<decimal>;` inside a label as that character.
const SPECIAL = /[#&"'<>`;|[\]{}()\\*_~=:%$]/g;

// The other C0 control characters and DEL are dropped (a line break was a space first).
const isControl = (ch: string) => ch <= '\u001f' || ch === '\u007f';

export function escapeMermaidLabel(text: string, maxLength = 80): string {
  const spaced = text.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  const flat = [...spaced].filter((ch) => !isControl(ch)).join('');
  const short = flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
  return short.replace(SPECIAL, (ch) => `#${ch.charCodeAt(0)};`);
}

// A colour is one token: a hex code, a CSS name or an rgb()/hsl() function. Nothing that could
// end the style statement.
const COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]{1,40}\))$/;

export function renderMermaid(view: { nodes: GraphNode[]; edges: GraphEdge[] }, options: MermaidOptions = {}): string {
  const lines = [`flowchart ${options.direction ?? 'TD'}`];
  const ids = new Map<string, string>();
  const byClass = new Map<string, string[]>();
  view.nodes.forEach((node, index) => {
    const id = `n${index}`;
    ids.set(node.id, id);
    lines.push(`  ${id}${shape(node, escapeMermaidLabel(describeLabel(node), options.maxLabelLength))}`);
    const className = classFor(node);
    const members = byClass.get(className);
    if (members) members.push(id);
    else byClass.set(className, [id]);
  });
  for (const edge of view.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from && to) lines.push(`  ${from} --> ${to}`);
  }
  for (const [name, style] of Object.entries(options.styles ?? {})) {
    const declarations = (['fill', 'stroke', 'color'] as const)
      .filter((key) => style[key] !== undefined)
      .map((key) => {
        const value = style[key]!;
        if (!COLOUR.test(value)) throw new Error(`invalid colour for ${name}.${key}: ${JSON.stringify(value)}`);
        return `${key}:${value}`;
      });
    if (declarations.length > 0 && /^[A-Za-z]+$/.test(name))
      lines.push(`  classDef ${toClassName(name)} ${declarations.join(',')}`);
  }
  for (const [className, members] of byClass) lines.push(`  class ${members.join(',')} ${className}`);
  return lines.join('\n') + '\n';
}

function describeLabel(node: GraphNode): string {
  let label = node.label;
  if (node.estimate && node.phase === 'Running')
    label += ` ${Math.round(Math.min(node.estimate.fraction, 9.99) * 100)}%`;
  if (node.isExitHandler && !/onExit/.test(label)) label += ' (exit handler)';
  return label;
}

function shape(node: GraphNode, label: string): string {
  if (node.type === HIDDEN_TYPE) return `[/"${label}"/]`;
  if (node.type === 'DAG' || node.type === 'Steps') return `[["${label}"]]`;
  if (node.type === 'StepGroup' || node.type === 'TaskGroup') return `(("${label}"))`;
  if (node.type === 'Retry') return `{{"${label}"}}`;
  if (node.isExitHandler) return `>"${label}"]`;
  return `["${label}"]`;
}

function classFor(node: GraphNode): string {
  if (node.type === HIDDEN_TYPE) return toClassName('Hidden');
  return toClassName(node.phase ?? 'Pending');
}

function toClassName(name: string): string {
  return `phase${name}`;
}
