// Per-document settings: the typed shape, its defaults, and normalisation from untrusted JSON.
import type { LintOptions } from './engine/lint';
import type { SeveritySetting } from './rules/types';

/** What the server reads from the `pydockerfile` configuration section. */
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
  };
}

/** Settings used when the client sends none (or nothing usable). */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  rules: Object.freeze({}),
  preview: false,
  optimize: Object.freeze({ includeUnsafe: false }),
});

const SEVERITY_SETTINGS: ReadonlySet<string> = new Set<SeveritySetting>(['off', 'hint', 'info', 'warning', 'error']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Keeps only `code → severity` entries with a known severity; anything else is ignored. */
export function normalizeRuleSeverities(value: unknown): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  if (!isRecord(value)) return out;
  for (const [code, severity] of Object.entries(value)) {
    if (typeof severity !== 'string') continue;
    const normalized = severity.trim().toLowerCase();
    // `information` is how VS Code spells it elsewhere; accept it rather than ignore the user.
    const mapped = normalized === 'information' ? 'info' : normalized;
    if (SEVERITY_SETTINGS.has(mapped) && code.trim() !== '') out[code.trim().toUpperCase()] = mapped as SeveritySetting;
  }
  return out;
}

/**
 * Builds Settings from whatever the client sent for the `pydockerfile` section. Unknown keys
 * and values of the wrong type fall back to the defaults, so a typo never breaks linting.
 * Dotted keys (`"optimize.includeUnsafe": true`) are accepted as well as nested objects,
 * because some clients send the flat form.
 */
export function normalizeSettings(raw: unknown): Settings {
  if (!isRecord(raw)) return DEFAULT_SETTINGS;
  const optimize = isRecord(raw['optimize']) ? raw['optimize'] : {};
  return {
    enable: booleanOr(raw['enable'], DEFAULT_SETTINGS.enable),
    rules: normalizeRuleSeverities(raw['rules']),
    preview: booleanOr(raw['preview'], DEFAULT_SETTINGS.preview),
    optimize: {
      includeUnsafe: booleanOr(optimize['includeUnsafe'], booleanOr(raw['optimize.includeUnsafe'], DEFAULT_SETTINGS.optimize.includeUnsafe)),
    },
  };
}

/** The part of the settings that changes lint results, as engine options. */
export function lintOptionsOf(settings: Settings): Pick<LintOptions, 'severities' | 'preview'> {
  return { severities: settings.rules, preview: settings.preview };
}

/** A stable key of everything in the settings that affects lint results (for caches). */
export function lintSettingsKey(settings: Settings): string {
  const rules = Object.keys(settings.rules)
    .sort()
    .map((code) => `${code}=${settings.rules[code] ?? ''}`)
    .join(',');
  return `preview=${settings.preview};rules=${rules}`;
}

/**
 * Settings cached per document URI. The fetcher is asked once per URI until `clear()`
 * (called on `workspace/didChangeConfiguration`); concurrent requests share one fetch.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<Settings>>();

  /** @param fetch reads the raw section for a URI; failures fall back to the defaults. */
  constructor(private readonly fetch: (uri: string) => Promise<unknown>) {}

  get(uri: string): Promise<Settings> {
    let pending = this.cache.get(uri);
    if (!pending) {
      pending = this.fetch(uri).then(normalizeSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, pending);
    }
    return pending;
  }

  /** Forgets one document's settings (it was closed). */
  delete(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
