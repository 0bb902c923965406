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
}

/**
 * Files under `root` (the build context folder). Paths come normalized from the workspace and
 * are resolved below `root` only; nothing is ever written.
 */
export function nodeWorkspaceFs(root: string, options: NodeWorkspaceFsOptions = {}): WorkspaceFs {
  const base = path.resolve(root);
  const maxBytes = options.maxBytes ?? MAX_PROJECT_FILE_BYTES;
  const full = (rel: string): string => (rel === '' ? base : path.join(base, ...rel.split('/')));
  return {
    read(rel) {
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
 */
export function findRepositoryRoot(context: string, maxLevels = 12): string {
  let dir = path.resolve(context);
  for (let i = 0; i < maxLevels; i++) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(context);
}
