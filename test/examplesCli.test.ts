// The examples' command lines: `--help`, unknown options and invalid values, as a user
// meets them (`npx tsx examples/…`), and the shared parser (examples/_cli.ts) directly.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, usage } from '../examples/_cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function example(file: string, args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(join(root, 'node_modules/.bin/tsx'), [join(root, 'examples', file), ...args], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** Every option of every example, as its usage must list them. */
const OPTIONS: Record<string, string[]> = {
  'dcgan-mnist.ts': [
    'backend', 'steps', 'batch-size', 'filters', 'latent-dim', 'sample-every', 'eval-samples', 'classifier', 'out', 'seed',
    'conditional', 'auxiliary-classifier',
  ],
  'vae-mnist.ts': [
    'backend', 'conv', 'conditional', 'latent-dim', 'epochs', 'steps', 'batch-size', 'hidden', 'filters', 'iwae-samples',
    'test-size', 'per-class', 'classifier', 'out', 'seed',
  ],
  'char-transformer.ts': [
    'backend', 'steps', 'batch-size', 'context', 'model-dim', 'heads', 'layers', 'lr', 'corpus', 'generate', 'prompt',
    'temperature', 'top-k', 'out', 'seed',
  ],
  'custom-attention.ts': ['backend', 'epochs', 'train', 'seed'],
  'wavenet.ts': [
    'backend', 'steps', 'batch-size', 'window', 'residual', 'skip', 'layers', 'cycles', 'seconds', 'temperature', 'input',
    'out', 'seed',
  ],
  'cyclegan-mnist.ts': [
    'backend', 'task', 'steps', 'batch-size', 'filters', 'residual-blocks', 'lr', 'identity-weight', 'test-size', 'out', 'seed',
  ],
  'gpt2.ts': ['weights', 'prompt', 'tokens', 'temperature', 'top-k', 'top-p', 'heads', 'seed', 'backend'],
  'stylegan-mnist.ts': [
    'backend', 'steps', 'batch-size', 'filters', 'discriminator-filters', 'latent-dim', 'mapping-layers', 'crossover', 'lr',
    'sample-every', 'eval-samples', 'mix-size', 'classifier', 'out', 'seed',
  ],
};

/** The option names a usage text lists, in order (lines `  --name …`). */
function listedOptions(text: string): string[] {
  return [...text.matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map((m) => m[1]!);
}

describe.concurrent('examples: command line', () => {
  it.each(Object.entries(OPTIONS))('%s --help prints the usage, every option, the files written and the time, and exits 0', async (file, options) => {
    const { code, stdout, stderr } = await example(file, ['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.startsWith(`Usage: npx tsx examples/${file} [options]\n`)).toBe(true);
    expect(listedOptions(stdout)).toEqual([...options, 'help']);
    expect(stdout).toMatch(/\nWrites:\n {2}\S/);
    expect(stdout).toMatch(/\nTime: (about|under) /);
    expect(stdout).not.toMatch(/TBD/);
    expect(stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    // Nothing ran: no backend was started.
    expect(stdout).not.toMatch(/^backend: /m);
  });

  it.each(Object.keys(OPTIONS))('%s rejects an unknown option with one line and the usage, exit code 2', async (file) => {
    const { code, stdout, stderr } = await example(file, ['--no-such-option', '3']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, blank, usageLine] = stderr.split('\n');
    expect(first).toBe(`${file}: unknown option --no-such-option`);
    expect(blank).toBe('');
    expect(usageLine).toBe(`Usage: npx tsx examples/${file} [options]`);
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
  });

  it.each([
    ['dcgan-mnist.ts', ['--steps', 'abc'], 'invalid --steps: expected an integer ≥ 1, received "abc"'],
    ['cyclegan-mnist.ts', ['--task', 'shrink'], `invalid --task: expected 'thicken' or 'invert', received "shrink"`],
    ['vae-mnist.ts', ['--hidden', '512,x'], 'invalid --hidden: expected integers ≥ 1 separated by commas, received "512,x"'],
    ['char-transformer.ts', ['--lr'], '--lr needs a value X'],
  ])('%s %j: an invalid value exits 2 with one line naming the option', async (file, args, message) => {
    const { code, stdout, stderr } = await example(file, args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(`${file}: ${message}`);
    expect(stderr).toContain(`Usage: npx tsx examples/${file} [options]`);
  });
});

describe('examples/_cli.ts', () => {
  const spec = {
    summary: 'A test script.',
    options: {
      steps: { kind: 'count', default: 10, help: 'steps' },
      seed: { kind: 'int', default: 1, help: 'seed' },
      lr: { kind: 'positive', default: 0.5, help: 'learning rate' },
      weight: { kind: 'number', default: 0, help: 'a weight' },
      hidden: { kind: 'counts', default: [4, 2], help: 'widths' },
      task: { kind: 'choice', choices: ['a', 'b'], default: 'a', help: 'task' },
      prompt: { kind: 'text', default: 'two words', help: 'prompt' },
      input: { kind: 'text', placeholder: 'FILE', help: 'input' },
      conditional: { kind: 'flag', help: 'a switch' },
    },
    writes: [['DIR/x.png', 'a picture']],
    time: 'about 1 minute.',
  } as const;
  const parse = (argv: string[]) => parseCommandLine(spec, argv);

  it('returns the defaults, typed, when nothing is given', () => {
    expect(parse([])).toEqual({ steps: 10, seed: 1, lr: 0.5, weight: 0, hidden: [4, 2], task: 'a', prompt: 'two words', input: undefined, conditional: false });
  });

  it('converts every kind, with separate and inline values; the last of a repeated option wins', () => {
    expect(
      parse(['--steps', '3', '--seed=0', '--lr', '2e-3', '--weight', '1.5', '--hidden', '8,16,32', '--task', 'b', '--prompt=--x', '--input', 'a.wav', '--conditional', '--steps', '7']),
    ).toEqual({ steps: 7, seed: 0, lr: 0.002, weight: 1.5, hidden: [8, 16, 32], task: 'b', prompt: '--x', input: 'a.wav', conditional: true });
  });

  it('returns "help" for -h or --help, wherever they are', () => {
    expect(parse(['--steps', '3', '-h'])).toBe('help');
    expect(parse(['--bogus', '--help'])).toBe('help');
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['extra'], 'unexpected argument "extra"'],
    [['--steps'], '--steps needs a value N'],
    [['--steps', '--seed', '2'], '--steps needs a value N'],
    [['--conditional=yes'], '--conditional takes no value, received "yes"'],
    [['--steps', '0'], 'invalid --steps: expected an integer ≥ 1, received "0"'],
    [['--steps', '1.5'], 'invalid --steps: expected an integer ≥ 1, received "1.5"'],
    [['--seed', '-1'], 'invalid --seed: expected an integer ≥ 0, received "-1"'],
    [['--seed=-1'], 'invalid --seed: expected an integer ≥ 0, received "-1"'],
    [['--lr', '0'], 'invalid --lr: expected a number > 0, received "0"'],
    [['--lr', ''], 'invalid --lr: expected a number > 0, received ""'],
    [['--weight', 'NaN'], 'invalid --weight: expected a number ≥ 0, received "NaN"'],
    [['--hidden', '8,,2'], 'invalid --hidden: expected integers ≥ 1 separated by commas, received "8,,2"'],
    [['--task', 'c'], `invalid --task: expected 'a' or 'b', received "c"`],
    [['--toString'], 'unknown option --toString'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });

  it('prints every option with its placeholder and default, the files and the time', () => {
    const text = usage('test.ts', spec);
    expect(text).toContain('Usage: npx tsx examples/test.ts [options]\n\nA test script.\n');
    expect(text).toMatch(/^ {2}--steps N +steps \(default: 10\)$/m);
    expect(text).toMatch(/^ {2}--lr X +learning rate \(default: 0\.5\)$/m);
    expect(text).toMatch(/^ {2}--hidden N,N,… +widths \(default: 4,2\)$/m);
    expect(text).toMatch(/^ {2}--task a\|b +task \(default: a\)$/m);
    expect(text).toMatch(/^ {2}--prompt TEXT +prompt \(default: "two words"\)$/m);
    expect(text).toMatch(/^ {2}--input FILE +input$/m);
    expect(text).toMatch(/^ {2}--conditional +a switch$/m);
    expect(text).toMatch(/^ {2}-h, --help +print this help and exit$/m);
    expect(text).toContain('\nWrites:\n  DIR/x.png\n      a picture\n');
    expect(text).toContain('\nTime: about 1 minute.\n');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
