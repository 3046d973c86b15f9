import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createSqlitePersistence } from '../adapters/sqlite/index.js';
import type { WorkflowEvent } from '../domain/events.js';
import type { InstanceState } from '../domain/state.js';
import { explainState } from '../inspect/explain-state.js';
import { readKeyFile } from '../log/signing.js';
import { WorkflowHost } from '../runtime/host.js';
import { checkInputs, loadWorkflows, undeclaredInputs, type StepOutputEvent } from '../yaml/index.js';
import { chooseWorkflow } from './choose-workflow.js';
import { CliError, EXIT } from './cli-error.js';
import { configFrom, inputFrom, sizeFrom, timeoutFrom } from './cli-input.js';
import { prepareDbPath } from './prepare-db-path.js';
import { DEFAULT_DB } from './open-store.js';
import { styleFor } from './progress/format.js';
import { ProgressModel } from './progress/model.js';
import { ProgressReporter } from './progress/reporter.js';
import { PlainView, TtyView, type TextOut } from './progress/views.js';
import { summaryLines, type RunEnd } from './run-summary.js';
import { RunCanceller } from './run-canceller.js';
import { CANCEL_GRACE_MS, cancelRun, orphanOfEndedRun, stopInstances } from './run-stop.js';

/** Options of `wfe run`. */
export interface RunOptions {
  readonly workflow?: string;
  readonly config?: string;
  readonly configFile?: string;
  readonly db?: string;
  readonly input?: string;
  readonly streamOutput?: boolean;
  readonly timeout?: string;
  /** Largest workflow file read (`5MB`, `512KB`, bytes). Default 1 MiB. */
  readonly maxFileSize?: string;
  /** Start data may hold keys the workflow does not declare under `inputs`. */
  readonly allowUndeclaredInputs?: boolean;
  /** Continue this existing instance of the file's workflow (a fork, or a run left unfinished) instead of starting one. */
  readonly continue?: string;
  /** Sign each append's head with this Ed25519 private key (PEM file). */
  readonly signingKey?: string;
}

/** Where `wfe run` writes, and what stops it early (tests pass their own). */
export interface RunIo {
  readonly stdout: TextOut;
  /** Resolves when the user interrupts (Ctrl-C). */
  readonly interrupted?: Promise<void>;
  /** Registers what to do right before the process quits at once (a second Ctrl-C). */
  readonly atForceQuit?: (hook: () => void) => void;
}

/**
 * `wfe run FILE`: registers every workflow of the file on a host (embedded SQLite by default),
 * starts the chosen one, shows progress until it ends, and returns the exit code: 0 when it
 * completed, 1 when it failed, was terminated or suspended (or timed out / was interrupted).
 */
export async function runCommand(file: string, options: RunOptions, io: RunIo): Promise<number> {
  if (!existsSync(file)) throw new CliError(`${file} does not exist`);
  const config = configFrom(options);
  const input = inputFrom(options.input);
  const timeoutMs = timeoutFrom(options.timeout);
  const db = options.db ?? DEFAULT_DB;
  const sink: { reporter?: ProgressReporter } = {};
  const onOutput = options.streamOutput ? (e: StepOutputEvent) => sink.reporter?.output(e) : undefined;
  const loaded = loadWorkflows(file, { config, executor: onOutput ? { onOutput } : {}, maxBytes: sizeFrom(options.maxFileSize) });
  const definition = chooseWorkflow(file, loaded.definitions, options.workflow);
  if (options.continue === undefined) checkInputs(loaded, definition.id, input);
  const undeclared = options.continue === undefined ? undeclaredInputs(loaded, definition.id, input) : [];
  if (undeclared.length && !options.allowUndeclaredInputs) {
    const declared = Object.keys(loaded.signatures.get(definition.id)?.inputs ?? {});
    throw new CliError(
      `--input has ${undeclared.length === 1 ? 'a key' : 'keys'} that workflow '${definition.id}' does not declare: ${undeclared.join(', ')} (declared inputs: ${declared.join(', ') || 'none'}); declare ${undeclared.length === 1 ? 'it' : 'them'} under inputs:, or pass --allow-undeclared-inputs`,
    );
  }
  prepareDbPath(db);

  const rootId = options.continue ?? randomUUID();
  const style = styleFor(io.stdout);
  const model = new ProgressModel(rootId, loaded.definitions);
  const view = io.stdout.isTTY ? new TtyView(io.stdout, model, style) : new PlainView(io.stdout);
  const reporter = new ProgressReporter(model, view, style, { streamOutput: !!options.streamOutput });
  sink.reporter = reporter;
  const canceller = new RunCanceller(loaded.definitions);
  io.atForceQuit?.(() => canceller.kill('wfe run was interrupted'));
  // Shared leases: another `wfe run` on the same file never runs a step of this run, nor this one of its.
  const persistence = createSqlitePersistence({ path: db, lock: 'shared' });
  const host = new WorkflowHost({ persistence, pollInterval: 250, ...(options.signingKey ? { signing: { privateKey: readKeyFile(options.signingKey, 'private') } } : {}) });
  let settle: (end: RunEnd) => void = () => undefined;
  const ended = new Promise<RunEnd>((resolve) => (settle = resolve));

  const foreign = new Set<string>();
  const noteForeign = (instanceId: string): void => {
    if (model.instanceIds.includes(instanceId) || instanceId.startsWith(`${rootId}.`) || foreign.has(instanceId)) return;
    foreign.add(instanceId);
    void orphanOfEndedRun(host, instanceId).then((orphan) => {
      view.print([style.dim(`wfe: ${orphan ? 'stopping' : 'also continuing'} instance ${instanceId}, left unfinished in ${db} by an earlier run${orphan ? ' that has ended' : ''}`)]);
      if (orphan) return stopInstances(host, [instanceId], canceller, 'the run that started it has ended');
    });
  };
  host.on('step:started', (e) => {
    noteForeign(e.instanceId);
    reporter.stepStarted(e);
  });
  const stopping: Promise<void>[] = [];
  host.on('events:appended', (e) => {
    for (const c of reporter.eventsAppended(e.instanceId, e.events)) {
      if (c.kind === 'ended' && c.row.type === 'workflow' && c.row.status === 'cancelled') {
        const prefix = `${c.row.instanceId}.${c.row.pointerId}.`;
        stopping.push(stopInstances(host, model.instanceIds.filter((id) => id.startsWith(prefix)), canceller, `its calling step '${c.row.name}' was cancelled`));
      }
      if (c.kind !== 'workflow-ended') continue;
      if (c.status === 'suspended') settle({ kind: 'suspended', instanceId: c.instanceId, reason: c.reason ?? '' });
      else if (c.instanceId === rootId) settle({ kind: 'ended' });
    }
  });
  host.on('host:error', (e) => {
    if (e.instanceId === undefined || model.instanceIds.includes(e.instanceId)) {
      view.print([style.yellow(`wfe: ${e.where}: ${e.error instanceof Error ? e.error.message : String(e.error)}`)]);
    }
  });
  const registry = canceller.wrap(loaded.registry, (ctx, at) => model.bodyEnded({ instanceId: ctx.instanceId, pointerId: ctx.pointerId, resumed: ctx.event !== undefined }, at));
  for (const d of loaded.definitions) host.registerWorkflow({ definition: d, registry });

  const started = Date.now();
  await host.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    view.print([style.bold(`wfe run ${file}: ${definition.id}@${definition.version}`) + style.dim(` (instance ${rootId})`)]);
    if (options.continue === undefined) await host.startWorkflow(definition.id, { version: definition.version, data: input, instanceId: rootId, reference: file });
    else await continueRun(host, rootId, db);
    if (timeoutMs !== undefined) timer = setTimeout(() => settle({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
    void io.interrupted?.then(() => settle({ kind: 'interrupted' }));
    void host.waitForCompletion(rootId, { timeoutMs: 10 * 365 * 86_400_000 }).then(() => settle({ kind: 'ended' }), () => undefined);
    const end = await ended;
    if (end.kind === 'suspended') await host.drain({ timeoutMs: 60_000 }).catch(() => undefined);
    if (end.kind === 'timeout' || end.kind === 'interrupted') {
      const reason = end.kind === 'timeout' ? `wfe run --timeout ${options.timeout} expired` : 'wfe run was interrupted';
      view.print([style.yellow(`wfe: ${reason}: stopping running steps; on_failure and ensure steps still run (for up to ${CANCEL_GRACE_MS / 1000}s)`)]);
      await cancelRun(host, rootId, () => model.instanceIds, canceller, reason);
    }
    await Promise.all(stopping);
    if (end.kind !== 'suspended') await stopInstances(host, model.instanceIds, canceller, 'the run has ended');
    const state: InstanceState = await host.getWorkflow(rootId);
    await host.stop();
    view.close();
    io.stdout.write(`${summaryLines({ state, end, model, style, elapsedMs: Date.now() - started, db, defaultDb: DEFAULT_DB }).join('\n')}\n`);
    if (state.status === 'failed') io.stdout.write(`${forkHint(state, (await persistence.log.read(rootId)).map((e) => e.event), file, db)}\n`);
    if (end.kind === 'interrupted') return EXIT.interrupted;
    return state.status === 'complete' && end.kind === 'ended' ? EXIT.ok : EXIT.failed;
  } finally {
    if (timer) clearTimeout(timer);
    view.close();
    await host.stop().catch(() => undefined);
    await persistence.close().catch(() => undefined);
  }
}

/** `--continue ID`: the instance must exist; the started host runs it (it is queued with the runnable ones). */
async function continueRun(host: WorkflowHost, instanceId: string, db: string): Promise<void> {
  const state = await host.getWorkflow(instanceId).catch(() => undefined);
  if (!state) throw new CliError(`--continue ${instanceId}: no such instance in ${db}`);
  if (state.status === 'suspended') await host.resumeWorkflow(instanceId);
}

/** What to do about a failed run: fork it from before the failed step with corrected data. */
export function forkHint(state: InstanceState, events: readonly WorkflowEvent[], file: string, db: string): string {
  const f = explainState(undefined, state, events).failure;
  if (!f) return `inspect it: wfe explain ${state.instanceId} --db ${db}`;
  return `to run it again from the failed step with corrected data: wfe fork ${state.instanceId} --at ${f.forkAt} --set PATH=VALUE --db ${db}, then wfe run ${file} --continue NEWID --db ${db}`;
}
