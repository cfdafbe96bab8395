/**
 * `keywarden completion bash|zsh|fish`: a completion script generated from the commander program
 * itself (its commands, their options, whether an option takes a value), so a new command or
 * option completes without anyone editing a script. The values an option accepts come from
 * commander's own `choices` where a command declares them, else from {@link KNOWN_VALUES}: the CLI
 * checks most values itself (parseChoice), after commander has parsed them.
 */
import { Argument, type Command, type Option } from 'commander';
import { FAIL_ON_LEVELS } from '../../core/audit-report.js';
import { INVENTORY_MODES, KEY_ID_MODES, PRESET_NAMES } from '../../core/policy/types.js';
import type { CliIO } from '../io.js';
import { AUDIT_FORMATS } from '../render/audit-formats.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/**
 * The values of options the CLI checks itself, by option (any command) or `command path|option`.
 * test/e2e/completion.test.ts passes each option a bad value and checks that the values the CLI's
 * refusal lists are those completed, so this table cannot drift from the commands.
 */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--fail-on': FAIL_ON_LEVELS,
  '--preset': PRESET_NAMES,
  '--inventory': INVENTORY_MODES,
  '--key-ids': KEY_ID_MODES,
  'audit|--format': AUDIT_FORMATS,
  'plan|--format': ['table', 'json'],
  'apply|--format': ['table', 'json'],
  'forecast|--format': ['table', 'json', 'csv'],
  'history|--format': ['table', 'json'],
  'journal leases|--format': ['table', 'json'],
  'rules|--format': ['table', 'json'],
  'deploy|--require-approval': ['never', 'any-change', 'broadening'],
};

/** Placeholders whose value is a path: these complete file names. */
const FILE_VALUE = /^[<[](file|dir|path|location)[>\]]$/;

/** A value is written into shell code only when it needs no quoting in any of the three shells. */
const SAFE_WORD = /^[\w.:@%+,/=-]+$/;

interface OptionSpec {
  readonly names: readonly string[];
  readonly description: string;
  readonly takesValue: boolean;
  readonly files: boolean;
  readonly values: readonly string[];
}

interface CommandSpec {
  /** Command names from the program down, e.g. `journal leases`; '' for the program itself. */
  readonly path: string;
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** What the first argument may be, when the command says. */
  readonly argumentValues: readonly string[];
  readonly subcommands: readonly CommandSpec[];
}

function safe(values: readonly string[]): string[] {
  return values.filter((v) => SAFE_WORD.test(v));
}

function optionSpec(path: string, option: Option): OptionSpec {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  const placeholder = option.flags.split(/[ ,|]+/).find((part) => /^[<[]/.test(part)) ?? '';
  const known =
    option.argChoices ??
    KNOWN_VALUES[`${path}|${option.long ?? ''}`] ??
    KNOWN_VALUES[option.long ?? ''] ??
    [];
  return {
    names,
    description: option.description,
    takesValue: option.required || option.optional,
    files: FILE_VALUE.test(placeholder),
    values: safe(known),
  };
}

const HELP_OPTION: OptionSpec = {
  names: ['-h', '--help'],
  description: 'display help for command',
  takesValue: false,
  files: false,
  values: [],
};

function commandSpec(command: Command, path: string): CommandSpec {
  const own = command.options.filter((o) => !o.hidden).map((o) => optionSpec(path, o));
  return {
    path,
    name: command.name(),
    description: command.description(),
    options: [...own, HELP_OPTION],
    argumentValues: safe(command.registeredArguments[0]?.argChoices ?? []),
    subcommands: command.commands
      .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
      .map((c) => commandSpec(c, path === '' ? c.name() : `${path} ${c.name()}`)),
  };
}

function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}

/** A bash `case` pattern that matches one `path|option` pair, quoted. */
const casePattern = (path: string, option: string) => `"${path}|${option}"`;

function bashFunction(program: CommandSpec): string {
  const commands = allCommands(program);
  const globalOptions = program.options.filter((o) => o !== HELP_OPTION);
  // Program options are recognised after a subcommand's name too (commander's default).
  const optionsOf = (c: CommandSpec) => (c === program ? c.options : [...c.options, ...globalOptions]);
  const valueCases: string[] = [];
  const takesValue: string[] = [];
  for (const c of commands) {
    for (const o of optionsOf(c)) {
      if (!o.takesValue) continue;
      const patterns = o.names.map((n) => casePattern(c.path, n)).join('|');
      takesValue.push(patterns);
      if (o.values.length > 0) valueCases.push(`      ${patterns}) words="${o.values.join(' ')}" ;;`);
      else if (o.files) valueCases.push(`      ${patterns}) files=1 ;;`);
    }
  }
  const commandCases = commands.map((c) => {
    const names = c.subcommands.map((s) => s.name).join(' ');
    const options = optionsOf(c)
      .flatMap((o) => o.names)
      .join(' ');
    return [
      `    "${c.path}")`,
      `      subcommands="${names}"`,
      `      arguments="${c.argumentValues.join(' ')}"`,
      `      options="${options}" ;;`,
    ].join('\n');
  });
  return `_keywarden() {
  local cur="" prev="" path="" word n=0 expect_value="" positionals=0
  local subcommands="" arguments="" options="" words="" files=""
  COMPREPLY=()
  # Walk the words before the cursor (no indexing: zsh's arrays start at 1): the command path, and
  # whether the last one wants a value.
  for word in "\${COMP_WORDS[@]}"; do
    if (( n == COMP_CWORD )); then cur="$word"; break; fi
    n=$((n + 1))
    prev="$word"
    if (( n == 1 )); then continue; fi
    if [[ -n $expect_value ]]; then expect_value=""; continue; fi
    case "$word" in
      -*=*) continue ;;
      -*) _keywarden_takes_value "$path" "$word" && expect_value=1; continue ;;
    esac
    if _keywarden_is_command "$path" "$word"; then
      path="\${path:+$path }$word"; positionals=0
    else
      positionals=$((positionals + 1))
    fi
  done
  if [[ -n $expect_value ]]; then
    case "$path|$prev" in
${valueCases.join('\n')}
    esac
    if [[ -n $files ]]; then
      compopt -o filenames 2>/dev/null
      COMPREPLY=( $(compgen -f -- "$cur") )
    elif [[ -n $words ]]; then
      COMPREPLY=( $(compgen -W "$words" -- "$cur") )
    fi
    return 0
  fi
  case "$path" in
${commandCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=( $(compgen -W "$options" -- "$cur") )
  elif [[ -n $subcommands ]]; then
    COMPREPLY=( $(compgen -W "$subcommands" -- "$cur") )
  elif [[ -n $arguments ]] && (( positionals == 0 )); then
    COMPREPLY=( $(compgen -W "$arguments" -- "$cur") )
  fi
  return 0
}

_keywarden_takes_value() {
  case "$1|$2" in
    ${takesValue.length === 0 ? '"|"' : takesValue.join('|\\\n    ')}) return 0 ;;
  esac
  return 1
}

_keywarden_is_command() {
  case "$1|$2" in
    ${commands
      .flatMap((c) => c.subcommands.map((s) => casePattern(c.path, s.name)))
      .join('|\\\n    ')}) return 0 ;;
  esac
  return 1
}
`;
}

function header(shell: Shell, version: string, install: string): string {
  return `# keywarden ${shell} completion, generated by \`keywarden completion ${shell}\` (keywarden ${version}).
# Install: ${install}
`;
}

function bashScript(program: CommandSpec, version: string): string {
  return `${header('bash', version, 'keywarden completion bash > ~/.local/share/bash-completion/completions/keywarden')}${bashFunction(program)}
complete -F _keywarden keywarden
`;
}

const ZSH_INSTALL = `eval "$(keywarden completion zsh)"   # in ~/.zshrc, after compinit`;

/**
 * zsh runs the bash function through its bash-completion emulation (bashcompinit, part of zsh), so
 * the script is evaluated from ~/.zshrc after compinit, not autoloaded from $fpath.
 */
function zshScript(program: CommandSpec, version: string): string {
  return `${header('zsh', version, ZSH_INSTALL)}autoload -U +X bashcompinit && bashcompinit
${bashFunction(program)}
complete -F _keywarden keywarden
`;
}

/** fish's own single-quoted string: only \\ and ' are special. */
const fishQuote = (text: string) => `'${text.replace(/[\\']/g, (m) => `\\${m}`)}'`;

function fishScript(program: CommandSpec, version: string): string {
  const lines = [
    header(
      'fish',
      version,
      'keywarden completion fish > ~/.config/fish/completions/keywarden.fish',
    ).trimEnd(),
    'complete -c keywarden -f',
  ];
  const globalOptions = program.options.filter((o) => o !== HELP_OPTION);
  for (const c of allCommands(program)) {
    const names = c.path === '' ? [] : c.path.split(' ');
    const children = c.subcommands.map((s) => s.name);
    // Inside `c`: every name of its path seen, and none of its subcommands yet.
    const inside = [
      names.length === 0
        ? '__fish_use_subcommand'
        : names.map((n) => `__fish_seen_subcommand_from ${n}`).join('; and '),
      ...(names.length > 0 && children.length > 0
        ? [`not __fish_seen_subcommand_from ${children.join(' ')}`]
        : []),
    ].join('; and ');
    const condition = fishQuote(inside);
    for (const s of c.subcommands) {
      lines.push(
        `complete -c keywarden -n ${condition} -a ${s.name} -d ${fishQuote(firstLine(s.description))}`,
      );
    }
    if (c.argumentValues.length > 0) {
      lines.push(`complete -c keywarden -n ${condition} -a ${fishQuote(c.argumentValues.join(' '))}`);
    }
    const options = c === program ? c.options : [...c.options, ...globalOptions];
    for (const o of options) {
      const flags = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`));
      const value = !o.takesValue
        ? ''
        : o.values.length > 0
          ? ` -x -a ${fishQuote(o.values.join(' '))}`
          : o.files
            ? ' -r -F'
            : ' -x';
      lines.push(
        `complete -c keywarden -n ${condition} ${flags.join(' ')}${value} -d ${fishQuote(firstLine(o.description))}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Registers `completion`; it reads the whole program when it runs, so register it anywhere. */
export function registerCompletion(program: Command, io: CliIO, version: string): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .description('Print a shell completion script for bash, zsh or fish')
    .addHelpText(
      'after',
      `
The script completes commands, their options, and the values an option accepts where Keywarden
knows them (--format, --fail-on, --preset, ...); options that take a file complete file names.
It is generated from the program itself, so regenerate it after upgrading Keywarden.

Examples:
  $ keywarden completion bash > ~/.local/share/bash-completion/completions/keywarden
  $ echo 'source <(keywarden completion bash)' >> ~/.bashrc          # or load it from .bashrc
  $ echo 'eval "$(keywarden completion zsh)"' >> ~/.zshrc             # after compinit
  $ keywarden completion fish > ~/.config/fish/completions/keywarden.fish`,
    )
    // commander refuses any other shell (exit 2), naming the choices.
    .action((shell: Shell) => {
      const spec = commandSpec(program, '');
      const script =
        shell === 'bash'
          ? bashScript(spec, version)
          : shell === 'zsh'
            ? zshScript(spec, version)
            : fishScript(spec, version);
      io.stdout.write(script);
    });
}
