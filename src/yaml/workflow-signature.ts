import { WfeError } from '../domain/errors.js';
import { checkValue, parseValueType } from './value-type.js';

/** A workflow's declared inputs and outputs (name → type text), kept by the loader for checks at run time. */
export interface WorkflowSignature {
  readonly id: string;
  readonly version: number;
  readonly file: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

/** Problems with `data` against a map of declared types; empty when it fits. */
export function typeProblems(types: Readonly<Record<string, string>>, data: unknown, what: string): string[] {
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  if (!record && Object.keys(types).length) return [`${what}: expected a map of values, got ${Array.isArray(data) ? 'a list' : typeof data}`];
  return Object.entries(types).flatMap(([name, type]) => checkValue(parseValueType(type), record?.[name], `${what} '${name}'`));
}

/** Throws `WfeError('INVALID_COMMAND')` listing every declared input `data` is missing or has the wrong type. */
export function assertInputs(sig: WorkflowSignature, data: unknown): void {
  const problems = typeProblems(sig.inputs, data, 'input');
  if (problems.length) {
    throw new WfeError('INVALID_COMMAND', `workflow '${sig.id}' (${sig.file}) cannot start: ${problems.join('; ')}`, { workflowId: sig.id, problems });
  }
}

/** Problems with the declared outputs of a finished workflow's data. */
export function outputProblems(sig: WorkflowSignature, data: unknown): string[] {
  return typeProblems(sig.outputs, data, 'output');
}
