// The file-system layer of configuration: finds the nearest config file above a folder and reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, formatOfFile, parseConfigText, type ParsedConfig } from './parse-config';
import type { ConfigWarning, RuleCatalogueView } from './read-layer';

/** The configuration that applies to a folder. */
export type ConfigLookup = { kind: 'none' } | Extract<ParsedConfig, { kind: 'config' } | { kind: 'error' }>;

/** Reads a text file; undefined when there is no such file (or it is a folder). Throws on other errors. */
function readIfPresent(file: string): string | undefined {
  try {
    // Most folders have no config file: a stat that cannot throw is far cheaper than a failed read.
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || stat.isDirectory()) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

function unreadable(file: string, error: unknown): ConfigLookup {
  const code = (error as NodeJS.ErrnoException).code;
  return { kind: 'error', path: file, message: `${file}: cannot read the configuration file (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : error instanceof Error ? error.message : String(error)})` };
}

/**
 * The configuration file of one folder, if it has one: `.pydockerfile.toml` first, then a
 * pyproject.toml with a `[tool.pydockerfile]` table. When both configure pydockerfile, the
 * pyproject section is ignored, and a warning says so. `lacks` may tell, from a folder listing
 * already at hand, that a name is absent (saving the look on disk).
 */
export function configInFolder(folder: string, catalogue: RuleCatalogueView, lacks?: (folder: string, name: string) => boolean): ConfigLookup {
  const found: Extract<ParsedConfig, { kind: 'config' } | { kind: 'error' }>[] = [];
  for (const { name, format } of CONFIG_FILE_NAMES) {
    if (lacks?.(folder, name) === true) continue;
    const file = path.join(folder, name);
    let text: string | undefined;
    try {
      text = readIfPresent(file);
    } catch (error) {
      found.push(unreadable(file, error) as Extract<ParsedConfig, { kind: 'error' }>);
      continue;
    }
    if (text === undefined) continue;
    const parsed = parseConfigText(text, file, format, catalogue);
    if (parsed.kind !== 'absent') found.push(parsed);
  }
  const [winner, shadowed] = found;
  if (!winner) return { kind: 'none' };
  if (winner.kind === 'config' && shadowed) {
    const warning: ConfigWarning = {
      source: { kind: 'file', path: shadowed.path, format: 'pyproject' },
      key: 'tool.pydockerfile',
      message: `\`[tool.pydockerfile]\` is ignored: \`${path.basename(winner.path)}\` in the same folder takes precedence`,
    };
    return { ...winner, warnings: [...winner.warnings, warning] };
  }
  return winner;
}

/**
 * The nearest configuration above `folder` (inclusive), walking up to the file-system root.
 * The first folder with a configuration file decides; files further up are not merged in, so
 * what applies is always one file you can open.
 */
export function findConfig(folder: string, catalogue: RuleCatalogueView, inFolder: (dir: string) => ConfigLookup = (dir) => configInFolder(dir, catalogue)): ConfigLookup {
  let dir = path.resolve(folder);
  for (;;) {
    const local = inFolder(dir);
    if (local.kind !== 'none') return local;
    const parent = path.dirname(dir);
    if (parent === dir) return { kind: 'none' };
    dir = parent;
  }
}

/**
 * Loads a file named explicitly (`--config FILE`). Its format follows its name; a
 * pyproject.toml without `[tool.pydockerfile]` is an error here, since the user asked for it.
 */
export function loadConfigFile(file: string, catalogue: RuleCatalogueView): ConfigLookup {
  const absolute = path.resolve(file);
  let text: string | undefined;
  try {
    text = readIfPresent(absolute);
  } catch (error) {
    return unreadable(absolute, error);
  }
  if (text === undefined) return { kind: 'error', path: absolute, message: `${absolute}: no such configuration file` };
  const parsed = parseConfigText(text, absolute, formatOfFile(absolute), catalogue);
  if (parsed.kind === 'absent') return { kind: 'error', path: absolute, message: `${absolute}: has no \`[tool.pydockerfile]\` table` };
  return parsed;
}

/**
 * Memoized lookups for a long-running process (the language server, a CLI run over many
 * files): each folder's own files are read once until `clear()` (a config file changed).
 */
export class ConfigFileCache {
  private readonly folders = new Map<string, ConfigLookup>();

  /**
   * @param lacks answers from folder listings at hand that a folder has no file of a name
   *   (a CLI run that writes nothing); only when sure, else the disk is asked
   */
  constructor(
    private readonly catalogue: RuleCatalogueView,
    private readonly lacks?: (folder: string, name: string) => boolean,
  ) {}

  /** The configuration that applies to files in `folder`. */
  lookup(folder: string): ConfigLookup {
    return findConfig(folder, this.catalogue, (dir) => {
      let local = this.folders.get(dir);
      if (!local) {
        local = configInFolder(dir, this.catalogue, this.lacks);
        this.folders.set(dir, local);
      }
      return local;
    });
  }

  clear(): void {
    this.folders.clear();
  }
}

/** Glob patterns of configuration files, for file watchers (a change re-reads them). */
export const CONFIG_FILE_GLOBS: readonly string[] = CONFIG_FILE_NAMES.map(({ name }) => `**/${name}`);
