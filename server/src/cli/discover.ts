// Finds the Dockerfiles to check: explicit files as given, directories searched recursively.
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/** True when a symlink points at a regular file (dangling links and folders are skipped). */
function isFileTarget(link: string): boolean {
  try {
    return fs.statSync(link).isFile();
  } catch {
    return false;
  }
}

/** Lists Dockerfiles below a directory, sorted, without following directory symlinks. */
function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    // An unreadable sub-folder is not worth failing the whole run for.
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full, out);
    } else if (isDockerfileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && isFileTarget(full)))) {
      out.push(full);
    }
  }
}

/**
 * Resolves command-line paths (relative to `cwd`) into Dockerfiles. Explicit files are
 * checked whatever their name; directories contribute only Dockerfile-named files. Reported
 * paths keep the spelling the user typed, so output is easy to match with the input.
 */
export function discover(paths: readonly string[], cwd: string): Discovery {
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
    walk(absolute, found);
    if (found.length === 0) empty.push(given);
    for (const file of found) add(path.join(given, path.relative(absolute, file)));
  }
  return { files, errors, empty };
}
