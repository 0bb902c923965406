// Read-only access to the build context (the Dockerfile's folder) for rules that look at files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files larger than this are not something a rule should parse (lock files stay well below). */
const MAX_CONTEXT_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Glob patterns of the build-context files rules may read (manifests, lock files, ignore
 * files). The server asks clients to watch them so results do not go stale when they change.
 */
export const CONTEXT_FILE_GLOBS: readonly string[] = [
  '**/requirements*.txt',
  '**/requirements*.in',
  '**/constraints*.txt',
  '**/pyproject.toml',
  '**/poetry.lock',
  '**/uv.lock',
  '**/Pipfile',
  '**/Pipfile.lock',
  '**/setup.py',
  '**/setup.cfg',
  '**/.python-version',
  '**/.dockerignore',
  '**/*.dockerignore',
  '**/gunicorn.conf.py',
];

/** The folder of a `file:` URI, or undefined for other schemes (untitled, virtual files). */
export function contextFolderOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/**
 * A reader for files of the build context of the Dockerfile at `uri`: relative paths are
 * resolved against its folder; absolute paths, paths leaving the folder (Docker cannot COPY
 * them either), directories, unreadable and oversized files all read as undefined. Reads are
 * synchronous (rules are synchronous) and memoized for the reader's lifetime, so one lint
 * run sees one consistent snapshot. Nothing is ever written.
 */
export function contextReader(uri: string): ((relativePath: string) => string | undefined) | undefined {
  const folder = contextFolderOf(uri);
  if (folder === undefined) return undefined;
  const memo = new Map<string, string | undefined>();
  return (relativePath) => {
    if (memo.has(relativePath)) return memo.get(relativePath);
    const content = readInside(folder, relativePath);
    memo.set(relativePath, content);
    return content;
  };
}

function readInside(folder: string, relativePath: string): string | undefined {
  if (relativePath === '' || path.isAbsolute(relativePath) || relativePath.includes('\0')) return undefined;
  const full = path.resolve(folder, relativePath);
  const relative = path.relative(folder, full);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  try {
    const stat = fs.statSync(full);
    if (!stat.isFile() || stat.size > MAX_CONTEXT_FILE_BYTES) return undefined;
    return fs.readFileSync(full, 'utf8');
  } catch {
    return undefined;
  }
}
