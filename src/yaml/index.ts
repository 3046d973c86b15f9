export {
  loadWorkflows,
  loadWorkflow,
  parseWorkflows,
  validateFile,
  validateWorkflowText,
  checkInputs,
  checkOutputs,
  undeclaredInputs,
  type LoadOptions,
  type LoadResult,
} from './load-workflows.js';
export type { WorkflowSignature } from './workflow-signature.js';
export { formatIssue, type YamlIssue } from './yaml-issue.js';
export { DEFAULT_MAX_YAML_BYTES, readWorkflowFile } from './read-workflow-file.js';
export type { ExecutorOptions, StepOutputEvent } from './step-bodies.js';
export { functionName, YAML_DEFAULT_ERROR_BEHAVIOR } from './compile.js';
export { workflowSchema, workflowSchemaPath } from './schema-check.js';
export { parseValueType, checkValue, formatValueType, type ValueType } from './value-type.js';
export type { WorkflowFileSpec, WorkflowSpec, StepSpec, ConditionSpec, ErrorBehaviorSpec, StepType } from './spec.js';
