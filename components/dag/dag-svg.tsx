// The drawn DAG: an SVG from dagre's geometry (lib/domain/workflow/dag-layout.ts). Every label is
// a React text node, so a step named like markup stays text; nothing is parsed as HTML. Node
// elements are `g.node` with `data-node-id` and `data-phase`, which the view, the e2e tests and the
// bench select.
import { memo } from 'react';
import { HIDDEN_TYPE } from '@/lib/domain/workflow/collapse';
import {
  FONT_SIZE,
  PERCENT_WIDTH,
  shapePath,
  type DagLayout,
  type LaidOutNode,
} from '@/lib/domain/workflow/dag-layout';
import type { GraphNode } from '@/lib/domain/workflow/graph-model';
import { PHASE_COLOURS, phaseMeta } from './phase-styles';

export interface DagSvgProps {
  layout: DagLayout;
  byId: ReadonlyMap<string, GraphNode>;
  selectedId: string | null;
  /** Null fits the graph to the container's width (never below half size); a number is a fixed scale. */
  zoom: number | null;
  markerId: string;
}

export const DagSvg = memo(function DagSvg({ layout, byId, selectedId, zoom, markerId }: DagSvgProps) {
  const { width, height } = layout;
  const size =
    zoom === null
      ? { width: '100%', style: { maxWidth: width, minWidth: Math.min(width, width / 2 + 200) } }
      : { width: width * zoom, height: height * zoom };
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      {...size}
      xmlns="http://www.w3.org/2000/svg"
      className="block select-none"
      fontSize={FONT_SIZE}
      fontFamily="ui-sans-serif, system-ui, sans-serif"
    >
      <defs>
        <marker
          id={markerId}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0L10,5L0,10z" fill="#94a3b8" />
        </marker>
      </defs>
      <g className="edges" fill="none" stroke="#94a3b8" strokeWidth={1.5}>
        {layout.edges.map((e) => (
          <path key={`${e.from}\u0000${e.to}`} className="edge" d={e.path} markerEnd={`url(#${markerId})`} />
        ))}
      </g>
      <g className="nodes">
        {layout.nodes.map((placed) => {
          const node = byId.get(placed.id);
          return node ? (
            <DagNode key={placed.id} placed={placed} node={node} selected={placed.id === selectedId} />
          ) : null;
        })}
      </g>
    </svg>
  );
});

const DagNode = memo(function DagNode({
  placed,
  node,
  selected,
}: {
  placed: LaidOutNode;
  node: GraphNode;
  selected: boolean;
}) {
  const hidden = node.type === HIDDEN_TYPE;
  const style = PHASE_COLOURS[hidden ? 'Hidden' : (node.phase ?? 'Pending')] ?? PHASE_COLOURS.Pending;
  const meta = phaseMeta(node.phase);
  const outline = shapePath(placed.shape, placed.width, placed.height);
  const running = node.phase === 'Running' && node.estimate ? node.estimate.fraction : null;
  const percent = running === null ? null : `${Math.round(Math.min(running, 9.99) * 100)}%`;
  const label = hidden
    ? `${node.label}: expand`
    : `${node.label}, ${meta.label}${percent ? `, ${percent} of its estimate` : ''}`;
  const textWidth = placed.width - (percent ? PERCENT_WIDTH : 0);
  return (
    <g
      className="node"
      role="button"
      tabIndex={0}
      data-node-id={node.id}
      data-phase={hidden ? 'Hidden' : (node.phase ?? 'Pending')}
      aria-label={label}
      aria-pressed={selected}
      transform={`translate(${placed.x},${placed.y})`}
    >
      <title>{label}</title>
      {selected && <path d={outline} fill="none" stroke="#6366f1" strokeWidth={6} />}
      <path d={outline} fill={style.fill} stroke={style.stroke} strokeWidth={selected ? 2.5 : 1.5} />
      {running !== null && (
        <rect
          x={6}
          y={placed.height - 6}
          width={Math.max(2, (placed.width - 12) * Math.min(running, 1))}
          height={3}
          rx={1.5}
          fill={style.stroke}
        />
      )}
      {/* Icon and text centred together: the icon's width is reserved by the layout. */}
      <text x={textWidth / 2} y={placed.height / 2} textAnchor="middle" dominantBaseline="central" fill={style.color}>
        <tspan aria-hidden="true">{hidden ? '…' : meta.icon}</tspan> {placed.text}
      </text>
      {percent && (
        <text
          x={placed.width - PERCENT_WIDTH / 2 - 6}
          y={placed.height / 2}
          textAnchor="middle"
          dominantBaseline="central"
          fill={style.color}
          fontWeight={600}
        >
          {percent}
        </text>
      )}
    </g>
  );
});
