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
  /**
   * With `snapshot`: listings shared with other file systems of the same run (contexts that
   * share folders, the Dockerfile discovery), by absolute path.
   */
  shared?: DiskSnapshot;
}

/** An entry kind as a folder listing gives it: symbolic links are resolved only when asked about. */
type ListedKind = DirEntry['kind'] | 'link';

/** One folder's entries, as read by a single `readdir`. */
export class FolderListing {
  private foldedNames: ReadonlySet<string> | undefined;
  private readonly links = new Map<string, DirEntry['kind']>();

  /**
   * @param dir the folder's path on disk (links are resolved against it)
   * @param listed entry kinds by name, symbolic links unresolved
   */
  constructor(
    readonly dir: string,
    private readonly listed: ReadonlyMap<string, ListedKind>,
  ) {}

  /** The entry names, in the order the disk listed them. */
  names(): IterableIterator<string> {
    return this.listed.keys();
  }

  /** The entry as listed: `link` for a symbolic link (which {@link kind} resolves); undefined when absent. */
  listedKind(name: string): ListedKind | undefined {
    return this.listed.get(name);
  }

  /** What the entry is, following a symbolic link (once); undefined when absent. */
  kind(name: string): DirEntry['kind'] | undefined {
    const listed = this.listed.get(name);
    if (listed !== 'link') return listed;
    let kind = this.links.get(name);
    if (kind === undefined) {
      kind = linkKind(path.join(this.dir, name));
      this.links.set(name, kind);
    }
    return kind;
  }

  /** Whether another spelling of the name is listed: on a case-insensitive disk `Requirements.txt` answers for `requirements.txt`. */
  hasFolded(name: string): boolean {
    // Built on first use: a listing only ever asked about names it holds does without.
    this.foldedNames ??= new Set([...this.listed.keys()].map((n) => n.toLowerCase()));
    return this.foldedNames.has(name.toLowerCase());
  }
}

/** The entries of a folder, null when it does not exist, undefined when it cannot be listed. */
function readListing(dir: string): FolderListing | null | undefined {
  try {
    const entries = new Map<string, ListedKind>();
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      entries.set(d.name, d.isDirectory() ? 'directory' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other');
    }
    return new FolderListing(dir, entries);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/**
 * Folder listings of a file tree that nothing writes to while it is in use: one CLI run that
 * changes no files. Shared by the steps of the run that look at the same folders (finding the
 * Dockerfiles, finding config files and the repository root, the workspaces of the Dockerfiles),
 * so each folder is listed once per run instead of once per step, and names absent from a
 * listed folder need no system call. Kept for one run only: it is never refreshed.
 */
export class DiskSnapshot {
  private readonly listings = new Map<string, FolderListing | null | undefined>();

  /** The listing of a folder (absolute path), read on first use; null: no such folder; undefined: it cannot be listed. */
  listing(dir: string): FolderListing | null | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    const listing = readListing(dir);
    this.listings.set(dir, listing);
    return listing;
  }

  /**
   * A listing read now without keeping it (or the one kept already); {@link keep} keeps it.
   * A walk over a large tree keeps only the folders later steps will ask about again.
   */
  peekListing(dir: string): FolderListing | null | undefined {
    return this.listings.has(dir) ? this.listings.get(dir) : readListing(dir);
  }

  /** Keeps a listing read by {@link peekListing}. */
  keep(dir: string, listing: FolderListing | null | undefined): void {
    if (!this.listings.has(dir)) this.listings.set(dir, listing);
  }

  /**
   * True when the kept listing of `dir` shows that it has no entry `name`, in any spelling.
   * False when it has one, or when only the disk can tell (the folder was not listed).
   */
  lacks(dir: string, name: string): boolean {
    const listing = this.listings.get(dir);
    return listing !== undefined && listing !== null && listing.listedKind(name) === undefined && !listing.hasFolded(name);
  }
}

/**
 * Folder listings of a snapshot, each read once. A folder is only listed when its parent's
 * listing shows it, so absent folders (`.github/workflows` in most projects) cost nothing.
 */
function snapshotListings(full: (rel: string) => string, shared: DiskSnapshot | undefined): (dir: string) => FolderListing | null | undefined {
  const cache = new Map<string, FolderListing | null | undefined>();
  const listing = (dir: string): FolderListing | null | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    let result: FolderListing | null | undefined;
    const slash = dir.lastIndexOf('/');
    const parent = dir === '' ? undefined : listing(slash < 0 ? '' : dir.slice(0, slash));
    const name = dir.slice(slash + 1);
    const kind = parent ? parent.kind(name) : undefined;
    // Below a folder that does not exist nothing does: no listing to try.
    if (parent === null) result = null;
    else if (parent && kind !== 'directory' && (kind !== undefined || !parent.hasFolded(name))) result = null;
    else result = shared ? shared.listing(full(dir)) : readListing(full(dir));
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
  const listing = options.snapshot ? snapshotListings(full, options.shared) : undefined;
  /** What a snapshot's listings say about a path; undefined when they cannot tell. */
  const listed = (rel: string): DirEntry['kind'] | 'missing' | undefined => {
    if (!listing || rel === '') return undefined;
    const slash = rel.lastIndexOf('/');
    const entries = listing(slash < 0 ? '' : rel.slice(0, slash));
    if (entries === null) return 'missing';
    if (entries === undefined) return undefined;
    const name = rel.slice(slash + 1);
    const kind = entries.kind(name);
    if (kind !== undefined) return kind;
    // Another spelling of the name exists: only the disk knows whether it is the same file.
    return entries.hasFolded(name) ? undefined : 'missing';
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
          return [...entries.names()].map((name): DirEntry => ({ name, kind: entries.kind(name) ?? 'other' })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
 * `hasGit` remembers the answer per folder across calls, for processes whose files do not change;
 * `snapshot` answers for folders it has listed already (no `.git` in the listing: none on disk).
 */
export function findRepositoryRoot(context: string, maxLevels = 12, hasGit?: Map<string, boolean>, snapshot?: DiskSnapshot): string {
  let dir = path.resolve(context);
  for (let i = 0; i < maxLevels; i++) {
    // A run over a tree of projects asks about the same parent folders again and again.
    let found = hasGit?.get(dir);
    if (found === undefined) {
      found = snapshot?.lacks(dir, '.git') === true ? false : fs.existsSync(path.join(dir, '.git'));
      hasGit?.set(dir, found);
    }
    if (found) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(context);
}
