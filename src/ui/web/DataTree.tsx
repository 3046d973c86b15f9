// The workflow data as a tree: objects and arrays fold open, the first two levels open by default.
const MAX_CHILDREN = 200;

function Leaf({ value }: { value: unknown }) {
  const kind = value === null ? 'null' : typeof value;
  return <span class={`json-${kind}`}>{JSON.stringify(value)}</span>;
}

function Node({ name, value, depth }: { name: string; value: unknown; depth: number }) {
  if (value === null || typeof value !== 'object') {
    return (
      <li>
        <span class="json-key">{name}</span>: <Leaf value={value} />
      </li>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, MAX_CHILDREN);
  const label = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li>
      <details open={depth < 2}>
        <summary>
          <span class="json-key">{name}</span> <span class="json-count">{label}</span>
        </summary>
        <ul>
          {shown.map(([k, v]) => <Node key={k} name={k} value={v} depth={depth + 1} />)}
          {entries.length > shown.length && <li class="sub">… {entries.length - shown.length} more</li>}
        </ul>
      </details>
    </li>
  );
}

/** The data at the selected version. */
export function DataTree({ data }: { data: unknown }) {
  return (
    <ul class="tree" data-testid="data-tree">
      <Node name="data" value={data} depth={0} />
    </ul>
  );
}
