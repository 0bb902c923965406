// `.dockerignore` files with Docker's own semantics: cleaning of patterns, `**`, `!` exceptions,
// and "the last matching pattern wins", applied to a path and to each of its parent folders.

/** One pattern line of a `.dockerignore` file. */
export interface IgnorePattern {
  /** The pattern after Docker's cleaning (`./a/` → `a`, `/b` → `b`), without the `!`. */
  pattern: string;
  /** A `!` line: re-includes what earlier patterns excluded. */
  exception: boolean;
  /** Zero-based line in the file. */
  line: number;
  /** The line as written, trimmed. */
  raw: string;
}

/** A parsed `.dockerignore` file. */
export interface DockerignoreFile {
  patterns: IgnorePattern[];
  /** Whether a path of the build context is left out of what is sent to the builder. */
  excludes(path: string): boolean;
}

/** What a path needs to contain to change when cleaned: an empty segment (`//`, a leading or trailing `/`) or a `.`/`..` segment. */
const NEEDS_CLEANING = /\/\/|^\/|\/$|(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Go's `filepath.Clean` on a slash-separated path: collapses repeated slashes and `.`
 * segments, resolves `..`, drops a trailing slash.
 */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  // Paths asked about are clean nearly always (`app/main.py`): no need to split and join those.
  if (!NEEDS_CLEANING.test(p)) return p;
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * Reads the patterns the way Docker's `dockerignore.ReadAll` does: a BOM on the first line is
 * dropped, lines starting with `#` are comments, blanks are trimmed, `!` marks an exception,
 * and each pattern is cleaned with a leading `/` removed.
 */
export function parseDockerignore(text: string): DockerignoreFile {
  const patterns: IgnorePattern[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (index === 0) line = line.replace(/^\uFEFF/, '');
    if (line.startsWith('#')) return;
    let pattern = line.trim();
    if (pattern === '') return;
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push({ pattern, exception, line: index, raw: line.trim() });
  });
  const compiled = patterns.map((p) => ({ ...p, match: compilePattern(p.pattern) }));
  return {
    patterns,
    excludes(path: string): boolean {
      return matchesOrParentMatches(compiled, cleanPath(path));
    },
  };
}

type Matcher = (path: string) => boolean;

const REGEXP_SPECIALS = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * Compiles one cleaned pattern like moby's patternmatcher: `*` and `?` stay inside a path
 * segment, `**` spans folders (`**` at the end matches everything below), `[…]` are classes
 * and `\` escapes. Exact, prefix and suffix patterns are compared as strings, as Docker does.
 */
export function compilePattern(pattern: string): Matcher {
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const chars = [...pattern];
  for (let i = 0, step = 0; i < chars.length; i++, step++) {
    const ch = chars[i] as string;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        if (step === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (REGEXP_SPECIALS.has(ch)) {
      re += `\\${ch}`;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next !== undefined) {
        re += `\\${next}`;
        i++;
        type = 'regexp';
      } else re += '\\\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      type = 'regexp';
    } else {
      re += ch;
    }
  }
  if (type === 'exact') return (path) => path === pattern;
  if (type === 'prefix') {
    const prefix = pattern.slice(0, -2);
    return (path) => path.startsWith(prefix);
  }
  if (type === 'suffix') {
    const suffix = pattern.slice(2);
    return (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
  }
  let regexp: RegExp;
  try {
    regexp = new RegExp(`${re}$`, 'u');
  } catch {
    // Docker rejects a malformed pattern outright; matching nothing keeps us from guessing.
    return () => false;
  }
  return (path) => regexp.test(path);
}

/**
 * Docker's `MatchesOrParentMatches`: walks the patterns in order, a pattern matching the path
 * or one of its parent folders excludes it, a later `!` pattern re-includes it.
 */
function matchesOrParentMatches(patterns: readonly (IgnorePattern & { match: Matcher })[], file: string): boolean {
  let matched = false;
  // The parent folders (`a`, `a/b` for `a/b/c`), built once for all patterns and only when needed.
  let parents: string[] | undefined;
  for (const p of patterns) {
    // An inclusion can only change an unmatched path, an exception only a matched one.
    if (p.exception !== matched) continue;
    let match = p.match(file);
    if (!match) {
      parents ??= parentFolders(file);
      for (let i = 0; i < parents.length && !match; i++) match = p.match(parents[i] as string);
    }
    if (match) matched = !p.exception;
  }
  return matched;
}

/** The parent folders of a cleaned path, outermost first: `a/b/c` → `a`, `a/b`; none for `c` or `.`. */
function parentFolders(file: string): string[] {
  const slash = file.lastIndexOf('/');
  if (slash < 0 || file.slice(0, slash) === '.') return [];
  const out: string[] = [];
  for (let i = file.indexOf('/'); i >= 0 && i <= slash; i = file.indexOf('/', i + 1)) out.push(file.slice(0, i));
  return out;
}

/**
 * The ignore file Docker reads for a Dockerfile: `<Dockerfile path>.dockerignore` next to the
 * Dockerfile when it exists (BuildKit), else `.dockerignore` at the root of the context.
 */
export function ignoreFileCandidates(dockerfile: string | undefined): string[] {
  return dockerfile ? [`${dockerfile}.dockerignore`, '.dockerignore'] : ['.dockerignore'];
}
