// Glob patterns on the command line (`'services/**/Dockerfile*'`), expanded by us because
// Windows shells and quoted CI arguments do not expand them.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Folders never searched, by `**` nor by folder discovery (discover.ts): dependencies and VCS
 * metadata hold other people's Dockerfiles.
 */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/**
 * The file every Python virtual environment has at its top (venv, virtualenv, uv, tox, nox).
 * Its site-packages hold installed packages' Dockerfiles and templates (`Dockerfile.j2`), which
 * made `check .` in a project with a local `.venv` fail on third-party files and walk
 * thousands of folders; a folder holding it is skipped like node_modules, whatever its name.
 */
export const VIRTUALENV_MARKER = 'pyvenv.cfg';

/** True when an argument contains glob syntax: `*`, `?`, `[…]` or `{a,b}`. */
export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}

/** One path segment's pattern as a regular expression; `*` and `?` never match a leading dot. */
export function segmentRegExp(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      const body = segment.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = close;
    } else if (c === '{') {
      const close = segment.indexOf('}', i);
      if (close < 0) {
        out += '\\{';
        continue;
      }
      const options = segment.slice(i + 1, close).split(',').map((o) => o.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'));
      out += `(?:${options.join('|')})`;
      i = close;
    } else out += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  // Like shells: hidden entries only match a pattern that starts with a dot.
  const hidden = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${hidden}${out}$`);
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** A directory entry that is, or links to, a directory (links are followed only for plain segments). */
function isDirectory(full: string, entry: fs.Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(full).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Expands a glob pattern relative to `cwd`, returning matching paths spelled like the
 * pattern (relative stays relative), sorted and without duplicates. `**` matches any number
 * of folders (none included); no wildcard enters node_modules or .git, and `**` does not
 * follow symlinked folders or enter hidden folders and virtual environments. Both `/` and, on Windows, `\\` separate segments.
 */
export function expandGlob(pattern: string, cwd: string): string[] {
  const normalized = path.sep === '\\' ? pattern.replace(/\\/g, '/') : pattern;
  const absolute = path.isAbsolute(normalized);
  const root = absolute ? path.parse(path.resolve(normalized)).root : '';
  const segments = normalized.slice(absolute ? root.replace(/\\/g, '/').length : 0).split('/').filter((s) => s !== '' && s !== '.');
  const results = new Set<string>();
  const walk = (relative: string, index: number): void => {
    const dir = path.resolve(cwd, root, relative || '.');
    if (index === segments.length) {
      if (relative !== '') results.add(path.join(root, relative));
      return;
    }
    const segment = segments[index] as string;
    if (segment === '**') {
      walk(relative, index + 1);
      for (const entry of listDir(dir)) {
        if (!entry.isDirectory() || SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.')) continue;
        // `**` does not enter a virtual environment (`venv/`), like folder discovery (discover.ts).
        if (fs.existsSync(path.join(dir, entry.name, VIRTUALENV_MARKER))) continue;
        walk(path.join(relative, entry.name), index);
      }
      return;
    }
    if (segment === '..' || !isGlob(segment)) {
      const next = path.join(relative, segment);
      if (fs.existsSync(path.resolve(cwd, root, next))) walk(next, index + 1);
      return;
    }
    const re = segmentRegExp(segment);
    const last = index === segments.length - 1;
    for (const entry of listDir(dir)) {
      // A wildcard does not pick dependency or VCS folders; naming them literally still works.
      if (!re.test(entry.name) || SKIPPED_DIRECTORIES.has(entry.name)) continue;
      const next = path.join(relative, entry.name);
      if (last || isDirectory(path.resolve(cwd, root, next), entry)) walk(next, index + 1);
    }
  };
  walk('', 0);
  return [...results].sort();
}
