// Finds the Dockerfiles to check: explicit files as given, directories searched recursively.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskSnapshot } from '../workspace/node-fs';
import { describeFsError } from './read-input';

/** Folders never searched: dependencies and VCS metadata hold other people's Dockerfiles. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * True for names Docker tooling treats as Dockerfiles: `Dockerfile`, `*.Dockerfile`,
 * `Dockerfile.*` and `Containerfile`. Per-Dockerfile ignore files
 * (`Dockerfile.dockerignore`) share the prefix but are not Dockerfiles.
 */
export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return name === 'Dockerfile' || name === 'Containerfile' || name.endsWith('.Dockerfile') || (name.startsWith('Dockerfile.') && name.length > 'Dockerfile.'.length);
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
 * Lists Dockerfiles below a directory, sorted, without following directory symlinks. The
 * listings of folders holding Dockerfiles stay in the snapshot: their workspaces, config
 * lookups and repository root lookups ask about them again.
 */
function walk(dir: string, out: string[], snapshot: DiskSnapshot): void {
  // An unreadable sub-folder is not worth failing the whole run for.
  const listing = snapshot.peekListing(dir);
  if (!listing) return;
  const names = [...listing.names()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
    walk(absolute, found, snapshot);
    if (found.length === 0) empty.push(given);
    for (const file of found) add(path.join(given, path.relative(absolute, file)));
  }
  return { files, errors, empty };
}
