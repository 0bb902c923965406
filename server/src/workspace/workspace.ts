// The workspace model: the project files around a Dockerfile, read lazily, parsed once, cached
// until invalidated, and never written.
import { ciSystemOf, parseCiFile, type CiFile } from './ci';
import { ignoreFileCandidates, parseDockerignore, type DockerignoreFile } from './dockerignore';
import { parseEntryScript, type EntryScript } from './entry-script';
import { parseGunicornConf, type GunicornConf } from './gunicorn-conf';
import { parsePipfile, parsePipfileLock, parsePyproject, parsePythonVersionFile, parseTomlLock, type LockFile, type Pipfile, type Pyproject } from './project-files';
import { normalizeName, parseRequirements, type RequirementsFile } from './requirements';
import type { Parsed } from './toml';
import { normalizeContextPath, type DirEntry, type ReadResult, type WorkspaceFs } from './workspace-fs';

/** A project file after reading and parsing. */
export type ProjectFile<T> =
  | { kind: 'ok'; path: string; value: T }
  | { kind: 'missing'; path: string }
  /** Present but unusable: the reason is phrased for a diagnostic (`permission denied`, `invalid TOML at …`). */
  | { kind: 'problem'; path: string; reason: string };

/** A file that exists but could not be used, and why. */
export interface WorkspaceProblem {
  /** Path relative to the build context (CI files outside it start with `../`). */
  path: string;
  reason: string;
}

/** The lock files a project may have, by tool. */
export const LOCK_FILES = { poetry: 'poetry.lock', uv: 'uv.lock', pdm: 'pdm.lock', pipenv: 'Pipfile.lock' } as const;
export type LockKind = keyof typeof LOCK_FILES;

/** Where the version of a package was found. */
export interface LockedVersion {
  version: string;
  /** The file that pins it. */
  source: string;
}

/** A requirements file and every file it includes with `-r`/`-c`, read recursively. */
export interface RequirementsTree {
  /** The files that could be read and parsed, the root first. */
  files: { path: string; role: 'requirements' | 'constraints'; file: RequirementsFile }[];
  /** Included paths (relative to the context) that do not exist. */
  missing: string[];
  /** Paths that exist but could not be read or parsed. */
  problems: WorkspaceProblem[];
  /** Includes that cannot be followed (URLs, variables, paths outside the context). */
  unknown: string[];
}

/** Options of a {@link Workspace}. */
export interface WorkspaceOptions {
  /**
   * The repository root's file system, where CI files live, and the context's path inside it
   * (`''` when the context is the root). Defaults to the context itself.
   */
  repository?: { fs: WorkspaceFs; contextPath: string } | { workspace: Workspace; contextPath: string };
}

interface CacheEntry {
  read?: ReadResult;
  parsed?: Map<string, ProjectFile<unknown>>;
}

function joinDir(dir: string, rel: string): string | null {
  return normalizeContextPath(dir === '' || dir === '.' ? rel : `${dir}/${rel}`);
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The build context of a Dockerfile and the project files in it. Every read goes through
 * the cache: reading or parsing the same file again costs nothing until {@link invalidate}
 * is called for it (the language server does so when a watched file changes).
 */
export class Workspace {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly listings = new Map<string, DirEntry[] | undefined>();
  /** The repository root, where CI files are looked up (this workspace when not given). */
  readonly repository: Workspace;
  /** The context's path inside the repository (`''` when they are the same). */
  readonly contextInRepository: string;

  constructor(
    readonly fs: WorkspaceFs,
    options: WorkspaceOptions = {},
  ) {
    const repo = options.repository;
    this.repository = !repo ? this : 'workspace' in repo ? repo.workspace : new Workspace(repo.fs);
    this.contextInRepository = options.repository ? (normalizeContextPath(options.repository.contextPath) ?? '') : '';
  }

  /** Reads a file (cached). Bad paths (absolute, leaving the context) read as missing. */
  read(path: string): ReadResult {
    const p = normalizeContextPath(path);
    if (p === null || p === '') return { kind: 'missing' };
    const entry = this.entry(p);
    entry.read ??= this.fs.read(p);
    return entry.read;
  }

  /** The text of a file, or undefined when it is missing or unreadable. */
  text(path: string): string | undefined {
    const r = this.read(path);
    return r.kind === 'text' ? r.text : undefined;
  }

  /** Whether a file exists (readable or not). Directories count only when the backend can stat. */
  exists(path: string): boolean {
    if (this.read(path).kind !== 'missing') return true;
    const p = normalizeContextPath(path);
    return p !== null && this.fs.stat?.(p) === 'directory';
  }

  /** Whether the backend can enumerate directories (a plain read callback cannot). */
  get canList(): boolean {
    return this.fs.list !== undefined;
  }

  /** The entries of a directory (cached), or undefined when unknown. */
  list(dir: string): DirEntry[] | undefined {
    const d = normalizeContextPath(dir === '' ? '.' : dir) ?? null;
    if (d === null || !this.fs.list) return undefined;
    if (!this.listings.has(d)) this.listings.set(d, this.fs.list(d));
    return this.listings.get(d);
  }

  /** Reads and parses a file once per parser key. */
  parsed<T>(path: string, key: string, parse: (text: string) => Parsed<T>): ProjectFile<T> {
    const p = normalizeContextPath(path);
    if (p === null || p === '') return { kind: 'missing', path };
    const entry = this.entry(p);
    entry.parsed ??= new Map();
    const hit = entry.parsed.get(key);
    if (hit) return hit as ProjectFile<T>;
    const read = this.read(p);
    let result: ProjectFile<T>;
    if (read.kind === 'missing') result = { kind: 'missing', path: p };
    else if (read.kind === 'unreadable') result = { kind: 'problem', path: p, reason: read.reason };
    else {
      let outcome: Parsed<T>;
      try {
        outcome = parse(read.text);
      } catch (error) {
        // A parser bug must not take linting down: the file is reported as unusable instead.
        outcome = { ok: false, error: `it could not be parsed (${error instanceof Error ? error.message : String(error)})` };
      }
      result = outcome.ok ? { kind: 'ok', path: p, value: outcome.value } : { kind: 'problem', path: p, reason: outcome.error };
    }
    entry.parsed.set(key, result);
    return result;
  }

  /**
   * The ignore file in effect for a Dockerfile at `dockerfile` (context-relative; undefined for
   * the default name's lookup only): `<dockerfile>.dockerignore` if present, else
   * `.dockerignore`. Null when neither exists. `unknown` when the Dockerfile lies outside
   * the context, where we cannot tell which file Docker reads.
   */
  dockerignore(dockerfile?: string): ProjectFile<DockerignoreFile> | null | 'unknown' {
    if (dockerfile !== undefined && normalizeContextPath(dockerfile) === null) return 'unknown';
    for (const candidate of ignoreFileCandidates(dockerfile === undefined ? undefined : (normalizeContextPath(dockerfile) ?? undefined))) {
      const file = this.parsed(candidate, 'dockerignore', (text) => ({ ok: true, value: parseDockerignore(text) }));
      if (file.kind !== 'missing') return file;
    }
    return null;
  }

  /** A requirements file. */
  requirements(path: string): ProjectFile<RequirementsFile> {
    return this.parsed(path, 'requirements', (text) => ({ ok: true, value: parseRequirements(text) }));
  }

  /** A requirements file with its `-r`/`-c` includes, followed recursively (cycles stop). */
  requirementsTree(path: string, role: 'requirements' | 'constraints' = 'requirements'): RequirementsTree {
    const tree: RequirementsTree = { files: [], missing: [], problems: [], unknown: [] };
    const seen = new Set<string>();
    const visit = (p: string, r: 'requirements' | 'constraints', depth: number): void => {
      if (seen.has(p) || depth > 16) return;
      seen.add(p);
      const file = this.requirements(p);
      if (file.kind === 'missing') tree.missing.push(p);
      else if (file.kind === 'problem') tree.problems.push({ path: p, reason: file.reason });
      else {
        tree.files.push({ path: p, role: r, file: file.value });
        for (const e of file.value.entries) {
          if ((e.kind !== 'include' && e.kind !== 'constraints') || e.target === null) continue;
          const target = /^[a-z][a-z0-9+.-]*:\/\//i.test(e.target) || e.target.includes('$') ? null : joinDir(dirOf(p), e.target);
          if (target === null) tree.unknown.push(e.target);
          else visit(target, e.kind === 'constraints' ? 'constraints' : r, depth + 1);
        }
      }
    };
    const root = normalizeContextPath(path);
    if (root === null || root === '') tree.unknown.push(path);
    else visit(root, role, 0);
    return tree;
  }

  /** `pyproject.toml` of the project (or of a sub-project folder). */
  pyproject(dir = ''): ProjectFile<Pyproject> {
    return this.parsed(joinDir(dir, 'pyproject.toml') ?? 'pyproject.toml', 'pyproject', parsePyproject);
  }

  /** `Pipfile`. */
  pipfile(dir = ''): ProjectFile<Pipfile> {
    return this.parsed(joinDir(dir, 'Pipfile') ?? 'Pipfile', 'pipfile', parsePipfile);
  }

  /** A lock file by tool. */
  lock(kind: LockKind, dir = ''): ProjectFile<LockFile> {
    const path = joinDir(dir, LOCK_FILES[kind]) ?? LOCK_FILES[kind];
    return kind === 'pipenv' ? this.parsed(path, 'lock', parsePipfileLock) : this.parsed(path, 'lock', (text) => parseTomlLock(kind, text));
  }

  /** The `X.Y` of `.python-version`, or null when absent or not a CPython version. */
  pythonVersion(dir = ''): ProjectFile<string | null> {
    return this.parsed(joinDir(dir, '.python-version') ?? '.python-version', 'python-version', (text) => ({ ok: true, value: parsePythonVersionFile(text) }));
  }

  /** A gunicorn configuration file. */
  gunicornConf(path = 'gunicorn.conf.py'): ProjectFile<GunicornConf> {
    return this.parsed(path, 'gunicorn', (text) => ({ ok: true, value: parseGunicornConf(text) }));
  }

  /** An entry script. */
  entryScript(path: string): ProjectFile<EntryScript> {
    return this.parsed(path, 'entry-script', (text) => ({ ok: true, value: parseEntryScript(text, path) }));
  }

  /**
   * The CI files of the repository: `.gitlab-ci.yml`, `bitbucket-pipelines.yml`, `Jenkinsfile`
   * and `.github/workflows/*.yml` (only when the backend can list folders).
   */
  ciFiles(): ProjectFile<CiFile>[] {
    const repo = this.repository;
    const paths = ['.gitlab-ci.yml', 'bitbucket-pipelines.yml', 'Jenkinsfile'];
    for (const e of repo.list('.github/workflows') ?? []) if (e.kind === 'file' && /\.ya?ml$/.test(e.name)) paths.push(`.github/workflows/${e.name}`);
    const files: ProjectFile<CiFile>[] = [];
    for (const path of paths) {
      const system = ciSystemOf(path);
      if (system === null) continue;
      const file = repo.parsed(path, 'ci', (text) => parseCiFile(path, system, text));
      if (file.kind !== 'missing') files.push(file);
    }
    return files;
  }

  /** A context path as seen from the repository root (where CI jobs run). */
  repositoryPathOf(contextPath: string): string {
    return normalizeContextPath(this.contextInRepository === '' ? contextPath : `${this.contextInRepository}/${contextPath}`) ?? contextPath;
  }

  /** A repository path as seen from the build context (`../.gitlab-ci.yml` for a sub-folder context). */
  contextPathOfRepositoryFile(repositoryPath: string): string {
    if (this.contextInRepository === '') return repositoryPath;
    const up = this.contextInRepository.split('/').map(() => '..');
    return [...up, repositoryPath].join('/');
  }

  /**
   * Exact versions pinned for a package (normalized name) by the project's lock files and by
   * the given requirements files (with their includes), in that order of preference.
   */
  lockedVersion(name: string, requirementFiles: readonly string[] = []): LockedVersion | undefined {
    const key = normalizeName(name);
    for (const kind of ['poetry', 'uv', 'pipenv', 'pdm'] as const) {
      const lock = this.lock(kind);
      const version = lock.kind === 'ok' ? lock.value.versions.get(key) : undefined;
      if (version !== undefined) return { version, source: LOCK_FILES[kind] };
    }
    for (const path of requirementFiles) {
      for (const f of this.requirementsTree(path).files) {
        for (const e of f.file.entries) {
          if (e.kind !== 'requirement' || e.name !== key || !e.pinned || e.specifier === null) continue;
          const m = /(?:^|,)\s*===?\s*([^\s,;]+)/.exec(e.specifier);
          if (m) return { version: m[1] as string, source: f.path };
        }
      }
    }
    return undefined;
  }

  /** Every problem met so far (files that exist but could not be read or parsed), sorted by path. */
  problems(): WorkspaceProblem[] {
    const out = new Map<string, string>();
    const collect = (ws: Workspace, toContext: (p: string) => string): void => {
      for (const [path, entry] of ws.cache) {
        if (entry.read?.kind === 'unreadable') out.set(toContext(path), entry.read.reason);
        for (const parsed of entry.parsed?.values() ?? []) if (parsed.kind === 'problem') out.set(toContext(path), parsed.reason);
      }
    };
    collect(this, (p) => p);
    if (this.repository !== this) collect(this.repository, (p) => this.contextPathOfRepositoryFile(p));
    return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, reason]) => ({ path, reason }));
  }

  /**
   * Forgets what was read: the given context-relative paths (and the listings of their folders),
   * or everything when no paths are given.
   */
  invalidate(paths?: readonly string[]): void {
    if (!paths) {
      this.cache.clear();
      this.listings.clear();
      return;
    }
    for (const raw of paths) {
      const p = normalizeContextPath(raw);
      if (p === null) continue;
      // A folder that changed (deleted, renamed) takes everything below it along.
      for (const key of [...this.cache.keys()]) if (key === p || key.startsWith(`${p}/`)) this.cache.delete(key);
      for (const key of [...this.listings.keys()]) if (key === p || key.startsWith(`${p}/`) || key === dirOf(p)) this.listings.delete(key);
    }
  }

  /**
   * A view of this workspace in which some files have other contents (or exist newly): what
   * fix-all sees after applying edits to other files. Reads of other files share this cache.
   */
  withOverlay(files: ReadonlyMap<string, string>): Workspace {
    if (files.size === 0) return this;
    const base = this.fs;
    const self = this;
    const overlay: WorkspaceFs = {
      read: (p) => {
        const text = files.get(p);
        return text !== undefined ? { kind: 'text', text } : self.read(p);
      },
      ...(base.list
        ? {
            list: (dir: string) => {
              const entries = self.list(dir);
              const prefix = dir === '' ? '' : `${dir}/`;
              const added = [...files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
              if (!entries && added.length === 0) return undefined;
              const names = new Set((entries ?? []).map((e) => e.name));
              return [...(entries ?? []), ...added.filter((n) => !names.has(n)).map((name): DirEntry => ({ name, kind: 'file' }))];
            },
          }
        : {}),
      ...(base.stat ? { stat: (p: string) => (files.has(p) ? 'file' : (base.stat?.(p) ?? 'missing')) } : {}),
    };
    return new Workspace(overlay, { repository: { workspace: this.repository, contextPath: this.contextInRepository } });
  }

  private entry(path: string): CacheEntry {
    let e = this.cache.get(path);
    if (!e) {
      e = {};
      this.cache.set(path, e);
    }
    return e;
  }
}
