import Table from 'cli-table3';
import type { WorkflowDefinition } from '../domain/definition.js';
import { fold } from '../domain/evolve.js';
import { timeline, type TimelineRow } from '../projections/timeline.js';
import { loadWorkflows } from '../yaml/index.js';
import { configFrom } from './cli-input.js';
import { childInstances, DEFAULT_DB, openExistingStore, readInstance, type OpenStore } from './open-store.js';
import type { InstanceState } from '../domain/state.js';
import { firstLine, PLAIN, styleFor } from './progress/format.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe history`. */
export interface HistoryOptions {
  readonly db?: string;
  /** The YAML file, to name steps when the store has no copy of the definition (runs made before definitions were stored). */
  readonly file?: string;
  readonly config?: string;
  readonly configFile?: string;
  /** Also print the child workflows' timelines. */
  readonly children?: boolean;
  /** Rows as JSON instead of a table. */
  readonly json?: boolean;
}

/** The definition an instance ran: from the definition store, or from `--file` when given. */
async function definitionOf(store: OpenStore, state: InstanceState, options: HistoryOptions): Promise<WorkflowDefinition | undefined> {
  if (options.file) return loadWorkflows(options.file, { config: configFrom(options) }).definitions.find((d) => d.id === state.definitionId && d.version === state.definitionVersion);
  const stored = await store.definitions.get(state.definitionId, state.definitionVersion);
  return stored?.definition as unknown as WorkflowDefinition | undefined;
}

/**
 * `wfe history ID`: the instance's timeline (`src/projections/timeline.ts`) as a table, its status
 * folded from the log, and the child workflows it started.
 */
export async function historyCommand(instanceId: string, options: HistoryOptions, out: TextOut): Promise<number> {
  const db = options.db ?? DEFAULT_DB;
  const store = await openExistingStore(db);
  try {
    const queue = [instanceId];
    const json: Record<string, TimelineRow[]> = {};
    while (queue.length) {
      const id = queue.shift()!;
      const events = await readInstance(store, id, db);
      const state = fold(undefined, events.map((e) => e.event));
      const definition = await definitionOf(store, state, options);
      const rows = timeline(definition, events);
      const children = childInstances(events);
      if (options.children) queue.push(...children);
      if (options.json) {
        json[id] = rows;
        continue;
      }
      out.write(`${renderTable(id, state.definitionId, state.definitionVersion, state.status, events[0]!.recordedAt, rows, out, !!definition)}\n`);
      if (children.length && !options.children) out.write(`child workflows: ${children.join(', ')} (add --children to print them)\n`);
    }
    if (options.json) out.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function renderTable(id: string, defId: string, version: number, status: string, startedAt: number, rows: readonly TimelineRow[], out: TextOut, named: boolean): string {
  const style = styleFor(out);
  const table = new Table({
    head: ['v', '+ms', 'event', 'step', 'detail'],
    wordWrap: true,
    style: { compact: true, head: style === PLAIN ? [] : ['cyan'], border: [] },
  });
  for (const r of rows) table.push([r.version, r.offset, r.type, r.step ?? '', clip(firstLine(r.detail), 90)]);
  const head = `instance ${id}: ${defId}@${version}, ${status}, started ${new Date(startedAt).toISOString()}, ${rows.length} events`;
  const note = named ? '' : '\n(step names unknown: the definition is not in the store; pass --file with the workflow file)';
  return `${style.bold(head)}${note}\n${table.toString()}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
