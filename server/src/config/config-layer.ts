// The configuration keys, their spellings in files and in VS Code settings, and one layer's values.
import type { Severity, SeveritySetting } from '../rules/types';

/** Where a layer of configuration comes from; hovers and warnings name it. */
export type ConfigSource =
  | { kind: 'file'; path: string; /** `[tool.pydockerfile]` of a pyproject.toml, or a `.pydockerfile.toml`. */ format: 'pyproject' | 'pydockerfile' }
  | { kind: 'settings' }
  | { kind: 'command-line' };

/**
 * The values one source sets. A missing field means "not set here", so a higher layer only
 * overrides what it actually sets. Codes are already resolved (names and renamed codes mapped).
 */
export interface ConfigLayer {
  source: ConfigSource;
  /** Run only these rules. */
  select?: readonly string[];
  /** Turn these rules off. */
  ignore?: readonly string[];
  /** Severity per code; `off` turns a rule off. */
  severity?: Readonly<Record<string, SeveritySetting>>;
  /** Run preview rules. */
  preview?: boolean;
  /** `check` exits 1 for findings at or above this severity. */
  failureThreshold?: Severity;
  /** Optimize and `check --fix` apply unsafe fixes too. */
  includeUnsafe?: boolean;
  /** Codes whose unsafe fixes count as safe. */
  extendSafeFixes?: readonly string[];
  /** Codes whose safe fixes count as unsafe (never applied without asking). */
  extendUnsafeFixes?: readonly string[];
  /** Registries (optionally with a namespace) whose images PYD106/PYD107 do not judge. */
  trustedRegistries?: readonly string[];
  /** UID/GID of the non-root user PYD501's fix creates. */
  uid?: number;
}

/** The kinds of value a key holds, which decide how it is validated. */
export type ValueKind = 'codes' | 'severity-map' | 'boolean' | 'severity' | 'registries' | 'uid';

/** One configuration key with its spellings and meaning. */
export interface ConfigKey {
  /** The layer field it fills. */
  field: Exclude<keyof ConfigLayer, 'source'>;
  /** Path in a config file (kebab-case, dotted for nested tables). */
  file: string;
  /** Path under the `pydockerfile.` settings section (camelCase). */
  setting: string;
  kind: ValueKind;
  /** One line for docs and help. */
  description: string;
}

/** Every key, in the order the docs list them. The single source for validation and docs. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { field: 'select', file: 'select', setting: 'select', kind: 'codes', description: 'Run only these rules (codes or names); preview rules listed here run too' },
  { field: 'ignore', file: 'ignore', setting: 'ignore', kind: 'codes', description: 'Turn these rules off' },
  { field: 'severity', file: 'severity', setting: 'rules', kind: 'severity-map', description: 'Severity per rule: `off`, `hint`, `info`, `warning` or `error`; a preview rule given a severity runs' },
  { field: 'preview', file: 'preview', setting: 'preview', kind: 'boolean', description: 'Run preview rules' },
  { field: 'failureThreshold', file: 'failure-threshold', setting: 'failureThreshold', kind: 'severity', description: '`check` exits 1 for findings at or above this severity (default `warning`)' },
  { field: 'includeUnsafe', file: 'optimize.include-unsafe', setting: 'optimize.includeUnsafe', kind: 'boolean', description: 'Optimize and `check --fix` apply unsafe fixes too' },
  { field: 'extendSafeFixes', file: 'optimize.extend-safe-fixes', setting: 'optimize.extendSafeFixes', kind: 'codes', description: 'Rules whose unsafe fixes you accept as safe (applied by fix-all, Optimize and `--fix`)' },
  { field: 'extendUnsafeFixes', file: 'optimize.extend-unsafe-fixes', setting: 'optimize.extendUnsafeFixes', kind: 'codes', description: 'Rules whose safe fixes you want to review (never applied without asking)' },
  { field: 'trustedRegistries', file: 'trusted-registries', setting: 'trustedRegistries', kind: 'registries', description: 'Registries (`host` or `host/namespace`) whose images PYD106 and PYD107 do not judge' },
  { field: 'uid', file: 'uid', setting: 'uid', kind: 'uid', description: 'UID and GID of the non-root user that the PYD501 fix creates (default 10001)' },
];

/** The table that holds the keys in a pyproject.toml. */
export const PYPROJECT_TABLE = 'tool.pydockerfile';

/** How a key is spelled in the given source, for messages (`tool.pydockerfile.select`, `pydockerfile.rules`, `--select`). */
export function keyLabel(source: ConfigSource, key: ConfigKey, suffix = ''): string {
  switch (source.kind) {
    case 'file':
      return `${source.format === 'pyproject' ? `${PYPROJECT_TABLE}.` : ''}${key.file}${suffix}`;
    case 'settings':
      return `pydockerfile.${key.setting}${suffix}`;
    case 'command-line':
      return COMMAND_LINE_FLAGS[key.field] ?? key.file;
  }
}

/** The flags that set a key on the command line. */
const COMMAND_LINE_FLAGS: Partial<Record<ConfigKey['field'], string>> = {
  select: '--select',
  ignore: '--ignore',
  preview: '--preview',
  failureThreshold: '--severity-threshold',
  includeUnsafe: '--unsafe-fixes',
};

/** A source as a phrase: `/repo/pyproject.toml`, `VS Code settings`, `the command line`. */
export function sourceLabel(source: ConfigSource): string {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'settings':
      return 'the editor settings';
    case 'command-line':
      return 'the command line';
  }
}
