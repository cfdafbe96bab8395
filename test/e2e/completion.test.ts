/**
 * `keywarden completion bash|zsh|fish` (issue 18, item 13). The bash script is checked by bash
 * itself (`bash -n`) and by completing words in a bash subprocess, as bash does on Tab: COMP_WORDS
 * and COMP_CWORD set, the function called, COMPREPLY read. zsh and fish are checked for syntax only
 * where they are installed (`zsh -n`, `fish --no-execute`); every script names every command. The
 * values completed for an option are checked against the CLI's own refusal of a bad value, so the
 * script cannot drift from what the commands accept.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runProcess } from '../support/cli.js';
import { emptyDir } from '../support/env.js';

/** Which of the shells is installed; never installed by the suite. */
function installed(shell: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every command path of the program (`audit`, `journal leases`) and its long options, read from commander itself. */
async function commandOptions(): Promise<Map<string, string[]>> {
  const { buildProgram } = await import('../../src/cli/main.js');
  const { newSession } = await import('../../src/cli/session.js');
  const { PassThrough } = await import('node:stream');
  const io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    cwd: '/',
    takeInterrupts: () => new Promise<never>(() => {}),
  };
  const program = buildProgram(io, newSession({}), () => {});
  const walk = (c: Command, path: string): [string, string[]][] =>
    c.commands.flatMap((s) => {
      const p = path === '' ? s.name() : `${path} ${s.name()}`;
      return [[p, s.options.flatMap((o) => (o.long ? [o.long] : []))] as [string, string[]], ...walk(s, p)];
    });
  return new Map(walk(program, ''));
}

async function commandPaths(): Promise<string[]> {
  return [...(await commandOptions()).keys()];
}

let scripts: Record<'bash' | 'zsh' | 'fish', string>;
let bashFile: string;
beforeAll(async () => {
  const out = async (shell: string) => {
    const result = await runCli(['completion', shell]);
    expect(result.exitCode, result.stderr).toBe(0);
    return result.stdout;
  };
  scripts = { bash: await out('bash'), zsh: await out('zsh'), fish: await out('fish') };
  bashFile = join(emptyDir('completion-'), 'keywarden.bash');
  writeFileSync(bashFile, scripts.bash);
});

/** What bash offers for `words` (the last one is the word being completed), run in `cwd`. */
async function complete(words: readonly string[], cwd?: string): Promise<string[]> {
  const result = await runProcess(
    'bash',
    [
      '-c',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash code, not a template
      'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _keywarden; printf "%s\\n" "${COMPREPLY[@]}"',
      'bash',
      bashFile,
      ...words,
    ],
    cwd === undefined ? {} : { cwd },
  );
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash', () => {
  it('passes bash -n and registers the function for keywarden', async () => {
    expect((await runProcess('bash', ['-n', bashFile])).exitCode).toBe(0);
    const registered = await runProcess('bash', [
      '-c',
      'source "$1"; complete -p keywarden',
      'bash',
      bashFile,
    ]);
    expect(registered.stdout.trim()).toBe('complete -F _keywarden keywarden');
  });

  it.each([
    { words: ['keywarden', 'au'], offered: ['audit'] },
    { words: ['keywarden', 'audit', '--fo'], offered: ['--format'] },
    {
      words: ['keywarden', 'audit', '--format', ''],
      offered: ['table', 'json', 'jsonl', 'csv', 'html', 'sarif', 'asff', 'ocsf'],
    },
    { words: ['keywarden', 'audit', '--format', 's'], offered: ['sarif'] },
    {
      words: ['keywarden', 'audit', '--fail-on', ''],
      offered: ['critical', 'high', 'medium', 'low', 'any', 'none'],
    },
    // A value already given: the next word is an option or nothing, never a value again.
    { words: ['keywarden', 'audit', '--format', 'json', '--fa'], offered: ['--fail-on'] },
    { words: ['keywarden', 'plan', '--format', ''], offered: ['table', 'json'] },
    { words: ['keywarden', 'journal', 'l'], offered: ['leases'] },
    { words: ['keywarden', 'journal', 'leases', '--format', ''], offered: ['table', 'json'] },
    { words: ['keywarden', 'invoke', 'org-'], offered: ['org-accounts', 'org-worker', 'org-report'] },
    { words: ['keywarden', 'invoke', 'scheduled', 'org-'], offered: [] },
    { words: ['keywarden', 'completion', ''], offered: ['bash', 'zsh', 'fish'] },
    { words: ['keywarden', '--vers'], offered: ['--version'] },
    { words: ['keywarden', '--ver'], offered: ['--version', '--verbose'] },
    { words: ['keywarden', 'audit', '--log-format', ''], offered: ['text', 'json'] },
    { words: ['keywarden', 'undo', '--h'], offered: ['--hold-days', '--help'] },
  ])('$words', async ({ words, offered }) => {
    expect(await complete(words)).toEqual(offered);
  });

  it('offers every command after keywarden', async () => {
    const top = (await commandPaths()).filter((p) => !p.includes(' '));
    expect((await complete(['keywarden', ''])).sort()).toEqual(top.sort());
  });

  it('completes file names for an option that takes a file', async () => {
    const dir = emptyDir('completion-cwd-');
    writeFileSync(join(dir, 'keywarden.yaml'), 'version: 1\n');
    writeFileSync(join(dir, 'other.txt'), '');
    expect(await complete(['keywarden', 'audit', '--config', 'key'], dir)).toEqual(['keywarden.yaml']);
  });
});

describe('values agree with what the commands accept', () => {
  /** `path|--option` to the values the bash script completes. */
  const completed = () =>
    new Map(
      // `"audit|-f"|"audit|--format") words="..." ;;`: keyed by the long form, whatever the order.
      [...scripts.bash.matchAll(/^ {6}((?:"[^"]*"\|?)+)\) words="([^"]*)" ;;$/gm)].map((m) => [
        /"([^"|]*\|--[\w-]+)"/.exec(m[1] ?? '')?.[1] ?? '',
        (m[2] ?? '').split(' '),
      ]),
    );
  /** Arguments a command needs before its options are checked. */
  const REQUIRED: Readonly<Record<string, readonly string[]>> = {
    undo: ['r1'],
    invoke: ['scheduled'],
    rotate: ['--user', 'u'],
  };

  it('every option the script completes values for, and every --format, lists what the CLI accepts', async () => {
    const values = completed();
    const probes = new Set(values.keys());
    for (const [path, options] of await commandOptions()) {
      if (options.includes('--format')) probes.add(`${path}|--format`);
    }
    expect(probes.size).toBeGreaterThan(15);
    for (const probe of probes) {
      const [path = '', option = ''] = probe.split('|');
      // Prepare: a bad value; AWS, were it reached, is a closed loopback port.
      const result = await runCli([...path.split(' '), ...(REQUIRED[path] ?? []), option, '__bad__'], {
        env: {
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_ACCESS_KEY_ID: 'AKIDTEST',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_REGION: 'us-east-1',
        },
      });
      // Assess: refused, naming the values it accepts: exactly those completed.
      expect(result.exitCode, probe).toBe(2);
      // Keywarden's own refusal, or commander's for an option it declares choices for (--log-format).
      const accepted = (/must be one of (.*) \(got "__bad__"\)/.exec(result.stderr) ??
        /Allowed choices are (.*)\.$/m.exec(result.stderr))?.[1]?.split(', ');
      expect(values.get(probe), `${probe}: ${result.stderr}`).toEqual(accepted);
    }
  });
});

describe('zsh and fish', () => {
  it.each(['zsh', 'fish'] as const)('%s: names every command', async (shell) => {
    for (const path of await commandPaths()) {
      for (const name of path.split(' ')) expect(scripts[shell], name).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it.runIf(installed('zsh'))('zsh -n accepts the zsh script', async () => {
    const file = join(emptyDir('completion-'), '_keywarden');
    writeFileSync(file, scripts.zsh);
    expect((await runProcess('zsh', ['-n', file])).exitCode).toBe(0);
  });
  it.runIf(installed('fish'))('fish --no-execute accepts the fish script', async () => {
    const file = join(emptyDir('completion-'), 'keywarden.fish');
    writeFileSync(file, scripts.fish);
    expect((await runProcess('fish', ['--no-execute', file])).exitCode).toBe(0);
  });
  it.skipIf(installed('zsh') && installed('fish'))(
    'syntax of the shells not installed here is not checked (zsh and fish are not installed by the suite)',
    () => {},
  );
});

describe('the command', () => {
  it('refuses another shell in one line, exit 2', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });

  it('--help shows how to install each script', async () => {
    const help = await runCli(['completion', '--help']);
    for (const shell of ['bash', 'zsh', 'fish'])
      expect(help.stdout).toMatch(new RegExp(`\\$ .*keywarden completion ${shell}`));
  });
});
