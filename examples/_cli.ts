/**
 * The examples' command lines, declared once per script: each option with its
 * kind, default and help text. `--help` prints the usage (what the script
 * does, every option with its default, the files it writes and how long the
 * default run takes) and exits 0; an unknown option, a missing value or an
 * invalid one prints a one-line error and the usage on stderr and exits 2.
 * Errors while the script runs print `name: message` (a stack only for errors
 * that are not the library's own `ValueError`s) and exit 1.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ValueError } from 'tfjs-generative';

/** An on/off switch: `--conditional`. */
export interface FlagOption {
  kind: 'flag';
  help: string;
}

/**
 * A number: `count` an integer ≥ 1, `int` an integer ≥ 0, `positive` a number
 * > 0, `number` a number ≥ 0.
 */
export interface NumberOption {
  kind: 'count' | 'int' | 'positive' | 'number';
  default?: number;
  help: string;
}

/** Integers ≥ 1 separated by commas: `--hidden 512,256`. */
export interface CountsOption {
  kind: 'counts';
  default?: readonly number[];
  help: string;
}

/** Free text: a path, a prompt. */
export interface TextOption {
  kind: 'text';
  default?: string;
  /** The placeholder in the usage line, e.g. `DIR`. Defaults to `TEXT`. */
  placeholder?: string;
  help: string;
}

/** One of a few words: `--backend cpu|wasm`. */
export interface ChoiceOption {
  kind: 'choice';
  choices: readonly string[];
  default?: string;
  help: string;
}

export type CliOption = FlagOption | NumberOption | CountsOption | TextOption | ChoiceOption;

type ValueOf<O> = O extends FlagOption
  ? boolean
  : O extends CountsOption
    ? number[]
    : O extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : O extends TextOption
        ? string
        : number;

/** Parsed values: an option without a default (and not a flag) may be `undefined`. */
export type CliValues<S extends Record<string, CliOption>> = {
  [K in keyof S]: S[K] extends FlagOption ? boolean : S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

export interface CliSpec<S extends Record<string, CliOption>> {
  /** What the script does, one paragraph or more (wrapped to the terminal's 80 columns). */
  summary: string;
  options: S;
  /** The files the script writes: `[path, what it holds]`, or a line of text. */
  writes: readonly (string | readonly [path: string, what: string])[];
  /** How long the default run takes on the project's 2-core machine, and how that was found. */
  time: string;
  /** Extra paragraphs after the options (environment variables, notes). */
  notes?: readonly string[];
}

/** What went wrong on the command line; `exitOnUsageError` turns it into exit code 2. */
class UsageError extends Error {}

const WIDTH = 80;
const OPTION_COLUMN = 30;

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  // Split at spaces only: a no-break space (U+00A0) holds "(default: 64)" together.
  for (const word of text.split(/[ \t\n]+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l).replaceAll('\u00a0', ' '));
}

function placeholder(option: CliOption): string {
  switch (option.kind) {
    case 'flag':
      return '';
    case 'count':
    case 'int':
      return ' N';
    case 'positive':
    case 'number':
      return ' X';
    case 'counts':
      return ' N,N,…';
    case 'choice':
      return ` ${option.choices.join('|')}`;
    case 'text':
      return ` ${option.placeholder ?? 'TEXT'}`;
  }
}

function defaultText(option: CliOption): string {
  if (option.kind === 'flag' || option.default === undefined) return '';
  const value = option.default;
  const shown = Array.isArray(value) ? value.join(',') : typeof value === 'string' && /^\S+$/.test(value) ? value : JSON.stringify(value);
  return shown.length < 20 ? ` (default:\u00a0${shown})` : ` (default: ${shown})`; // keep short ones on one line
}

/** The usage text that `--help` prints. */
export function usage<S extends Record<string, CliOption>>(script: string, spec: CliSpec<S>): string {
  const out: string[] = [`Usage: npx tsx examples/${script} [options]`, ''];
  for (const paragraph of spec.summary.split(/\n\s*\n/)) out.push(...wrap(paragraph, WIDTH, ''), '');
  out.push('Options:');
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => [
    `--${name}${placeholder(option)}`,
    `${option.help}${defaultText(option)}`,
  ]);
  rows.push(['-h, --help', 'print this help and exit']);
  for (const [left, right] of rows) {
    const indent = ' '.repeat(OPTION_COLUMN);
    const text = wrap(right, WIDTH - OPTION_COLUMN, indent);
    if (left.length + 2 < OPTION_COLUMN - 1) out.push(`  ${left.padEnd(OPTION_COLUMN - 2)}${text.join('\n')}`);
    else out.push(`  ${left}`, `${indent}${text.join('\n')}`);
  }
  out.push('', 'Writes:');
  for (const line of spec.writes) {
    if (typeof line === 'string') out.push(`  ${wrap(line, WIDTH - 2, '  ').join('\n')}`);
    else out.push(`  ${line[0]}`, `      ${wrap(line[1], WIDTH - 6, '      ').join('\n')}`);
  }
  out.push('', ...wrap(`Time: ${spec.time}`, WIDTH, ''));
  for (const note of spec.notes ?? []) out.push('', ...wrap(note, WIDTH, ''));
  return `${out.join('\n')}\n`;
}

function convert(name: string, option: CliOption, raw: string): unknown {
  const fail = (expected: string): never => {
    throw new UsageError(`invalid --${name}: expected ${expected}, received ${JSON.stringify(raw)}`);
  };
  switch (option.kind) {
    case 'count':
      return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : fail('an integer ≥ 1');
    case 'int':
      return /^\d+$/.test(raw) ? Number(raw) : fail('an integer ≥ 0');
    case 'positive':
    case 'number': {
      const v = raw.trim() === raw && raw !== '' ? Number(raw) : NaN;
      if (option.kind === 'positive') return Number.isFinite(v) && v > 0 ? v : fail('a number > 0');
      return Number.isFinite(v) && v >= 0 ? v : fail('a number ≥ 0');
    }
    case 'counts': {
      const parts = raw.split(',');
      return parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1) ? parts.map(Number) : fail('integers ≥ 1 separated by commas');
    }
    case 'choice':
      return option.choices.includes(raw) ? raw : fail(option.choices.map((c) => `'${c}'`).join(' or '));
    case 'text':
      return raw;
    case 'flag':
      return true;
  }
}

/**
 * Parses `argv` against the options; throws a {@link UsageError} for anything it
 * cannot take, and returns `'help'` when `-h`/`--help` is present.
 */
export function parseCommandLine<const S extends Record<string, CliOption>>(spec: CliSpec<S>, argv: readonly string[]): CliValues<S> | 'help' {
  const nodeOptions = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => [name, { type: option.kind === 'flag' ? ('boolean' as const) : ('string' as const) }]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...nodeOptions, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return 'help';
  const raw = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
    const option = spec.options[token.name];
    if (option === undefined || !Object.hasOwn(spec.options, token.name)) throw new UsageError(`unknown option ${token.rawName}`);
    if (option.kind === 'flag') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, received ${JSON.stringify(token.value)}`);
      raw.set(token.name, true);
    } else {
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new UsageError(`${token.rawName} needs a value${placeholder(option)}`);
      }
      raw.set(token.name, token.value);
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const given = raw.get(name);
    if (option.kind === 'flag') values[name] = given === true;
    else if (typeof given === 'string') values[name] = convert(name, option, given);
    else values[name] = option.default === undefined ? undefined : Array.isArray(option.default) ? [...option.default] : option.default;
  }
  return values as CliValues<S>;
}

/**
 * The script's options from `process.argv`: prints the usage and exits 0 on
 * `--help`; prints `script: error` and the usage on stderr and exits 2 on a
 * command line it cannot take.
 */
export function cli<const S extends Record<string, CliOption>>(spec: CliSpec<S>): CliValues<S> {
  const script = basename(process.argv[1] ?? 'example.ts');
  try {
    const parsed = parseCommandLine(spec, process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(usage(script, spec));
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${script}: ${error.message}\n\n${usage(script, spec)}`);
    process.exit(2);
  }
}

/**
 * Runs the script's `main`; an error ends it with exit code 1 and one line
 * `script: message` when it is a `ValueError` (the library saying which
 * option or value it cannot take), the full stack otherwise.
 */
export function run(main: () => Promise<void>): void {
  const script = basename(process.argv[1] ?? 'example.ts');
  main().catch((error: unknown) => {
    if (error instanceof ValueError) process.stderr.write(`${script}: ${error.message}\n`);
    else process.stderr.write(`${script}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
