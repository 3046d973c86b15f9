import { dirname, resolve } from 'node:path';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import type { RegisteredFunction } from '../domain/step-api.js';
import { commandIssues } from './command-check.js';
import { compileWorkflow } from './compile.js';
import { interpolate, type InterpolationProblem } from './interpolate.js';
import { schemaIssues } from './schema-check.js';
import { semanticIssues } from './semantic-check.js';
import type { WorkflowFileSpec, WorkflowSpec } from './spec.js';
import type { ChildTarget, ExecutorOptions } from './step-bodies.js';
import { assertInputs, outputProblems, type WorkflowSignature } from './workflow-signature.js';
import { sortIssues, yamlInvalid, type YamlIssue } from './yaml-issue.js';
import { parseYamlSource } from './yaml-source.js';
import { DEFAULT_MAX_YAML_BYTES, readWorkflowFile, sizeIssue } from './read-workflow-file.js';

/** Options of `loadWorkflows` / `loadWorkflow` / `parseWorkflows`. */
export interface LoadOptions {
  /** Values for `((path))` / `${{ path }}` (e.g. the `WFE_CONFIG` JSON). */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly executor?: ExecutorOptions;
  /** The largest workflow file (or text) accepted, in bytes, checked before parsing. Default 1 MiB. */
  readonly maxBytes?: number;
}

/** What a workflow file compiles to: definitions, the functions they name, and their signatures. */
export interface LoadResult {
  readonly file: string;
  readonly definitions: WorkflowDefinition[];
  readonly registry: Map<string, RegisteredFunction>;
  /** Declared inputs and outputs by workflow id (for `checkInputs` / `checkOutputs`). */
  readonly signatures: Map<string, WorkflowSignature>;
}

/** Reads and validates a file's text: every issue, or the validated spec. */
function analyse(text: string, file: string, config: Readonly<Record<string, unknown>>, maxBytes = DEFAULT_MAX_YAML_BYTES): { issues: YamlIssue[]; spec?: WorkflowFileSpec } {
  // Checked before parsing: the parser's time and memory grow with the text.
  if (text.length > maxBytes || Buffer.byteLength(text) > maxBytes) return { issues: [sizeIssue(file, Buffer.byteLength(text), maxBytes)] };
  const { source, issues } = parseYamlSource(text, file);
  if (!source) return { issues: sortIssues(issues) };
  const problems: InterpolationProblem[] = [];
  const value = interpolate(source.value, config, problems);
  const all = [
    ...problems.map((p) => source.issue(p.path, p.message)),
    ...schemaIssues(source, value),
    ...semanticIssues(source, value),
    ...commandIssues(source, value),
  ];
  return all.length ? { issues: sortIssues(all) } : { issues: [], spec: value as WorkflowFileSpec };
}

/** Every problem in workflow text (empty when it is valid); nothing is compiled or run. */
export function validateWorkflowText(text: string, options: { file?: string; config?: Readonly<Record<string, unknown>>; maxBytes?: number } = {}): YamlIssue[] {
  return analyse(text, options.file ?? '<text>', options.config ?? {}, options.maxBytes).issues;
}

/** Every problem in a workflow file, each with file:line:column (for `wfe validate`). */
export function validateFile(path: string, options: { config?: Readonly<Record<string, unknown>>; maxBytes?: number } = {}): YamlIssue[] {
  const { text, issue } = readWorkflowFile(path, options.maxBytes);
  if (text === undefined) return [issue!];
  return validateWorkflowText(text, { file: path, config: options.config, maxBytes: options.maxBytes });
}

/**
 * Compiles workflow text. Throws `WfeError('YAML_INVALID')` listing every problem with
 * file:line:column; nothing is registered or run then.
 */
export function parseWorkflows(text: string, options: LoadOptions & { file?: string } = {}): LoadResult {
  const file = options.file ?? '<text>';
  const { issues, spec } = analyse(text, file, options.config ?? {}, options.maxBytes);
  if (!spec) throw yamlInvalid(issues);
  const specs: readonly WorkflowSpec[] = spec.workflow ? [spec.workflow] : spec.workflows ?? [];
  const signatures = new Map<string, WorkflowSignature>(
    specs.map((wf) => [wf.id, { id: wf.id, version: wf.version ?? 1, file, inputs: wf.inputs ?? {}, outputs: wf.outputs ?? {} }]),
  );
  const registry = new Map<string, RegisteredFunction>();
  const child = (id: string, version?: number): ChildTarget => {
    const sig = signatures.get(id)!;
    return {
      id,
      version: version ?? sig.version,
      outputs: Object.keys(sig.outputs),
      checkInputs: (data) => assertInputs(sig, data),
      checkOutputs: (data) => outputProblems(sig, data),
    };
  };
  const baseDir = options.file ? dirname(resolve(options.file)) : process.cwd();
  const definitions = specs.map((wf) => compileWorkflow(wf, { baseDir, executor: options.executor ?? {}, child, registry }));
  return { file, definitions, registry, signatures };
}

/** Reads and compiles every workflow of a file (`workflow:` or `workflows:`). */
export function loadWorkflows(path: string, options: LoadOptions = {}): LoadResult {
  const { text, issue } = readWorkflowFile(path, options.maxBytes);
  if (text === undefined) throw yamlInvalid([issue!]);
  return parseWorkflows(text, { ...options, file: path });
}

/**
 * Like `loadWorkflows`, plus `definition`: the workflow `workflowId`, or the file's first one.
 * All definitions stay in the result, since the chosen one may start the others as children.
 */
export function loadWorkflow(path: string, options: LoadOptions & { workflowId?: string } = {}): LoadResult & { definition: WorkflowDefinition } {
  const loaded = loadWorkflows(path, options);
  const definition = options.workflowId === undefined ? loaded.definitions[0] : loaded.definitions.find((d) => d.id === options.workflowId);
  if (!definition) {
    throw new WfeError('UNKNOWN_DEFINITION', `${path} has no workflow '${options.workflowId}' (it has: ${loaded.definitions.map((d) => d.id).join(', ')})`, {
      workflowId: options.workflowId,
    });
  }
  return { ...loaded, definition };
}

function signatureOf(loaded: Pick<LoadResult, 'signatures' | 'file'>, workflowId: string): WorkflowSignature {
  const sig = loaded.signatures.get(workflowId);
  if (!sig) throw new WfeError('UNKNOWN_DEFINITION', `${loaded.file} has no workflow '${workflowId}'`, { workflowId });
  return sig;
}

/**
 * Checks start data against a workflow's declared `inputs`; throws `WfeError('INVALID_COMMAND')`
 * naming every missing or mistyped input. Call it before starting a YAML workflow.
 */
export function checkInputs(loaded: Pick<LoadResult, 'signatures' | 'file'>, workflowId: string, data: unknown): void {
  assertInputs(signatureOf(loaded, workflowId), data);
}

/** Problems with a finished workflow's declared `outputs` (missing or mistyped); empty when fine. */
export function checkOutputs(loaded: Pick<LoadResult, 'signatures' | 'file'>, workflowId: string, data: unknown): string[] {
  return outputProblems(signatureOf(loaded, workflowId), data);
}

/**
 * The keys of start data that a workflow does not declare under `inputs` (sorted). They would
 * land in the data without a type check and never reach a shell step's environment; the CLI
 * refuses them unless told to allow them.
 */
export function undeclaredInputs(loaded: Pick<LoadResult, 'signatures' | 'file'>, workflowId: string, data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const declared = signatureOf(loaded, workflowId).inputs;
  return Object.keys(data).filter((k) => !Object.prototype.hasOwnProperty.call(declared, k)).sort();
}
