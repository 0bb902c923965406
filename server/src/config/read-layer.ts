// Validates untrusted configuration values (a TOML table or the editor's settings) into a layer.
import type { RedirectTable } from '../rules/redirects';
import type { Rule, Severity, SeveritySetting } from '../rules/types';
import { CONFIG_KEYS, keyLabel, sourceLabel, type ConfigKey, type ConfigLayer, type ConfigSource } from './config-layer';
import { closest, describeRuleRef, resolveRuleRef } from './rule-refs';
import { normalizeRegistryEntry } from './trusted-registries';

/** A problem with one key of a configuration source; the value (or entry) was ignored. */
export interface ConfigWarning {
  source: ConfigSource;
  /** The key as spelled in the source. */
  key: string;
  /** A sentence naming the key. */
  message: string;
}

/** What validation needs to know about rules. */
export interface RuleCatalogueView {
  rules: readonly Rule[];
  redirects: RedirectTable;
}

/** A warning as one line: `<file>: <message>` (or `settings: …`). */
export function formatWarning(warning: ConfigWarning): string {
  return `${warning.source.kind === 'file' ? warning.source.path : sourceLabel(warning.source)}: ${warning.message}`;
}

const SEVERITIES: readonly Severity[] = ['hint', 'info', 'warning', 'error'];
const MAX_UID = 4294967294;

/** `off`/`hint`/`info`/`warning`/`error` in any case; `information` is VS Code's spelling of `info`. */
export function readSeverity(value: unknown): SeveritySetting | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().toLowerCase();
  const mapped = normalized === 'information' ? 'info' : normalized;
  return mapped === 'off' || (SEVERITIES as readonly string[]).includes(mapped) ? (mapped as SeveritySetting) : undefined;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value at a dotted path, nested (`optimize: { includeUnsafe }`) or flat (`"optimize.includeUnsafe"`). */
function valueAt(table: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(table, path)) return table[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const head = table[path.slice(0, dot)];
  return isTable(head) ? valueAt(head, path.slice(dot + 1)) : undefined;
}

/** The key paths a file sets: leaves, except the `severity` map whose keys are rule codes. */
function leafPaths(table: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    const path = `${prefix}${key}`;
    if (isTable(value) && path !== 'severity') out.push(...leafPaths(value, `${path}.`));
    else out.push(path);
  }
  return out;
}

/** `selct` → `select`, `failure_threshold` / `failureThreshold` → `failure-threshold`. */
function suggestKey(path: string): string | undefined {
  const known = CONFIG_KEYS.map((k) => k.file);
  const kebab = path.replace(/_/g, '-').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  if (known.includes(kebab)) return kebab;
  const bare = known.find((k) => k.endsWith(`.${kebab}`));
  if (bare) return bare;
  return closest(kebab, known, 2);
}

/** Reads one layer. Invalid values and entries are skipped with a warning that names the key. */
export function readLayer(table: Record<string, unknown>, source: ConfigSource, catalogue: RuleCatalogueView): { layer: ConfigLayer; warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [];
  const layer: ConfigLayer = { source };
  const warn = (key: string, message: string): void => void warnings.push({ source, key, message });
  const fileSource = source.kind === 'file';
  for (const key of CONFIG_KEYS) {
    const raw = valueAt(table, fileSource ? key.file : key.setting);
    if (raw === undefined || raw === null) continue;
    readKey(key, raw, source, catalogue, layer, warn);
  }
  if (fileSource) {
    const known = new Set(CONFIG_KEYS.map((k) => k.file));
    for (const path of leafPaths(table)) {
      if (known.has(path)) continue;
      const label = `${source.format === 'pyproject' ? 'tool.pydockerfile.' : ''}${path}`;
      const suggestion = suggestKey(path);
      warn(label, `unknown key \`${label}\`${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`);
    }
  }
  return { layer, warnings };
}

/** A list of strings; a single string is split on commas, which is what people type. */
function stringList(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return Array.isArray(value) ? value : undefined;
}

type LayerValues = Omit<ConfigLayer, 'source'>;

/** Stores a validated value; CONFIG_KEYS pairs each field with the kind of value read for it. */
function store<K extends keyof LayerValues>(layer: LayerValues, field: K, value: LayerValues[K]): void {
  layer[field] = value;
}

function readKey(key: ConfigKey, raw: unknown, source: ConfigSource, catalogue: RuleCatalogueView, layer: ConfigLayer, warn: (key: string, message: string) => void): void {
  const label = keyLabel(source, key);
  switch (key.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') store(layer, key.field, raw);
      else warn(label, `\`${label}\` must be \`true\` or \`false\``);
      return;
    case 'severity': {
      const severity = readSeverity(raw);
      if (severity !== undefined && severity !== 'off') store(layer, key.field, severity);
      else warn(label, `\`${label}\` must be one of \`hint\`, \`info\`, \`warning\`, \`error\``);
      return;
    }
    case 'uid': {
      const uid = typeof raw === 'bigint' ? Number(raw) : raw;
      if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 0 || uid > MAX_UID) warn(label, `\`${label}\` must be a whole number between 1 and ${MAX_UID}`);
      else if (uid === 0) warn(label, `\`${label}\` is 0, which is root: choose an unprivileged UID such as 10001`);
      else store(layer, key.field, uid);
      return;
    }
    case 'registries': {
      const list = stringList(raw);
      if (!list) return warn(label, `\`${label}\` must be a list of registries, such as \`["registry.example.com"]\``);
      const out: string[] = [];
      for (const entry of list) {
        const normalized = typeof entry === 'string' ? normalizeRegistryEntry(entry) : undefined;
        if (normalized === undefined) warn(label, `\`${String(entry)}\` in \`${label}\` is not a registry (expected \`host\`, \`host:port\` or \`host/namespace\`)`);
        else if (!out.includes(normalized)) out.push(normalized);
      }
      store(layer, key.field, out);
      return;
    }
    case 'codes': {
      const list = stringList(raw);
      if (!list) return warn(label, `\`${label}\` must be a list of rule codes or names`);
      const out: string[] = [];
      for (const entry of list) {
        if (typeof entry !== 'string') {
          warn(label, `\`${label}\` must hold rule codes or names, not \`${JSON.stringify(entry)}\``);
          continue;
        }
        const ref = resolveRuleRef(entry, catalogue.rules, catalogue.redirects);
        const note = describeRuleRef(entry, ref, label);
        if (note) warn(label, note);
        if ((ref.kind === 'rule' || ref.kind === 'renamed') && !out.includes(ref.code)) out.push(ref.code);
      }
      store(layer, key.field, out);
      return;
    }
    case 'severity-map': {
      if (!isTable(raw)) return warn(label, `\`${label}\` must map rule codes to severities, such as \`{ PYD201 = "error" }\``);
      const out: Record<string, SeveritySetting> = {};
      for (const [code, value] of Object.entries(raw)) {
        const entryLabel = keyLabel(source, key, `.${code}`);
        const ref = resolveRuleRef(code, catalogue.rules, catalogue.redirects);
        const note = describeRuleRef(code, ref, label);
        if (note) warn(entryLabel, note);
        if (ref.kind !== 'rule' && ref.kind !== 'renamed') continue;
        const severity = readSeverity(value);
        if (severity === undefined) warn(entryLabel, `\`${entryLabel}\` must be one of \`off\`, \`hint\`, \`info\`, \`warning\`, \`error\``);
        else out[ref.code] = severity;
      }
      store(layer, key.field, out);
      return;
    }
  }
}
