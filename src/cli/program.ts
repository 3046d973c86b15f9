import { Command, Option } from 'commander';
import { anchorCommand } from './anchor-command.js';
import { controlCommand, forkCommand } from './fork-command.js';
import { historyCommand } from './history-command.js';
import { exportCommand, importCommand, replayCheckCommand } from './portable-commands.js';
import { diffCommand, explainCommand, listCommand, showCommand, stateCommand } from './inspect-commands.js';
import { projectionsCommand } from './projections-command.js';
import { searchCommand } from './search-command.js';
import { CliError } from './cli-error.js';
import { DEFAULT_DB } from './open-store.js';
import type { TextOut } from './progress/views.js';
import { publishCommand } from './publish-command.js';
import { runCommand } from './run-command.js';
import { uiCommand } from './ui-command.js';
import { validateCommand } from './validate-command.js';
import { verifyCommand } from './verify-command.js';

/** What the commands write to and listen to. */
export interface ProgramIo {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  /** Resolves on Ctrl-C. */
  readonly interrupted?: Promise<void>;
  /** Registers what to do right before the process quits at once (a second Ctrl-C). */
  readonly atForceQuit?: (hook: () => void) => void;
  /** Receives each command's exit code. */
  readonly exit: (code: number) => void;
}

const DB_HELP = 'the store: a SQLite file, or a postgres:// URL';
const collect = (value: string, previous: string[] = []) => [...previous, value];

const configOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--config <json>', 'interpolation values for ((path)) placeholders, as JSON (default: $WFE_CONFIG)').conflicts('configFile'))
    .option('--config-file <file>', 'the same, from a JSON file');

/** The `wfe` command line: run, validate, history, publish, verify, search, projections, ui. */
export function buildProgram(io: ProgramIo, version: string): Command {
  const program = new Command('wfe')
    .description('Run YAML workflows on wfe, the event-sourced workflow engine, and inspect their runs.')
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride();

  configOptions(
    program
      .command('run')
      .description('run a workflow of FILE with live progress; exit 1 unless it completes')
      .argument('<file>', 'a YAML workflow file')
      .option('-w, --workflow <id>', 'the workflow to start (default: the only one, the one named like the file, or the one no other calls)'),
  )
    .option('--db <path>', 'SQLite database (":memory:" keeps nothing)', DEFAULT_DB)
    .option('-i, --input <json>', 'start data (the workflow inputs), as a JSON object')
    .option('-s, --stream-output', "print steps' stdout and stderr lines as they come")
    .option('-t, --timeout <duration>', 'stop and terminate the run after this long (30s, 10m, 1h)')
    .option('--max-file-size <size>', 'refuse a workflow file larger than this (default 1MB)')
    .option('--allow-undeclared-inputs', 'accept --input keys the workflow does not declare (they never reach a step environment)')
    .option('--continue <id>', 'continue this instance (a fork made by wfe fork) instead of starting one')
    .option('--signing-key <file>', "sign each append's head with this Ed25519 private key (PEM)")
    .action(async (file: string, opts: Record<string, unknown>) => io.exit(await runCommand(file, opts, io)));

  configOptions(
    program
      .command('validate')
      .description('check FILE and print every problem as file:line:column')
      .argument('<file>', 'a YAML workflow file')
      .option('--max-file-size <size>', 'refuse a workflow file larger than this (default 1MB)'),
  ).action(
    (file: string, opts: Record<string, unknown>) => io.exit(validateCommand(file, opts, io.stdout)),
  );

  configOptions(
    program
      .command('history')
      .description("print an instance's timeline, folded from its log")
      .argument('<id>', 'the instance id `wfe run` printed')
      .option('--db <path|url>', DB_HELP, DEFAULT_DB)
      .option('--children', 'also print the child workflows it started')
      .option('--json', 'print the timeline rows as JSON')
      .option('--file <file>', 'the workflow file, for step names when the run record is gone'),
  ).action(async (id: string, opts: Record<string, unknown>) => io.exit(await historyCommand(id, opts, io.stdout)));

  program
    .command('publish')
    .description('publish an event NAME/KEY for the workflows that wait for it (type: wait), now or later')
    .argument('<name>', 'the event name')
    .argument('<key>', 'the event key')
    .option('-d, --data <json>', 'the payload, as JSON (default null)')
    .option('--effective-at <time>', 'ms since the epoch or an ISO date (default: now)')
    .option('--db <path>', 'SQLite database the run uses', DEFAULT_DB)
    .action(async (name: string, key: string, opts: Record<string, unknown>) => io.exit(await publishCommand(name, key, opts, io.stdout)));

  program
    .command('verify')
    .description('check the database file and the hash chains (signatures with --public-key, heads with --anchor): exit 1 naming the instance and first bad version, 2 if it cannot check')
    .argument('[id]', 'one instance (default: all)')
    .option('--db <path|url>', DB_HELP, DEFAULT_DB)
    .option('--all', 'every instance of the log and of the anchor')
    .option('--children', 'also verify the child workflows it started')
    .option('--anchor <file>', 'an anchor made by wfe anchor: each stream must still have its anchored head')
    .option('--public-key <file>', 'the signing key (PEM): every signature must verify and each head be signed')
    .option('--json', 'print the reports as JSON')
    .action(async (id: string | undefined, opts: Record<string, unknown>) => io.exit(await verifyCommand(id, opts, io.stdout)));

  program
    .command('anchor')
    .description('print a checkpoint of every stream head (version + hash), signed with --key, to keep outside the store')
    .option('--db <path|url>', DB_HELP, DEFAULT_DB)
    .option('--key <file>', 'the Ed25519 private key (PEM) that signs the anchor')
    .action(async (opts: Record<string, unknown>) => io.exit(await anchorCommand(opts, io.stdout, io.stderr)));

  program
    .command('search')
    .description('find instances in the index: free text, status, definition, dates, data fields')
    .argument('[text]', 'words that must all occur (reference, definition, step names, text data fields); a trailing * matches a prefix')
    .option('--db <path|url>', DB_HELP, DEFAULT_DB)
    .option('--status <s>', 'runnable, suspended, complete, terminated or failed (comma-separated for several)')
    .option('--definition <id[@version]>', 'only instances of this workflow (and version)')
    .option('--since <time>', 'created at or after: an ISO date or a time back from now (30m, 2h, 7d)')
    .option('--until <time>', 'created before: an ISO date or a time back from now')
    .option('--where <path=value>', 'a data field filter (=, !=, >, >=, <, <=); repeat for several', collect)
    .option('--waiting <event>', 'waiting for an event of this name')
    .option('--failed-step <name>', 'a step of this name failed')
    .option('--limit <n>', 'page size (1-1000, default 50)')
    .option('--cursor <cursor>', 'the next page of a previous search')
    .option('--json', 'print { items, nextCursor } as JSON')
    .action(async (text: string | undefined, opts: Record<string, unknown>) => io.exit(await searchCommand(text, opts, io.stdout)));

  program
    .command('projections')
    .description('list projections, rebuild them from the log, or verify them against it (verify exits 1 on drift)')
    .argument('<action>', 'list, rebuild or verify')
    .argument('[name]', 'one projection (default: all)')
    .option('--db <path|url>', DB_HELP, DEFAULT_DB)
    .option('--json', 'print the result as JSON')
    .action(async (action: string, name: string | undefined, opts: Record<string, unknown>) => {
      if (!['list', 'rebuild', 'verify'].includes(action)) throw new CliError(`projections ${action}: expected list, rebuild or verify`);
      io.exit(await projectionsCommand(action, name, opts, io.stdout));
    });

  const storeCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option('--db <path|url>', DB_HELP, DEFAULT_DB)
      .option('--json', 'print the result as JSON');
  const actorOptions = (cmd: Command) =>
    cmd
      .option('--actor <name>', 'who acts, recorded with the events (default: the OS user)')
      .option('--reason <text>', 'why, recorded with the events')
      .option('--key <file>', 'sign what it appends with this Ed25519 private key (PEM), as a signing host does');

  storeCommand('list', 'list instances (newest first) from the index')
    .option('--status <s>', 'runnable, suspended, complete, terminated or failed (comma-separated for several)')
    .option('--definition <id>', 'only instances of this workflow')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (opts: Record<string, unknown>) => io.exit(await listCommand(opts, io.stdout)));
  storeCommand('show', 'an instance at a glance: state, who started it, what it is doing or why it failed')
    .argument('<id>', 'the instance id (or an unambiguous prefix)')
    .action(async (id: string, opts: Record<string, unknown>) => io.exit(await showCommand(id, opts, io.stdout)));
  storeCommand('state', 'the state after version N (default: the latest), folded from the log')
    .argument('<id>', 'the instance id (or an unambiguous prefix)')
    .option('--at <n>', 'the version (1 = after WorkflowStarted)')
    .action(async (id: string, opts: Record<string, unknown>) => io.exit(await stateCommand(id, opts, io.stdout)));
  storeCommand('diff', 'what changed between two versions: data paths, pointers, status')
    .argument('<id>', 'the instance id (or an unambiguous prefix)')
    .option('--at <n>', 'what version N changed (from N-1 to N)')
    .option('--from <a>', 'from the state after version A (0: nothing)')
    .option('--to <b>', 'to the state after version B')
    .action(async (id: string, opts: Record<string, unknown>) => io.exit(await diffCommand(id, opts, io.stdout)));
  storeCommand('explain', 'what an instance waits for, until when it sleeps, or why it failed (and where to fork)')
    .argument('<id>', 'the instance id (or an unambiguous prefix)')
    .option('--at <n>', 'as of this version')
    .action(async (id: string, opts: Record<string, unknown>) => io.exit(await explainCommand(id, opts, io.stdout)));
  actorOptions(
    storeCommand('fork', 'a new instance from an earlier version, optionally with corrected data; prints the new id last')
      .argument('<id>', 'the instance id (or an unambiguous prefix)')
      .option('--at <n>', 'the version to fork at')
      .option('--data <json>', 'replace the data at the fork point')
      .option('--set <path=value>', 'set one data path (JSON value or text); repeat for several', collect)
      .option('--dry-run', 'run the fork in a sandbox up to its first new side effect and print its diff; write nothing'),
  ).action(async (id: string, opts: Record<string, unknown>) => io.exit(await forkCommand(id, opts, io.stdout)));
  for (const action of ['suspend', 'resume', 'terminate'] as const) {
    actorOptions(storeCommand(action, `${action} an instance, recording who and why`).argument('<id>', 'the instance id (or an unambiguous prefix)')).action(
      async (id: string, opts: Record<string, unknown>) => io.exit(await controlCommand(action, id, opts, io.stdout)),
    );
  }

  program
    .command('ui')
    .description('serve the web time-travel debugger over the store (127.0.0.1 unless told otherwise) and print its address')
    .option('--db <path|url>', DB_HELP, DEFAULT_DB)
    .option('--port <n>', 'port (0 picks a free one)', '4680')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a --host beyond loopback (every request then needs the token)')
    .option('--token <token>', 'the token required on every request (default: $WFE_UI_TOKEN, generated beyond loopback)')
    .option('--public-key <file>', "the signing key (PEM): each instance's chain check verifies its signatures")
    .option('--anchor <file>', 'an anchor made by wfe anchor: each chain check also requires the anchored head')
    .action(async (opts: { db: string; port?: string; host?: string; allowRemote?: boolean; token?: string; publicKey?: string; anchor?: string }) => io.exit(await uiCommand(opts, io, version)));

  storeCommand('export', 'print one instance as JSON lines (envelopes, hashes, signatures, its definition): wfe export ID > run.jsonl')
    .argument('<id>', 'the instance id (or an unambiguous prefix)')
    .action(async (id: string, opts: Record<string, unknown>) => io.exit(await exportCommand(id, opts, io.stdout)));
  storeCommand('import', 'import an exported run, verified first (all or nothing)')
    .argument('<file>', 'a file made by wfe export')
    .option('--public-key <file>', 'also check its signatures with this key (PEM)')
    .action(async (file: string, opts: Record<string, unknown>) => io.exit(await importCommand(file, opts, io.stdout)));
  storeCommand('replay-check', 're-fold stored runs with this code; exit 1 listing the instances whose state would differ')
    .option('--sample <n>', 'check n instances spread over the log instead of all')
    .action(async (opts: Record<string, unknown>) => io.exit(await replayCheckCommand(opts, io.stdout)));

  return program;
}
