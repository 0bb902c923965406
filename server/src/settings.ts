// Per-document settings: the typed shape, its defaults, normalisation from untrusted JSON, and the
// merge with the nearest configuration file (editor settings override the file).
import { formatWarning } from './config/read-layer';
import type { ConfigLayer } from './config/config-layer';
import type { ConfigFileCache } from './config/find-config';
import { configKey, configLintOptions, resolveConfig, type EffectiveConfig } from './config/resolve-config';
import { normalizeRegistryEntry } from './config/trusted-registries';
import type { LintOptions } from './engine/lint';
import { contextFolderOf } from './features/build-context';
import { ruleByName } from './rules/index';
import { redirectTarget, RULE_REDIRECTS, type RedirectTable } from './rules/redirects';
import type { Severity, SeveritySetting } from './rules/types';

/**
 * What the server reads from the `pydockerfile` configuration section. The optional fields
 * exist only when the user set them, so an unset editor setting never hides a config file.
 */
export interface Settings {
  /** `false` silences the server for the document: no diagnostics, actions or hovers. */
  enable: boolean;
  /** Per-code severity overrides (`off` disables the rule), keys upper-cased. */
  rules: Readonly<Record<string, SeveritySetting>>;
  /** Run rules whose status is `preview`. */
  preview: boolean;
  optimize: {
    /** Optimize applies unsafe fixes too unless the request says otherwise. */
    includeUnsafe: boolean;
    /** Codes whose unsafe fixes count as safe. */
    extendSafeFixes?: readonly string[];
    /** Codes whose safe fixes count as unsafe. */
    extendUnsafeFixes?: readonly string[];
  };
  /** Run only these rules. */
  select?: readonly string[];
  /** Turn these rules off. */
  ignore?: readonly string[];
  /** Only meaningful for the CLI; read so the keys mirror the configuration file. */
  failureThreshold?: Severity;
  /** Registries whose images PYD106/PYD107 do not judge. */
  trustedRegistries?: readonly string[];
  /** UID of the user PYD501's fix creates. */
  uid?: number;
}

/** The settings of one document merged with its configuration file. */
export interface DocumentSettings extends Settings {
  /** What is in force: defaults < configuration file < editor settings, with origins. */
  effective: EffectiveConfig;
}

/** Settings used when the client sends none (or nothing usable). */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  rules: Object.freeze({}),
  preview: false,
  optimize: Object.freeze({ includeUnsafe: false }),
});

const SEVERITY_SETTINGS: ReadonlySet<string> = new Set<SeveritySetting>(['off', 'hint', 'info', 'warning', 'error']);
const CODE_LIKE = /^[A-Za-z]+\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** A setting given nested (`optimize: { includeUnsafe }`) or flat (`"optimize.includeUnsafe"`). */
function nestedOrFlat(raw: Record<string, unknown>, group: string, key: string): unknown {
  const nested = raw[group];
  if (isRecord(nested) && nested[key] !== undefined) return nested[key];
  return raw[`${group}.${key}`];
}

/** A code in upper case, following a rename; names become codes. Unknown codes are kept (test rules, newer servers). */
function normalizeCode(value: string, redirects: RedirectTable): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (!CODE_LIKE.test(trimmed)) return ruleByName(trimmed.toLowerCase())?.code;
  const upper = trimmed.toUpperCase();
  return redirectTarget(upper, redirects) ?? upper;
}

/** Keeps only `code → severity` entries with a known severity; anything else is ignored. */
export function normalizeRuleSeverities(value: unknown, redirects: RedirectTable = RULE_REDIRECTS): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  if (!isRecord(value)) return out;
  for (const [code, severity] of Object.entries(value)) {
    if (typeof severity !== 'string') continue;
    const normalized = severity.trim().toLowerCase();
    // `information` is how VS Code spells it elsewhere; accept it rather than ignore the user.
    const mapped = normalized === 'information' ? 'info' : normalized;
    const key = normalizeCode(code, redirects);
    if (SEVERITY_SETTINGS.has(mapped) && key !== undefined) out[key] = mapped as SeveritySetting;
  }
  return out;
}

/** A list of codes (array, or one comma-separated string); undefined when not given or not a list. */
function codeList(value: unknown, redirects: RedirectTable): string[] | undefined {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items) return undefined;
  const codes = items.filter((v): v is string => typeof v === 'string').map((v) => normalizeCode(v, redirects)).filter((c): c is string => c !== undefined);
  return [...new Set(codes)];
}

/** A list of registries, normalized; invalid entries are dropped. */
function registryList(value: unknown): string[] | undefined {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items) return undefined;
  return [...new Set(items.filter((v): v is string => typeof v === 'string').map(normalizeRegistryEntry).filter((r): r is string => r !== undefined))];
}

function severityOf(value: unknown): Severity | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'hint' || v === 'info' || v === 'warning' || v === 'error' ? v : v === 'information' ? 'info' : undefined;
}

function uidOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 4294967294 ? value : undefined;
}

/**
 * Builds Settings from whatever the client sent for the `pydockerfile` section. Unknown keys
 * and values of the wrong type fall back to the defaults, so a typo never breaks linting.
 * Dotted keys (`"optimize.includeUnsafe": true`) are accepted as well as nested objects,
 * because some clients send the flat form. Renamed codes are mapped to their new codes.
 */
export function normalizeSettings(raw: unknown, redirects: RedirectTable = RULE_REDIRECTS): Settings {
  if (!isRecord(raw)) return DEFAULT_SETTINGS;
  const extendSafeFixes = codeList(nestedOrFlat(raw, 'optimize', 'extendSafeFixes'), redirects);
  const extendUnsafeFixes = codeList(nestedOrFlat(raw, 'optimize', 'extendUnsafeFixes'), redirects);
  const select = codeList(raw['select'], redirects);
  const ignore = codeList(raw['ignore'], redirects);
  const failureThreshold = severityOf(raw['failureThreshold']);
  const trustedRegistries = registryList(raw['trustedRegistries']);
  const uid = uidOf(raw['uid']);
  return {
    enable: booleanOr(raw['enable'], DEFAULT_SETTINGS.enable),
    rules: normalizeRuleSeverities(raw['rules'], redirects),
    preview: booleanOr(raw['preview'], DEFAULT_SETTINGS.preview),
    optimize: {
      includeUnsafe: booleanOr(nestedOrFlat(raw, 'optimize', 'includeUnsafe'), DEFAULT_SETTINGS.optimize.includeUnsafe),
      ...(extendSafeFixes ? { extendSafeFixes } : {}),
      ...(extendUnsafeFixes ? { extendUnsafeFixes } : {}),
    },
    ...(select ? { select } : {}),
    ...(ignore ? { ignore } : {}),
    ...(failureThreshold ? { failureThreshold } : {}),
    ...(trustedRegistries ? { trustedRegistries } : {}),
    ...(uid !== undefined ? { uid } : {}),
  };
}

/**
 * The editor settings as a configuration layer. VS Code always sends its defaults, so a value
 * equal to the default (`preview: false`, an empty `rules` map) counts as "not set" and leaves
 * the configuration file in charge; everything the user did set overrides the file.
 */
export function settingsLayer(settings: Settings): ConfigLayer {
  const { optimize } = settings;
  return {
    source: { kind: 'settings' },
    ...(Object.keys(settings.rules).length > 0 ? { severity: settings.rules } : {}),
    ...(settings.preview ? { preview: true } : {}),
    ...(optimize.includeUnsafe ? { includeUnsafe: true } : {}),
    ...(optimize.extendSafeFixes ? { extendSafeFixes: optimize.extendSafeFixes } : {}),
    ...(optimize.extendUnsafeFixes ? { extendUnsafeFixes: optimize.extendUnsafeFixes } : {}),
    ...(settings.select ? { select: settings.select } : {}),
    ...(settings.ignore ? { ignore: settings.ignore } : {}),
    ...(settings.failureThreshold ? { failureThreshold: settings.failureThreshold } : {}),
    ...(settings.trustedRegistries ? { trustedRegistries: settings.trustedRegistries } : {}),
    ...(settings.uid !== undefined ? { uid: settings.uid } : {}),
  };
}

/** Merges a document's settings over its configuration file (if any). */
export function documentSettings(settings: Settings, fileLayer: ConfigLayer | undefined): DocumentSettings {
  return { ...settings, effective: resolveConfig(fileLayer ? [fileLayer, settingsLayer(settings)] : [settingsLayer(settings)]) };
}

function effectiveOf(settings: Settings | DocumentSettings): EffectiveConfig {
  return 'effective' in settings ? settings.effective : resolveConfig([settingsLayer(settings)]);
}

/** The part of the settings that changes lint results, as engine options. */
export function lintOptionsOf(settings: Settings | DocumentSettings): Pick<LintOptions, 'only' | 'severities' | 'preview' | 'fixApplicability' | 'config'> {
  return configLintOptions(effectiveOf(settings));
}

/** A stable key of everything in the settings that affects lint results (for caches). */
export function lintSettingsKey(settings: Settings | DocumentSettings): string {
  return configKey(effectiveOf(settings));
}

/**
 * Configuration files for open documents: the layer of the nearest file above a `file:`
 * document (none for untitled ones), read through a cache that `clear()` empties when a
 * config file changes. Each warning or error is announced once until then.
 */
export class FileConfigProvider {
  private readonly announced = new Set<string>();

  /** @param announce shows a configuration problem to the user (and logs it) */
  constructor(
    private readonly cache: ConfigFileCache,
    private readonly announce: (message: string) => void,
  ) {}

  layerFor(uri: string): ConfigLayer | undefined {
    const folder = contextFolderOf(uri);
    if (folder === undefined) return undefined;
    const lookup = this.cache.lookup(folder);
    if (lookup.kind === 'none') return undefined;
    const problems = lookup.kind === 'error' ? [`${lookup.message} (the file is ignored until it is fixed)`] : lookup.warnings.map(formatWarning);
    for (const problem of problems) {
      if (this.announced.has(problem)) continue;
      this.announced.add(problem);
      this.announce(`pydockerfile: ${problem}`);
    }
    return lookup.kind === 'config' ? lookup.layer : undefined;
  }

  clear(): void {
    this.cache.clear();
    this.announced.clear();
  }
}

/**
 * Settings cached per document URI, merged with the document's configuration file. The
 * fetcher is asked once per URI until `clear()` (called on `workspace/didChangeConfiguration`
 * and when a config file changes); concurrent requests share one fetch.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<DocumentSettings>>();

  /**
   * @param fetch reads the raw section for a URI; failures fall back to the defaults
   * @param files the configuration files; without it only the editor settings count
   */
  constructor(
    private readonly fetch: (uri: string) => Promise<unknown>,
    private readonly files?: FileConfigProvider,
  ) {}

  get(uri: string): Promise<DocumentSettings> {
    let pending = this.cache.get(uri);
    if (!pending) {
      pending = this.fetch(uri)
        .then(normalizeSettings, () => DEFAULT_SETTINGS)
        .then((settings) => documentSettings(settings, this.fileLayer(uri)));
      this.cache.set(uri, pending);
    }
    return pending;
  }

  /** A broken config file must not break linting: it then counts as absent. */
  private fileLayer(uri: string): ConfigLayer | undefined {
    try {
      return this.files?.layerFor(uri);
    } catch {
      return undefined;
    }
  }

  /** Forgets one document's settings (it was closed). */
  delete(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
