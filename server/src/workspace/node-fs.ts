// The workspace file system on disk: synchronous, read-only, confined to the build context.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirEntry, ReadResult, WorkspaceFs } from './workspace-fs';

/** Project files larger than this are not parsed (lock files of large projects stay below). */
export const MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A short reason for a file-system error, phrased for a diagnostic. */
export function describeReadError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Decodes file bytes as UTF-8 text, or says why they are not a usable text file. */
export function decodeProjectFile(bytes: Uint8Array): ReadResult {
  if (bytes.includes(0)) return { kind: 'unreadable', reason: 'it is a binary file (contains NUL bytes)' };
  try {
    return { kind: 'text', text: decoder.decode(bytes) };
  } catch {
    return { kind: 'unreadable', reason: 'it is not valid UTF-8 text' };
  }
}

/** Options of {@link nodeWorkspaceFs}. */
export interface NodeWorkspaceFsOptions {
  /** Largest file read; bigger files are reported unreadable. */
  maxBytes?: number;
  /** Called before every file read (tests count reads with it). */
  onRead?: (absolutePath: string) => void;
  /**
   * The files do not change while this file system is in use (one CLI check of a Dockerfile):
   * each folder is listed once, and files absent from their folder's listing read as missing
   * without a system call of their own. Most files rules ask about do not exist, so this
   * saves most of the file-system work. Off for the language server, whose files change.
   */
  snapshot?: boolean;
}

interface Listing {
  entries: ReadonlyMap<string, DirEntry['kind']>;
  /** Lower-cased names: on a case-insensitive disk `Requirements.txt` answers for `requirements.txt`. */
  folded: ReadonlySet<string>;
}

/** The entries of a folder by name, null when it does not exist, undefined when it cannot be listed. */
function readListing(dir: string): Listing | null | undefined {
  try {
    const entries = new Map<string, DirEntry['kind']>();
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      entries.set(d.name, d.isDirectory() ? 'directory' : d.isFile() ? 'file' : d.isSymbolicLink() ? linkKind(path.join(dir, d.name)) : 'other');
    }
    return { entries, folded: new Set([...entries.keys()].map((n) => n.toLowerCase())) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/**
 * Folder listings of a snapshot, each read once. A folder is only listed when its parent's
 * listing shows it, so absent folders (`.github/workflows` in most projects) cost nothing.
 */
function snapshotListings(full: (rel: string) => string): (dir: string) => Listing | null | undefined {
  const cache = new Map<string, Listing | null | undefined>();
  const listing = (dir: string): Listing | null | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    let result: Listing | null | undefined;
    const slash = dir.lastIndexOf('/');
    const parent = dir === '' ? undefined : listing(slash < 0 ? '' : dir.slice(0, slash));
    const name = dir.slice(slash + 1);
    const kind = parent ? parent.entries.get(name) : undefined;
    if (parent && kind !== 'directory' && (kind !== undefined || !parent.folded.has(name.toLowerCase()))) result = null;
    else result = readListing(full(dir));
    cache.set(dir, result);
    return result;
  };
  return listing;
}

/**
 * Files under `root` (the build context folder). Paths come normalized from the workspace and
 * are resolved below `root` only; nothing is ever written.
 */
export function nodeWorkspaceFs(root: string, options: NodeWorkspaceFsOptions = {}): WorkspaceFs {
  const base = path.resolve(root);
  const maxBytes = options.maxBytes ?? MAX_PROJECT_FILE_BYTES;
  const full = (rel: string): string => (rel === '' ? base : path.join(base, ...rel.split('/')));
  const listing = options.snapshot ? snapshotListings(full) : undefined;
  /** What a snapshot's listings say about a path; undefined when they cannot tell. */
  const listed = (rel: string): DirEntry['kind'] | 'missing' | undefined => {
    if (!listing || rel === '') return undefined;
    const slash = rel.lastIndexOf('/');
    const entries = listing(slash < 0 ? '' : rel.slice(0, slash));
    if (entries === null) return 'missing';
    if (entries === undefined) return undefined;
    const name = rel.slice(slash + 1);
    const kind = entries.entries.get(name);
    if (kind !== undefined) return kind;
    // Another spelling of the name exists: only the disk knows whether it is the same file.
    return entries.folded.has(name.toLowerCase()) ? undefined : 'missing';
  };
  return {
    read(rel) {
      const kind = listed(rel);
      if (kind === 'missing' || kind === 'directory') return { kind: 'missing' };
      const file = full(rel);
      let stat: fs.Stats | undefined;
      try {
        // Most project files a rule asks about do not exist: no exception for those (it is slow).
        stat = fs.statSync(file, { throwIfNoEntry: false });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ENOTDIR') return { kind: 'missing' };
        return { kind: 'unreadable', reason: describeReadError(error) };
      }
      if (!stat) return { kind: 'missing' };
      if (stat.isDirectory()) return { kind: 'missing' };
      if (!stat.isFile()) return { kind: 'unreadable', reason: 'it is not a regular file' };
      if (stat.size > maxBytes) return { kind: 'unreadable', reason: `it is larger than ${Math.round(maxBytes / (1024 * 1024))} MB` };
      try {
        options.onRead?.(file);
        return decodeProjectFile(fs.readFileSync(file));
      } catch (error) {
        return { kind: 'unreadable', reason: describeReadError(error) };
      }
    },
    list(dir) {
      if (listing) {
        const entries = listing(dir);
        if (entries === null) return undefined;
        if (entries !== undefined) {
          return [...entries.entries].map(([name, kind]): DirEntry => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        }
      }
      try {
        return fs
          .readdirSync(full(dir), { withFileTypes: true })
          .map((d): DirEntry => ({ name: d.name, kind: d.isDirectory() ? 'directory' : d.isFile() ? 'file' : d.isSymbolicLink() ? linkKind(path.join(full(dir), d.name)) : 'other' }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        return undefined;
      }
    },
    stat(rel) {
      const kind = listed(rel);
      if (kind === 'missing') return 'missing';
      if (kind === 'directory' || kind === 'file') return kind;
      try {
        const s = fs.statSync(full(rel), { throwIfNoEntry: false });
        return !s ? 'missing' : s.isDirectory() ? 'directory' : 'file';
      } catch {
        return 'missing';
      }
    },
  };
}

function linkKind(file: string): DirEntry['kind'] {
  try {
    const s = fs.statSync(file);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

/**
 * The folder CI configuration is read from for a build context: the nearest folder at or above
 * it that holds a `.git` entry (the repository root, where CI files live), or the context itself.
 * `hasGit` remembers the answer per folder across calls, for processes whose files do not change.
 */
export function findRepositoryRoot(context: string, maxLevels = 12, hasGit?: Map<string, boolean>): string {
  let dir = path.resolve(context);
  for (let i = 0; i < maxLevels; i++) {
    // A run over a tree of projects asks about the same parent folders again and again.
    let found = hasGit?.get(dir);
    if (found === undefined) {
      found = fs.existsSync(path.join(dir, '.git'));
      hasGit?.set(dir, found);
    }
    if (found) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(context);
}
