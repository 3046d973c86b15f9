import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runShellStep } from './shell-executor.js';

/**
 * Known ways an environment variable makes a common program run a command. Each vector runs the
 * real program; a file appearing means the attack worked. The control run sets the variables
 * through the step's own `env` (the author's), which proves the vector is live on this machine;
 * the attack run passes the same variables as workflow data, declared by the author (the worst
 * case: the allowlist lets them through, the protected names must stop them), and undeclared.
 */
interface Vector {
  readonly name: string;
  readonly program: string;
  readonly shell?: string;
  readonly run: string;
  /** Data keys (lower case, as a workflow would name them) → values; `MARK` is the file to appear. */
  readonly data: (mark: string, dir: string) => Record<string, string>;
  readonly setup?: (dir: string, mark: string) => void;
}

const has = (program: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const VECTORS: readonly Vector[] = [
  {
    name: 'git: GIT_CONFIG_COUNT/KEY/VALUE sets core.fsmonitor',
    program: 'git',
    run: 'git status --short >/dev/null 2>&1; true',
    setup: (dir) => execFileSync('git', ['init', '-q', dir]),
    data: (mark) => ({ git_config_count: '1', git_config_key_0: 'core.fsmonitor', git_config_value_0: `touch ${mark}; false` }),
  },
  {
    name: 'git: GIT_CONFIG_PARAMETERS',
    program: 'git',
    run: 'git status --short >/dev/null 2>&1; true',
    setup: (dir) => execFileSync('git', ['init', '-q', dir]),
    data: (mark) => ({ git_config_parameters: `'core.fsmonitor'='touch ${mark}; false'` }),
  },
  {
    name: 'python: PYTHONWARNINGS imports antigravity, which opens $BROWSER',
    program: 'python3',
    run: 'python3 -c pass >/dev/null 2>&1; sleep 0.3; true',
    data: (mark) => ({ pythonwarnings: 'all:0:antigravity.x:0:0', browser: `/bin/sh -c 'touch ${mark}' #%s` }),
  },
  {
    name: 'npm: NPM_CONFIG_SCRIPT_SHELL runs another program for `npm run`',
    program: 'npm',
    run: 'npm run --silent hello >/dev/null 2>&1; true',
    setup: (dir, mark) => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { hello: 'true' } }));
      writeFileSync(join(dir, 'evil.sh'), `#!/bin/sh\ntouch ${mark}\n`);
      chmodSync(join(dir, 'evil.sh'), 0o755);
    },
    data: (_mark, dir) => ({ npm_config_script_shell: join(dir, 'evil.sh') }),
  },
  {
    name: 'node: NODE_OPTIONS --import of a data: URL',
    program: 'node',
    run: 'node -e 0 >/dev/null 2>&1; true',
    // NODE_OPTIONS drops double quotes and splits at spaces: backticks and no spaces.
    data: (mark) => ({ node_options: `--import=data:text/javascript,import(\`node:fs\`).then((f)=>f.writeFileSync(\`${mark}\`,\`\`))` }),
  },
  {
    name: 'perl: PERL5OPT runs code through -M',
    program: 'perl',
    run: 'perl -e 1 >/dev/null 2>&1; true',
    // PERL5OPT splits at spaces: none in the code.
    data: (mark) => ({ perl5opt: `-Mbase;system(q(touch),q(${mark}))` }),
  },
  {
    name: 'ruby: RUBYOPT requires a file',
    program: 'ruby',
    run: 'ruby -e 1 >/dev/null 2>&1; true',
    setup: (dir, mark) => writeFileSync(join(dir, 'evil.rb'), `File.write(${JSON.stringify(mark)}, "")\n`),
    data: (_mark, dir) => ({ rubyopt: `-r${join(dir, 'evil.rb')}` }),
  },
  {
    name: 'bash: BASH_ENV is expanded (command substitution) by a non-interactive bash',
    program: 'bash',
    shell: 'bash',
    run: 'true',
    data: (mark) => ({ bash_env: `$(touch ${mark})` }),
  },
  {
    name: 'ld.so: LD_DEBUG_OUTPUT writes a file for every program started',
    program: 'true',
    run: '/bin/true',
    data: (mark) => ({ ld_debug: 'libs', ld_debug_output: mark }),
  },
];

/** True when the mark file (or, for ld.so, a file starting with its name) exists. */
function appeared(dir: string, mark: string): boolean {
  return existsSync(mark) || readdirSync(dir).some((f) => f.startsWith('mark.'));
}

async function attempt(vector: Vector, how: 'control' | 'declared' | 'undeclared'): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'wfe-env-attack-'));
  const mark = join(dir, 'mark');
  vector.setup?.(dir, mark);
  const vars = vector.data(mark, dir);
  const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k.toUpperCase(), v]));
  await runShellStep({
    stepName: 'victim',
    config: { run: vector.run, working_dir: dir, ...(vector.shell ? { shell: vector.shell } : {}), ...(how === 'control' ? { env } : {}) },
    data: how === 'control' ? {} : vars,
    dataEnvKeys: how === 'declared' ? Object.keys(vars) : [],
    baseDir: dir,
    timeout: undefined,
  } as never);
  return appeared(dir, mark);
}

describe('workflow data cannot set environment variables that run commands', () => {
  for (const vector of VECTORS) {
    describe.skipIf(!has(vector.program))(vector.name, () => {
      it('control: the vector works when the author sets the variables', async () => {
        expect(await attempt(vector, 'control')).toBe(true);
      });
      it('as declared data: refused by the protected names', async () => {
        expect(await attempt(vector, 'declared')).toBe(false);
      });
      it('as undeclared data: never exported', async () => {
        expect(await attempt(vector, 'undeclared')).toBe(false);
      });
    });
  }
});
