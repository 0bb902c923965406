// A small, strict command-line option parser: long options, `--opt=value`, `--`, no magic.
import { UsageError } from './io';

/** Declares one option a command accepts. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `format`. */
  name: string;
  /** One-letter alias without the dash, e.g. `h`. */
  short?: string;
  /** Whether the option takes a value (`--format json`, `--format=json`). */
  takesValue: boolean;
  /** Allowed values, checked case-sensitively. */
  choices?: readonly string[];
}

/** The result of parsing: positionals in order, and option values by long name. */
export interface ParsedArgs {
  positionals: string[];
  /** Every value given for an option, in order (flags get an empty string per use). */
  options: Map<string, string[]>;
}

/** True when the flag was given at least once. */
export function hasFlag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/** The last value given for an option (later flags override earlier ones), or the fallback. */
export function lastValue(args: ParsedArgs, name: string, fallback: string): string {
  const values = args.options.get(name);
  return values?.[values.length - 1] ?? fallback;
}

/** All values of a repeatable, comma-separated option (`--select A,B --select C`). */
export function listValues(args: ParsedArgs, name: string): string[] {
  return (args.options.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function describeChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1] ?? ''}`;
}

/**
 * Parses argv against the option specs of one command. Throws UsageError for unknown
 * options, missing values and values outside `choices`, naming the command in the message.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const add = (spec: OptionSpec, value: string): void => {
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`invalid value \`${value}\` for \`--${spec.name}\` (expected ${describeChoices(spec.choices)})`);
    }
    options.set(spec.name, [...(options.get(spec.name) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone `-` is a positional (conventionally stdin), not an option.
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown option \`--${name}\` for \`${command}\` (see \`pydockerfile ${command === 'pydockerfile' ? '' : command + ' '}--help\`)`);
    } else {
      spec = arg.length === 2 ? byShort.get(arg.slice(1)) : undefined;
      if (!spec) throw new UsageError(`unknown option \`${arg}\` for \`${command}\` (see \`pydockerfile ${command === 'pydockerfile' ? '' : command + ' '}--help\`)`);
    }
    if (!spec.takesValue) {
      if (inline !== undefined) throw new UsageError(`option \`--${spec.name}\` does not take a value`);
      add(spec, '');
      continue;
    }
    if (inline !== undefined) {
      add(spec, inline);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-')) {
      throw new UsageError(`option \`--${spec.name}\` needs a value`);
    }
    add(spec, next);
    i++;
  }
  return { positionals, options };
}
