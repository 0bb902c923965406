// Parses configuration files: `[tool.pydockerfile]` of a pyproject.toml, or a whole `.pydockerfile.toml`.
import type { ConfigLayer } from './config-layer';
import { readLayer, type ConfigWarning, type RuleCatalogueView } from './read-layer';

// smol-toml ships ES modules with CommonJS fallbacks; the type-only import names the ESM types,
// `require` picks the CommonJS build (bundled by esbuild, loaded directly by the tests).
type SmolToml = typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml: SmolToml = require('smol-toml');

/** The two file formats: the section of a Python project file, or our own file. */
export type ConfigFormat = 'pyproject' | 'pydockerfile';

/** Names of the configuration files, in precedence order within one folder. */
export const CONFIG_FILE_NAMES: readonly { name: string; format: ConfigFormat }[] = [
  // The dedicated file is the more deliberate choice, so it wins over pyproject.toml (as
  // `.ruff.toml` does over `pyproject.toml` for Ruff).
  { name: '.pydockerfile.toml', format: 'pydockerfile' },
  { name: 'pyproject.toml', format: 'pyproject' },
];

/** The format a file name implies: `pyproject.toml` holds a section, anything else is ours. */
export function formatOfFile(fileName: string): ConfigFormat {
  return fileName.replace(/^.*[\\/]/, '').toLowerCase() === 'pyproject.toml' ? 'pyproject' : 'pydockerfile';
}

/** The outcome of parsing one file. */
export type ParsedConfig =
  | { kind: 'config'; path: string; format: ConfigFormat; layer: ConfigLayer; warnings: ConfigWarning[] }
  /** A pyproject.toml without a `[tool.pydockerfile]` table: not a configuration file for us. */
  | { kind: 'absent'; path: string }
  | { kind: 'error'; path: string; message: string };

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first line of a TOML error, with its position, as `path:line:column: message`. */
function describeTomlError(path: string, error: unknown): string {
  if (error instanceof toml.TomlError) {
    const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '') ?? 'invalid TOML';
    return `${path}:${error.line}:${error.column}: invalid TOML: ${reason}`;
  }
  return `${path}: invalid TOML: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Parses a configuration file's text. A pyproject.toml that fails to parse is only an error
 * when it mentions `pydockerfile`: otherwise it is somebody else's broken file, and we carry on
 * as if it had no section for us. Pure: the caller reads the file.
 */
export function parseConfigText(text: string, path: string, format: ConfigFormat, catalogue: RuleCatalogueView): ParsedConfig {
  let document: Record<string, unknown>;
  try {
    document = toml.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (format === 'pyproject' && !text.includes('pydockerfile')) return { kind: 'absent', path };
    return { kind: 'error', path, message: describeTomlError(path, error) };
  }
  let table: Record<string, unknown>;
  if (format === 'pyproject') {
    const tool = document['tool'];
    const section = isTable(tool) ? tool['pydockerfile'] : undefined;
    if (section === undefined) return { kind: 'absent', path };
    if (!isTable(section)) return { kind: 'error', path, message: `${path}: \`tool.pydockerfile\` must be a table (\`[tool.pydockerfile]\`)` };
    table = section;
  } else {
    table = document;
  }
  const { layer, warnings } = readLayer(table, { kind: 'file', path, format }, catalogue);
  if (format === 'pydockerfile' && isTable(document['tool'])) {
    // A pasted pyproject section: say where the keys belong instead of only "unknown key".
    const hint = warnings.find((w) => w.key.startsWith('tool.'));
    if (hint) hint.message += ' (in .pydockerfile.toml, write the keys at the top level, without `[tool.pydockerfile]`)';
  }
  return { kind: 'config', path, format, layer, warnings };
}
