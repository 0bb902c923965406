// Finds the Dockerfiles to check: explicit files as given, directories searched recursively.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskSnapshot } from '../workspace/node-fs';
import { SKIPPED_DIRECTORIES, VIRTUALENV_MARKER } from './glob';
import { describeFsError } from './read-input';

/**
 * True for names Docker tooling treats as Dockerfiles: `Dockerfile`, `*.Dockerfile`,
 * `Dockerfile.*`, `Containerfile` and `Containerfile.*` (the same set as the pre-commit
 * hooks' `files` pattern, so a folder run and the hooks check the same files). Per-Dockerfile
 * ignore files (`Dockerfile.dockerignore`) share the prefix but are not Dockerfiles.
 */
export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  const variant = (base: string): boolean => name.startsWith(`${base}.`) && name.length > base.length + 1;
  return name === 'Dockerfile' || name === 'Containerfile' || name.endsWith('.Dockerfile') || variant('Dockerfile') || variant('Containerfile');
}

/** What discovery found for the given paths. */
export interface Discovery {
  /** Files to check, in a stable order, each once. */
  files: string[];
  /** Paths that do not exist or cannot be listed, with the reason. */
  errors: { path: string; reason: string }[];
  /** Directories that contain no Dockerfile. */
  empty: string[];
}

/**
 * Lists Dockerfiles below a directory, sorted, without following directory symlinks or
 * entering virtual environments below it (`given`: the folder named on the command line). The
 * listings of folders holding Dockerfiles stay in the snapshot: their workspaces, config
 * lookups and repository root lookups ask about them again.
 */
function walk(dir: string, out: string[], snapshot: DiskSnapshot, given = false): void {
  // An unreadable sub-folder is not worth failing the whole run for.
  const listing = snapshot.peekListing(dir);
  if (!listing) return;
  const names = [...listing.names()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A virtual environment named on the command line is searched: the user asked for it.
  if (!given && names.includes(VIRTUALENV_MARKER) && listing.listedKind(VIRTUALENV_MARKER) === 'file') return;
  let holdsDockerfile = false;
  for (const name of names) {
    const kind = listing.listedKind(name);
    if (kind === 'directory') {
      if (!SKIPPED_DIRECTORIES.has(name)) walk(path.join(dir, name), out, snapshot);
    } else if (isDockerfileName(name) && (kind === 'file' || (kind === 'link' && listing.kind(name) === 'file'))) {
      // A symlink counts when it points at a regular file (dangling links and folders are skipped).
      out.push(path.join(dir, name));
      holdsDockerfile = true;
    }
  }
  if (holdsDockerfile) snapshot.keep(dir, listing);
}

/**
 * Resolves command-line paths (relative to `cwd`) into Dockerfiles. Explicit files are
 * checked whatever their name; directories contribute only Dockerfile-named files. Reported
 * paths keep the spelling the user typed, so output is easy to match with the input.
 * `snapshot` keeps the folder listings for the rest of a run that writes no files.
 */
export function discover(paths: readonly string[], cwd: string, snapshot: DiskSnapshot = new DiskSnapshot()): Discovery {
  const files: string[] = [];
  const errors: Discovery['errors'] = [];
  const empty: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    const key = path.resolve(cwd, file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(file);
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch (error) {
      errors.push({ path: given, reason: describeFsError(error) });
      continue;
    }
    if (!stat.isDirectory()) {
      add(given);
      continue;
    }
    const found: string[] = [];
    walk(absolute, found, snapshot, true);
    if (found.length === 0) empty.push(given);
    for (const file of found) add(path.join(given, path.relative(absolute, file)));
  }
  return { files, errors, empty };
}
