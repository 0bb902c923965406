// Configuration for CLI runs: the nearest config file per Dockerfile (or `--config FILE`, or
// none with `--no-config`), under the command-line flags, with warnings printed once.
import * as path from 'node:path';
import type { ConfigLayer } from '../config/config-layer';
import { ConfigFileCache, loadConfigFile, type ConfigLookup } from '../config/find-config';
import type { ConfigWarning, RuleCatalogueView } from '../config/read-layer';
import { resolveConfig, type EffectiveConfig } from '../config/resolve-config';
import { describeRuleRef, resolveRuleRef } from '../config/rule-refs';
import { ALL_RULES } from '../rules/index';
import { RULE_REDIRECTS } from '../rules/redirects';
import type { DiskSnapshot } from '../workspace/node-fs';
import { hasFlag, listValues, type OptionSpec, type ParsedArgs } from './args';
import { programMessage, UsageError, type CliIo } from './io';

/** The rules and renames the CLI validates against. */
export const CLI_CATALOGUE: RuleCatalogueView = { rules: ALL_RULES, redirects: RULE_REDIRECTS };

/** The options every linting command accepts for configuration. */
export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  { name: 'config', takesValue: true },
  { name: 'no-config', takesValue: false },
];

/** A path for messages: relative to the working folder when it is inside it. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * Resolves `--select`/`--ignore` values: codes (any case), rule names, or renamed codes (with
 * a note on stderr). Unknown rules are usage errors: a typo on the command line should stop the run.
 */
export function resolveFlagCodes(args: ParsedArgs, option: string, io: CliIo): string[] {
  const codes: string[] = [];
  for (const value of listValues(args, option)) {
    const ref = resolveRuleRef(value, CLI_CATALOGUE.rules, CLI_CATALOGUE.redirects);
    if (ref.kind === 'unknown' || ref.kind === 'removed') {
      const hint = ref.kind === 'unknown' && ref.suggestion ? `; did you mean \`${ref.suggestion}\`?` : '';
      throw new UsageError(`unknown rule \`${value}\` in \`--${option}\` (see \`pydockerfile rules\`${hint})`);
    }
    if (ref.kind === 'renamed') io.stderr(programMessage(`warning: ${describeRuleRef(value, ref, `--${option}`) ?? ''}`));
    if (!codes.includes(ref.code)) codes.push(ref.code);
  }
  return codes;
}

/** Per-Dockerfile configuration for one CLI run. */
export class CliConfig {
  private readonly cache: ConfigFileCache;
  private readonly explicit: ConfigLookup | undefined;
  private readonly useFiles: boolean;
  private readonly reported = new Set<string>();
  /** Effective configuration per config file looked up (by identity; undefined: no file), resolved once. */
  private readonly resolved = new Map<ConfigLookup | undefined, EffectiveConfig>();

  /**
   * @param args the parsed command line (`--config FILE`, `--no-config`)
   * @param flags the layer of command-line flags, which overrides any file
   * @param snapshot folder listings of a run that writes no files: folders they show without
   *   a config file need no look on disk
   */
  constructor(
    args: ParsedArgs,
    private readonly flags: ConfigLayer,
    private readonly io: CliIo,
    snapshot?: DiskSnapshot,
  ) {
    this.cache = new ConfigFileCache(CLI_CATALOGUE, snapshot ? (folder, name) => snapshot.lacks(folder, name) : undefined);
    const file = args.options.get('config')?.at(-1);
    if (file !== undefined && hasFlag(args, 'no-config')) throw new UsageError('`--config` and `--no-config` cannot be combined');
    this.useFiles = !hasFlag(args, 'no-config');
    this.explicit = file !== undefined ? loadConfigFile(path.resolve(io.cwd, file), CLI_CATALOGUE) : undefined;
  }

  /** The error of an explicit `--config FILE` that cannot be used, which stops the run. */
  explicitError(): string | undefined {
    return this.explicit?.kind === 'error' ? this.explicit.message : undefined;
  }

  /**
   * The configuration for Dockerfiles in `folder`, or an error message when the config file
   * that applies is broken (the file must then not be checked: its result would be wrong).
   */
  forFolder(folder: string): { config: EffectiveConfig; file: string | undefined } | { error: string } {
    const lookup: ConfigLookup = this.explicit ?? (this.useFiles ? this.cache.lookup(folder) : { kind: 'none' });
    if (lookup.kind === 'error') return { error: this.relativize(lookup.message, lookup.path) };
    // A tree of projects mostly shares one config file (or none): resolve each once per run.
    if (lookup.kind === 'none') return { config: this.resolveOnce(undefined, () => resolveConfig([this.flags])), file: undefined };
    this.warnOnce(lookup.warnings);
    return { config: this.resolveOnce(lookup, () => resolveConfig([lookup.layer, this.flags])), file: lookup.path };
  }

  private resolveOnce(lookup: ConfigLookup | undefined, resolve: () => EffectiveConfig): EffectiveConfig {
    let config = this.resolved.get(lookup);
    if (!config) {
      config = resolve();
      this.resolved.set(lookup, config);
    }
    return config;
  }

  private relativize(message: string, file: string): string {
    return message.split(file).join(displayPath(file, this.io.cwd));
  }

  private warnOnce(warnings: readonly ConfigWarning[]): void {
    for (const warning of warnings) {
      const file = warning.source.kind === 'file' ? displayPath(warning.source.path, this.io.cwd) : 'settings';
      const line = `warning: ${file}: ${warning.message}`;
      if (this.reported.has(line)) continue;
      this.reported.add(line);
      this.io.stderr(programMessage(line));
    }
  }
}
