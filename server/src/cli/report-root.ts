// The folder that machine-read reports (SARIF, GitHub annotations, Code Climate) name files
// relative to: the repository root, which is what those consumers match paths against.
import * as path from 'node:path';
import { findRepositoryRoot } from '../workspace/node-fs';
import type { CheckedFile } from './format';

/** Far more folder levels than any checkout is deep: the walk stops at the file-system root anyway. */
const MAX_LEVELS = 1024;

/**
 * The nearest folder at or above `cwd` with a `.git` entry, or `cwd` outside a repository.
 * GitHub code scanning, GitHub workflow annotations and GitLab code quality match a path
 * against the repository, so a path relative to the working folder names the wrong file (or
 * none) when CI runs in a sub-folder, such as `working-directory: services/api`.
 */
export function reportRoot(cwd: string): string {
  return findRepositoryRoot(cwd, MAX_LEVELS);
}

/**
 * The name a report gives a checked file: its path relative to `root` when it is inside it,
 * else the path as given (standard input without --stdin-filename keeps its name `-`).
 */
export function reportPath(file: Pick<CheckedFile, 'file' | 'absolute'>, cwd: string, root: string): string {
  const underRoot = file.absolute === undefined ? undefined : pathUnderRoot(path.resolve(cwd, file.absolute), root);
  return underRoot ?? file.file.replace(/\\/g, '/');
}

/** `target` relative to `root` with forward slashes, or undefined when it is not inside `root`. */
export function pathUnderRoot(target: string, root: string): string | undefined {
  const relative = path.relative(root, target);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
