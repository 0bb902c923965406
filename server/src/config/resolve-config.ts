// Merges configuration layers (defaults < file < settings or command line) and remembers who set what.
import { DEFAULT_RULE_CONFIG, type LintOptions } from '../engine/lint';
import type { Applicability, RuleMeta, Severity, SeveritySetting } from '../rules/types';
import { CONFIG_KEYS, keyLabel, sourceLabel, type ConfigKey, type ConfigLayer, type ConfigSource } from './config-layer';

/** The configuration in force for one Dockerfile, with the origin of every value that is not a default. */
export interface EffectiveConfig {
  /** Only these rules run; undefined = every enabled rule. */
  select: readonly string[] | undefined;
  /** Severity per code, with `ignore` folded in as `off`. */
  severities: Readonly<Record<string, SeveritySetting>>;
  preview: boolean;
  failureThreshold: Severity;
  includeUnsafe: boolean;
  /** Applicability forced per code by `extend-safe-fixes` / `extend-unsafe-fixes`. */
  fixApplicability: Readonly<Record<string, Applicability>>;
  trustedRegistries: readonly string[];
  uid: number;
  /** Who set each value: `select`, `preview`, …, `severity.<CODE>`, `fix.<CODE>`. Defaults have no entry. */
  origins: Readonly<Record<string, { source: ConfigSource; key: string }>>;
}

/** Nothing configured. */
export const DEFAULT_CONFIG: EffectiveConfig = Object.freeze({
  select: undefined,
  severities: Object.freeze({}),
  preview: false,
  failureThreshold: 'warning',
  includeUnsafe: false,
  fixApplicability: Object.freeze({}),
  trustedRegistries: DEFAULT_RULE_CONFIG.trustedRegistries,
  uid: DEFAULT_RULE_CONFIG.uid,
  origins: Object.freeze({}),
});

function keyOf(field: ConfigKey['field']): ConfigKey {
  return CONFIG_KEYS.find((k) => k.field === field) as ConfigKey;
}

/**
 * Merges layers from lowest to highest precedence. A scalar or a list is replaced by the
 * highest layer that sets it; severities and fix decisions merge per code. Within one layer,
 * `ignore` wins over a severity for the same code. A `select` re-enables the codes it lists
 * even if a lower layer ignored them (as Ruff does), since it names them explicitly.
 */
export function resolveConfig(layers: readonly ConfigLayer[]): EffectiveConfig {
  let select: readonly string[] | undefined;
  const severities: Record<string, SeveritySetting> = {};
  const fixApplicability: Record<string, Applicability> = {};
  const origins: Record<string, { source: ConfigSource; key: string }> = {};
  let { preview, failureThreshold, includeUnsafe, trustedRegistries, uid } = DEFAULT_CONFIG;
  const origin = (path: string, source: ConfigSource, field: ConfigKey['field'], suffix = ''): void => {
    origins[path] = { source, key: keyLabel(source, keyOf(field), suffix) };
  };
  for (const layer of layers) {
    const { source } = layer;
    if (layer.select !== undefined) {
      select = layer.select;
      origin('select', source, 'select');
      for (const code of layer.select) {
        if (severities[code] !== 'off') continue;
        delete severities[code];
        delete origins[`severity.${code}`];
      }
    }
    for (const [code, severity] of Object.entries(layer.severity ?? {})) {
      severities[code] = severity;
      origin(`severity.${code}`, source, 'severity', `.${code}`);
    }
    for (const code of layer.ignore ?? []) {
      severities[code] = 'off';
      origin(`severity.${code}`, source, 'ignore');
    }
    if (layer.preview !== undefined) {
      preview = layer.preview;
      origin('preview', source, 'preview');
    }
    if (layer.failureThreshold !== undefined) {
      failureThreshold = layer.failureThreshold;
      origin('failureThreshold', source, 'failureThreshold');
    }
    if (layer.includeUnsafe !== undefined) {
      includeUnsafe = layer.includeUnsafe;
      origin('includeUnsafe', source, 'includeUnsafe');
    }
    for (const code of layer.extendSafeFixes ?? []) {
      fixApplicability[code] = 'safe';
      origin(`fix.${code}`, source, 'extendSafeFixes');
    }
    // Listed as both: the cautious reading wins.
    for (const code of layer.extendUnsafeFixes ?? []) {
      fixApplicability[code] = 'unsafe';
      origin(`fix.${code}`, source, 'extendUnsafeFixes');
    }
    if (layer.trustedRegistries !== undefined) {
      trustedRegistries = layer.trustedRegistries;
      origin('trustedRegistries', source, 'trustedRegistries');
    }
    if (layer.uid !== undefined) {
      uid = layer.uid;
      origin('uid', source, 'uid');
    }
  }
  return { select, severities, preview, failureThreshold, includeUnsafe, fixApplicability, trustedRegistries, uid, origins };
}

/** The engine options for a configuration. */
export function configLintOptions(config: EffectiveConfig): Pick<LintOptions, 'only' | 'severities' | 'preview' | 'fixApplicability' | 'config'> {
  return {
    ...(config.select !== undefined ? { only: config.select } : {}),
    severities: config.severities,
    preview: config.preview,
    fixApplicability: config.fixApplicability,
    config: { trustedRegistries: config.trustedRegistries, uid: config.uid },
  };
}

/** A stable string of everything in a configuration that changes lint results (for caches). */
export function configKey(config: EffectiveConfig): string {
  const sorted = (record: Readonly<Record<string, string>>): string =>
    Object.keys(record)
      .sort()
      .map((code) => `${code}=${record[code] ?? ''}`)
      .join(',');
  return [
    `select=${config.select?.join(',') ?? '*'}`,
    `rules=${sorted(config.severities)}`,
    `preview=${config.preview}`,
    `fixes=${sorted(config.fixApplicability)}`,
    `trusted=${config.trustedRegistries.join(',')}`,
    `uid=${config.uid}`,
  ].join(';');
}

/** `` `tool.pydockerfile.severity.PYD201` in `/repo/pyproject.toml` `` or `` the `pydockerfile.rules.PYD201` setting ``. */
function describeOrigin(origin: { source: ConfigSource; key: string }): string {
  switch (origin.source.kind) {
    case 'file':
      return `\`${origin.key}\` in \`${sourceLabel(origin.source)}\``;
    case 'settings':
      return `the \`${origin.key}\` setting`;
    case 'command-line':
      return `\`${origin.key}\` on the command line`;
  }
}

/**
 * What the configuration decided about one rule, as sentences for a hover: its severity,
 * its selection, preview, forced fix applicability and the rule options it reads. Empty when
 * the rule runs with its defaults.
 */
export function configNotes(config: EffectiveConfig, rule: Pick<RuleMeta, 'code' | 'status'>): string[] {
  const notes: string[] = [];
  const { code } = rule;
  const at = (path: string): { source: ConfigSource; key: string } | undefined => config.origins[path];
  const severity = at(`severity.${code}`);
  if (severity) notes.push(`Severity \`${config.severities[code] ?? ''}\` is set by ${describeOrigin(severity)}`);
  const select = at('select');
  if (select && config.select?.includes(code)) notes.push(`Selected by ${describeOrigin(select)}`);
  const preview = at('preview');
  if (rule.status === 'preview' && preview && config.preview) notes.push(`Runs because preview rules are enabled by ${describeOrigin(preview)}`);
  const fix = at(`fix.${code}`);
  if (fix) notes.push(`Its fixes count as ${config.fixApplicability[code] ?? ''} because of ${describeOrigin(fix)}`);
  const trusted = at('trustedRegistries');
  if (trusted && (code === 'PYD106' || code === 'PYD107')) notes.push(`Images from ${config.trustedRegistries.map((r) => `\`${r}\``).join(', ') || 'no registry'} are trusted by ${describeOrigin(trusted)}`);
  const uid = at('uid');
  if (uid && code === 'PYD501') notes.push(`The fix uses UID \`${config.uid}\` from ${describeOrigin(uid)}`);
  return notes;
}
