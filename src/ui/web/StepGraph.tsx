// The definition's steps as a graph (laid out by dagre), each coloured by its status at the selected version.
import dagre from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { StepGraph as Graph } from './api';

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
interface Layout {
  readonly nodes: ReadonlyMap<number, Box>;
  readonly edges: readonly { readonly from: number; readonly to: number; readonly kind: string; readonly points: readonly { x: number; y: number }[] }[];
  readonly width: number;
  readonly height: number;
}

const NODE_H = 34;

/** The layout depends only on the steps and edges, not on statuses: computed once per definition. */
function layoutOf(graph: Graph): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 30, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(String(n.stepId), { width: Math.min(220, 24 + n.name.length * 7.2), height: NODE_H });
  graph.edges.forEach((e, i) => g.setEdge(String(e.from), String(e.to), { kind: e.kind }, `${e.kind}${i}`));
  dagre.layout(g);
  const nodes = new Map<number, Box>();
  for (const n of graph.nodes) {
    const b = g.node(String(n.stepId)) as Box;
    nodes.set(n.stepId, { x: b.x, y: b.y, width: b.width, height: b.height });
  }
  const edges = graph.edges.map((e, i) => ({ ...e, points: ((g.edge(String(e.from), String(e.to), `${e.kind}${i}`) as { points?: { x: number; y: number }[] }).points ?? []) }));
  const label = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: label.width ?? 100, height: label.height ?? 100 };
}

const path = (points: readonly { x: number; y: number }[]) => points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

export function StepGraph({ graph }: { graph: Graph }) {
  const structure = JSON.stringify([graph.nodes.map((n) => [n.stepId, n.name]), graph.edges]);
  const layout = useMemo(() => layoutOf(graph), [structure]);
  const byId = new Map(graph.nodes.map((n) => [n.stepId, n]));
  return (
    <div class="graph-wrap">
      <svg
        class="graph"
        data-testid="step-graph"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={`Step graph at version ${graph.version}: ${graph.nodes.map((n) => `${n.name} ${n.status}`).join(', ')}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="#555" />
          </marker>
        </defs>
        {layout.edges.map((e, i) => <path key={i} d={path(e.points)} class={`edge edge-${e.kind}`} marker-end="url(#arrow)" />)}
        {graph.nodes.map((n) => {
          const b = layout.nodes.get(n.stepId);
          if (!b) return null;
          return (
            <g key={n.stepId} class={`node status-${n.status.replace(/\s/g, '-')}`} data-step={n.name} data-status={n.status} transform={`translate(${b.x - b.width / 2},${b.y - b.height / 2})`}>
              <title>{`${n.name} (${n.kind}): ${n.status}${n.attempts > 1 ? `, ${n.attempts} attempts` : ''}`}</title>
              <rect width={b.width} height={b.height} rx="6" />
              <text x={b.width / 2} y={b.height / 2 + 4} text-anchor="middle">
                {n.name.length > 28 ? `${n.name.slice(0, 27)}…` : n.name}
                {n.attempts > 1 ? ` ×${n.attempts}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <details class="graph-list">
        <summary>Steps as a list</summary>
        <ul>
          {graph.nodes.map((n) => (
            <li key={n.stepId}>
              {n.parent !== undefined && byId.get(n.parent) ? `${byId.get(n.parent)!.name} › ` : ''}
              <strong>{n.name}</strong>: {n.status}
              {n.attempts > 1 ? ` (${n.attempts} attempts)` : ''}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
