// The file access a workspace model needs, with in-memory and callback-backed implementations.

/** The outcome of reading one file of the build context. */
export type ReadResult =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  /** The file exists but cannot be used: permission denied, binary, not UTF-8, too large, … */
  | { kind: 'unreadable'; reason: string };

/** One entry of a directory listing. */
export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'other';
}

/**
 * Read-only access to the files of a build context. Paths are POSIX, relative to the context
 * root, already normalized (no `./`, no `..` above the root). `list` and `stat` are optional:
 * a backend that cannot enumerate (a plain read callback) leaves them out, and callers then stay
 * silent about what they cannot see.
 */
export interface WorkspaceFs {
  read(path: string): ReadResult;
  /** The entries of a directory, or undefined when it does not exist or cannot be listed. */
  list?(dir: string): DirEntry[] | undefined;
  /** Whether a path is a file, a directory or absent. */
  stat?(path: string): 'file' | 'directory' | 'missing';
}

/**
 * What a path needs to contain to change when normalized or be refused: a backslash, a colon
 * (a drive letter), an empty segment (`//`, a leading or trailing `/`), or a `.`/`..` segment.
 */
const NEEDS_NORMALIZING = /[\\:]|\/\/|^\/|\/$|(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Normalizes a context-relative path: backslashes become slashes, `./` and empty segments go,
 * `..` is resolved. Returns null for paths that are absolute or climb above the root.
 */
export function normalizeContextPath(path: string): string | null {
  if (path === '' || path.includes('\0')) return null;
  // Rules and the workspace ask about normalized paths nearly always (`requirements.txt`,
  // `.github/workflows`): those come back as they are, without splitting and joining.
  if (!NEEDS_NORMALIZING.test(path)) return path;
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed)) return null;
  const out: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

/**
 * A file system held in memory (tests, fixtures, overlays): `files` maps context-relative paths
 * to contents. Directories exist implicitly as the parents of files.
 */
export function memoryWorkspaceFs(files: Readonly<Record<string, string>>): WorkspaceFs {
  const byPath = new Map<string, string>();
  for (const [raw, text] of Object.entries(files)) {
    const path = normalizeContextPath(raw);
    if (path !== null && path !== '') byPath.set(path, text);
  }
  const isDir = (dir: string): boolean => dir === '' || [...byPath.keys()].some((p) => p.startsWith(`${dir}/`));
  return {
    read(path) {
      const text = byPath.get(path);
      return text === undefined ? { kind: 'missing' } : { kind: 'text', text };
    },
    list(dir) {
      if (!isDir(dir)) return undefined;
      const prefix = dir === '' ? '' : `${dir}/`;
      const entries = new Map<string, DirEntry['kind']>();
      for (const p of byPath.keys()) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash < 0) entries.set(rest, 'file');
        else entries.set(rest.slice(0, slash), 'directory');
      }
      return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, kind]) => ({ name, kind }));
    },
    stat(path) {
      if (byPath.has(path)) return 'file';
      return isDir(path) ? 'directory' : 'missing';
    },
  };
}

/**
 * Adapts a plain read callback (`LintEnvironment.readContextFile`): undefined reads as
 * missing. It can neither list directories nor tell a directory from a missing path.
 */
export function readerWorkspaceFs(read: (relativePath: string) => string | undefined): WorkspaceFs {
  return {
    read(path) {
      const text = read(path);
      return text === undefined ? { kind: 'missing' } : { kind: 'text', text };
    },
  };
}
