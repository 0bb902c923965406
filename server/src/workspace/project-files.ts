// Python project metadata: pyproject.toml, Pipfile, lock files and `.python-version`.
import { normalizeName } from './requirements';
import { parseToml, str, strings, table, type Parsed } from './toml';

/** What a pyproject.toml tells about the project. */
export interface Pyproject {
  /** `[project].name`, or `[tool.poetry].name`. */
  name: string | null;
  /** `[project].requires-python`, or the `python` dependency of `[tool.poetry.dependencies]`. */
  requiresPython: string | null;
  /** `[project].dependencies` as written (PEP 508 strings). */
  dependencies: string[];
  /** Names (normalized) of every dependency the file declares: project, optional, groups, Poetry. */
  dependencyNames: Set<string>;
  /** `[tool.poetry]` is present. */
  poetry: boolean;
  /** `[tool.uv]` is present. */
  uv: boolean;
  /** `[tool.pdm]` is present. */
  pdm: boolean;
  /** `[build-system].requires` and build backend. */
  buildRequires: string[];
  buildBackend: string | null;
  /** `[project].dynamic` includes `version`, or a VCS versioning plugin is configured. */
  versionFromVcs: boolean;
  /** `[tool.poetry.requires-plugins]` names (normalized). */
  poetryPlugins: Set<string>;
}

/** Tools that derive the version from git metadata: they need `.git` in the build context. */
const VCS_VERSIONING = /^(setuptools[-_.]?scm|hatch[-_.]vcs|versioningit|dunamai|poetry[-_.]dynamic[-_.]versioning|pdm[-_.]backend|uv[-_.]dynamic[-_.]versioning|setuptools[-_.]git[-_.]versioning)/i;

/** The distribution name at the start of a PEP 508 string, normalized, or null. */
export function pep508Name(spec: string): string | null {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(spec);
  return m ? normalizeName(m[1] as string) : null;
}

/** Reads pyproject.toml; a syntax error is returned as the reason. */
export function parsePyproject(text: string): Parsed<Pyproject> {
  const parsed = parseToml(text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  const project = table(doc['project']);
  const tool = table(doc['tool']);
  const poetry = table(tool?.['poetry']);
  const build = table(doc['build-system']);
  const names = new Set<string>();
  const dependencies = strings(project?.['dependencies']);
  for (const d of dependencies) addName(names, pep508Name(d));
  for (const list of Object.values(table(project?.['optional-dependencies']) ?? {})) for (const d of strings(list)) addName(names, pep508Name(d));
  for (const list of Object.values(table(doc['dependency-groups']) ?? {})) for (const d of strings(list)) addName(names, pep508Name(d));
  const poetryDeps = table(poetry?.['dependencies']) ?? {};
  for (const key of Object.keys(poetryDeps)) if (key.toLowerCase() !== 'python') names.add(normalizeName(key));
  for (const group of Object.values(table(poetry?.['group']) ?? {})) for (const key of Object.keys(table(table(group)?.['dependencies']) ?? {})) names.add(normalizeName(key));
  for (const key of Object.keys(table(poetry?.['dev-dependencies']) ?? {})) names.add(normalizeName(key));
  const poetryPython = poetryDeps['python'];
  const buildRequires = strings(build?.['requires']);
  const dynamicVersion = strings(project?.['dynamic']).includes('version');
  const toolNames = Object.keys(tool ?? {});
  return {
    ok: true,
    value: {
      name: str(project?.['name']) ?? str(poetry?.['name']) ?? null,
      requiresPython: str(project?.['requires-python']) ?? (typeof poetryPython === 'string' ? poetryPython : str(table(poetryPython)?.['version'])) ?? null,
      dependencies,
      dependencyNames: names,
      poetry: poetry !== undefined,
      uv: table(tool?.['uv']) !== undefined,
      pdm: table(tool?.['pdm']) !== undefined,
      buildRequires,
      buildBackend: str(build?.['build-backend']) ?? null,
      versionFromVcs:
        buildRequires.some((r) => VCS_VERSIONING.test(r.trim()) && !/^pdm[-_.]backend/i.test(r.trim())) ||
        toolNames.some((t) => /^(setuptools_scm|setuptools-scm|hatch-vcs|versioningit|poetry-dynamic-versioning)$/.test(t)) ||
        (dynamicVersion && table(table(tool?.['hatch'])?.['version'])?.['source'] === 'vcs') ||
        (dynamicVersion && table(table(tool?.['pdm'])?.['version'])?.['source'] === 'scm'),
      poetryPlugins: new Set(Object.keys(table(poetry?.['requires-plugins']) ?? {}).map(normalizeName)),
    },
  };
}

function addName(names: Set<string>, name: string | null): void {
  if (name !== null) names.add(name);
}

/** A lock file reduced to the exact versions it locks. */
export interface LockFile {
  kind: 'poetry' | 'uv' | 'pdm' | 'pipenv';
  /** Normalized name → locked version (`3.0.3`). */
  versions: Map<string, string>;
}

/** Reads `poetry.lock`, `uv.lock` or `pdm.lock` (TOML, `[[package]]` tables with name/version). */
export function parseTomlLock(kind: 'poetry' | 'uv' | 'pdm', text: string): Parsed<LockFile> {
  const parsed = parseToml(text);
  if (!parsed.ok) return parsed;
  const versions = new Map<string, string>();
  const packages = parsed.value['package'];
  if (Array.isArray(packages)) {
    for (const p of packages) {
      const t = table(p);
      const name = str(t?.['name']);
      const version = str(t?.['version']);
      if (name && version) versions.set(normalizeName(name), version);
    }
  }
  return { ok: true, value: { kind, versions } };
}

/** Reads `Pipfile.lock` (JSON): `default` and `develop` sections with `"version": "==X"`. */
export function parsePipfileLock(text: string): Parsed<LockFile> {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const root = table(doc);
  if (!root) return { ok: false, error: 'invalid Pipfile.lock: the top level is not an object' };
  const versions = new Map<string, string>();
  for (const section of ['default', 'develop']) {
    for (const [name, entry] of Object.entries(table(root[section]) ?? {})) {
      const version = str(table(entry)?.['version']);
      if (version?.startsWith('==')) versions.set(normalizeName(name), version.slice(2));
    }
  }
  return { ok: true, value: { kind: 'pipenv', versions } };
}

/** What a Pipfile declares. */
export interface Pipfile {
  /** Normalized names of `[packages]` and `[dev-packages]`. */
  packages: Set<string>;
  /** `[requires] python_version` / `python_full_version`. */
  pythonVersion: string | null;
}

/** Reads a Pipfile (TOML). */
export function parsePipfile(text: string): Parsed<Pipfile> {
  const parsed = parseToml(text);
  if (!parsed.ok) return parsed;
  const packages = new Set<string>();
  for (const section of ['packages', 'dev-packages']) for (const name of Object.keys(table(parsed.value[section]) ?? {})) packages.add(normalizeName(name));
  const requires = table(parsed.value['requires']);
  return { ok: true, value: { packages, pythonVersion: str(requires?.['python_version']) ?? str(requires?.['python_full_version']) ?? null } };
}

/** The `X.Y` minor a `.python-version` file asks for (first version line; `3.12.4`, `cpython-3.12`). */
export function parsePythonVersionFile(text: string): string | null {
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:cpython-?|python-?)?(\d+)\.(\d+)(?:\.\d+)?(?:[a-z]+\d*)?(?:[-+][\w.-]*)?$/i.exec(line);
    return m ? `${m[1] as string}.${m[2] as string}` : null;
  }
  return null;
}

/**
 * The newest of `candidates` (`X.Y` minors, newest first) that satisfies a `requires-python`
 * specifier such as `>=3.10,<3.13`, `~=3.11` or `^3.11` (Poetry), or null when the specifier
 * cannot be read or nothing satisfies it.
 */
export function newestSatisfying(specifier: string, candidates: readonly string[]): string | null {
  const clauses = specifier.split(/[,|]/).map((c) => c.trim()).filter((c) => c !== '');
  if (clauses.length === 0 || specifier.includes('||')) return null;
  const tests: ((v: [number, number]) => boolean)[] = [];
  for (const clause of clauses) {
    const m = /^(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?$/.exec(clause);
    if (!m) return null;
    const op = m[1] ?? '==';
    const major = Number(m[2]);
    const minorText = m[3];
    const minor = minorText === undefined || minorText === '*' ? null : Number(minorText);
    const patch = m[4] !== undefined && m[4] !== '*' ? Number(m[4]) : 0;
    const cmp = (v: [number, number]): number => (v[0] !== major ? v[0] - major : minor === null ? 0 : v[1] - minor);
    switch (op) {
      case '==':
      case '===':
        tests.push((v) => cmp(v) === 0);
        break;
      case '!=':
        tests.push((v) => minor === null || patch !== 0 || cmp(v) !== 0);
        break;
      case '>=':
        tests.push((v) => cmp(v) >= 0);
        break;
      case '>':
        // `>3.10` still admits 3.10.1 when a patch is given; a minor bound excludes that minor.
        tests.push((v) => (patch > 0 ? cmp(v) >= 0 : cmp(v) > 0));
        break;
      case '<=':
        tests.push((v) => cmp(v) <= 0);
        break;
      case '<':
        tests.push((v) => (patch > 0 ? cmp(v) <= 0 : cmp(v) < 0));
        break;
      case '~=':
      case '~':
        // `~=3.11` means >=3.11,<4; `~3.11` (Poetry) and `~=3.11.2` mean >=3.11,<3.12.
        if (op === '~=' && m[4] === undefined) tests.push((v) => v[0] === major && cmp(v) >= 0);
        else tests.push((v) => cmp(v) === 0);
        break;
      case '^':
        tests.push((v) => v[0] === major && cmp(v) >= 0);
        break;
      default:
        return null;
    }
  }
  for (const candidate of candidates) {
    const [a, b] = candidate.split('.').map(Number);
    if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) continue;
    if (tests.every((t) => t([a, b]))) return candidate;
  }
  return null;
}
