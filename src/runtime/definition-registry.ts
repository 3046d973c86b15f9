import { createHash } from 'node:crypto';
import type { BuiltWorkflow } from '../domain/builder.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import { canonicalJson, type Json } from '../domain/json.js';
import type { FunctionRegistry } from '../domain/step-api.js';
import { validateDefinition } from '../domain/validate-definition.js';
import type { DefinitionStore, StoredDefinition } from '../ports/definition-store.js';

/** What `registerWorkflow` takes: a built workflow, optionally with the source it came from (YAML spec). */
export type Registration = BuiltWorkflow<unknown> | { readonly definition: WorkflowDefinition; readonly registry: FunctionRegistry; readonly source?: Json };

/** A registered definition with its code and content hash. */
export interface Registered {
  readonly definition: WorkflowDefinition;
  readonly registry: FunctionRegistry;
  readonly source?: Json;
  /** sha256 of the canonical JSON of definition and source: what `WorkflowStarted` records. */
  readonly hash: string;
}

/** The content hash of a definition (and its source): equal content, equal hash, whatever the key order. */
export function definitionHash(definition: WorkflowDefinition, source?: Json): string {
  return createHash('sha256')
    .update(canonicalJson({ definition, ...(source !== undefined ? { source } : {}) }))
    .digest('hex');
}

/**
 * The definitions a host knows, by id and version, and their copies in the definition store: each is
 * saved once the store is open, so that tools name steps (and YAML commands) without the code, and a
 * second registration of the same id and version with other content is refused.
 */
export class DefinitionRegistry {
  private readonly byKey = new Map<string, Registered>();
  private readonly saved = new Map<string, Promise<void>>();
  private store?: { definitions: DefinitionStore; now: () => number };

  register(workflow: Registration): Registered {
    const { definition, registry } = workflow;
    validateDefinition(definition);
    const key = `${definition.id}@${definition.version}`;
    if (this.byKey.has(key)) throw new WfeError('DUPLICATE_DEFINITION', `workflow ${key} is already registered`, { id: definition.id, version: definition.version });
    const source = 'source' in workflow ? workflow.source : undefined;
    const reg: Registered = { definition, registry, ...(source !== undefined ? { source } : {}), hash: definitionHash(definition, source) };
    this.byKey.set(key, reg);
    if (this.store) void this.stored(reg).catch(() => undefined);
    return reg;
  }

  /** Connect the store and save every definition registered so far; rejects with DEFINITION_CONFLICT. */
  async attach(definitions: DefinitionStore, now: () => number): Promise<void> {
    this.store = { definitions, now };
    await Promise.all([...this.byKey.values()].map((r) => this.stored(r)));
  }

  detach(): void {
    this.store = undefined;
    this.saved.clear();
  }

  /** Resolves once `reg` is in the definition store (saved at most once per host). */
  stored(reg: Registered): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    const key = `${reg.definition.id}@${reg.definition.version}`;
    let p = this.saved.get(key);
    if (!p) {
      const doc: StoredDefinition = {
        id: reg.definition.id,
        version: reg.definition.version,
        hash: reg.hash,
        definition: reg.definition as unknown as Json,
        ...(reg.source !== undefined ? { source: reg.source } : {}),
        registeredAt: store.now(),
      };
      p = store.definitions.save(doc);
      p.catch(() => this.saved.delete(key));
      this.saved.set(key, p);
    }
    return p;
  }

  has(id: string, version: number): boolean {
    return this.byKey.has(`${id}@${version}`);
  }

  /** The registered definition: a given version, or the highest. */
  resolve(id: string, version?: number): Registered {
    if (version !== undefined) {
      const r = this.byKey.get(`${id}@${version}`);
      if (!r) throw new WfeError('UNKNOWN_DEFINITION', `workflow ${id} version ${version} is not registered${this.versionsOf(id)}`, { id, version });
      return r;
    }
    let best: Registered | undefined;
    for (const r of this.byKey.values()) if (r.definition.id === id && (!best || r.definition.version > best.definition.version)) best = r;
    if (!best) throw new WfeError('UNKNOWN_DEFINITION', `workflow ${id} is not registered`, { id });
    return best;
  }

  private versionsOf(id: string): string {
    const versions = [...this.byKey.values()].filter((r) => r.definition.id === id).map((r) => r.definition.version);
    return versions.length ? ` (registered: ${versions.join(', ')})` : '';
  }
}
