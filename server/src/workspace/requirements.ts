// pip requirements files: requirements, `-r`/`-c` includes, `-e` editables, hashes, VCS and URL lines.

/** What one logical line of a requirements file is. */
export type RequirementKind =
  /** `name[extras] specifier ; markers`. */
  | 'requirement'
  /** `-e <path or VCS URL>`. */
  | 'editable'
  /** `-r file`. */
  | 'include'
  /** `-c file`. */
  | 'constraints'
  /** A VCS or archive URL (`git+https://…`, `https://…/x.whl`, `name @ url`). */
  | 'url'
  /** A local path or archive (`.`, `./pkg`, `dist/x.whl`). */
  | 'path'
  /** Any other option (`--index-url …`, `--require-hashes`, …). */
  | 'option';

/** One logical line (continuations joined) of a requirements file. */
export interface RequirementEntry {
  kind: RequirementKind;
  /** Zero-based line where the entry starts. */
  line: number;
  /** Columns of the entry's text on that line (up to a continuation or comment). */
  start: number;
  end: number;
  /** The logical text without comment, trimmed. */
  text: string;
  /** PEP 503 normalized distribution name, when the line names one. */
  name: string | null;
  /** The version specifier as written (`==3.0.3`, `>=2,<3`), or null. */
  specifier: string | null;
  /**
   * Whether the line fixes one release: `==`/`===` without a wildcard, a VCS URL with `@ref`,
   * or a direct archive URL. Local paths and options are never "unpinned".
   */
  pinned: boolean;
  /** True when the line uses `${VAR}` expansion, so nothing can be said about it. */
  dynamic: boolean;
  /** Number of `--hash` options on the line. */
  hashes: number;
  /** The file of an `include`/`constraints` line, or the option name of an `option` line. */
  target: string | null;
}

/** A parsed requirements file. */
export interface RequirementsFile {
  entries: RequirementEntry[];
  /** `--require-hashes` appears as an option line. */
  requireHashes: boolean;
}

/** PEP 503 normalization: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?/;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const VCS_RE = /^(git|hg|svn|bzr)\+/i;
const ARCHIVE_RE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;

/** The package name a VCS URL declares with `#egg=name`, normalized, or null. */
function eggName(url: string): string | null {
  const m = /[#&]egg=([A-Za-z0-9._-]+)/.exec(url);
  return m ? normalizeName(m[1] as string) : null;
}

/** A VCS URL pinned to a ref: `git+https://host/repo.git@v1.2#egg=x`. */
export function isPinnedVcsUrl(url: string): boolean {
  const path = url.replace(/#.*$/, '').replace(/^[a-z+]+:\/\//i, '');
  const at = path.lastIndexOf('@');
  return at > path.indexOf('/') && at < path.length - 1 && !path.slice(at + 1).includes('/');
}

/** Whether a specifier names exactly one release (`==1.2.3`, `===1.2`), not a range or wildcard. */
export function isExactSpecifier(specifier: string): boolean {
  const clauses = specifier.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return clauses.some((c) => /^===\s*\S+$/.test(c) || (/^==\s*[^\s*]+$/.test(c) && !c.endsWith('.*')));
}

/** Classifies the requirement part of a line (options and comments already removed). */
function classifyRequirement(spec: string): Pick<RequirementEntry, 'kind' | 'name' | 'specifier' | 'pinned'> {
  if (URL_RE.test(spec) || VCS_RE.test(spec)) {
    const pinned = VCS_RE.test(spec) ? isPinnedVcsUrl(spec) : ARCHIVE_RE.test(spec.replace(/#.*$/, ''));
    return { kind: 'url', name: eggName(spec), specifier: null, pinned };
  }
  if (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec.startsWith('~') || ARCHIVE_RE.test(spec) || (spec.includes('/') && !spec.includes('@'))) {
    return { kind: 'path', name: null, specifier: null, pinned: true };
  }
  const m = NAME_RE.exec(spec);
  if (!m) return { kind: 'requirement', name: null, specifier: null, pinned: false };
  const name = normalizeName(m[1] as string);
  const rest = spec.slice(m[0].length).trim();
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    const pinned = VCS_RE.test(url) ? isPinnedVcsUrl(url) : URL_RE.test(url) ? ARCHIVE_RE.test(url.replace(/#.*$/, '')) : true;
    return { kind: 'url', name, specifier: null, pinned };
  }
  const specifier = rest.replace(/^\(|\)$/g, '').trim();
  return { kind: 'requirement', name, specifier: specifier === '' ? null : specifier, pinned: specifier !== '' && isExactSpecifier(specifier) };
}

/** Splits a logical line into whitespace-separated words (requirements lines rarely quote). */
function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** Options that take a value, as pip's requirements-file parser knows them. */
const VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url',
  '-f', '--find-links', '--trusted-host', '--only-binary', '--no-binary', '--use-feature', '--hash',
  '--global-option', '--config-settings', '-C',
]);

/**
 * Parses a requirements file. Lines ending in `\` continue on the next line; `#` starts a
 * comment at the beginning of a line or after whitespace. Never throws: text pip would reject
 * is kept as an entry that is neither pinned nor judged further by rules.
 */
export function parseRequirements(text: string): RequirementsFile {
  const physical = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const entries: RequirementEntry[] = [];
  let requireHashes = false;
  for (let i = 0; i < physical.length; i++) {
    const startLine = i;
    const first = physical[i] as string;
    let logical = first;
    while (/(^|[^\\])\\$/.test(logical) && i + 1 < physical.length) {
      logical = `${logical.slice(0, -1)} ${physical[++i] as string}`;
    }
    const withoutComment = logical.replace(/(^|\s)#.*$/, '');
    const content = withoutComment.trim();
    if (content === '') continue;
    const firstText = first.replace(/(^|\s)#.*$/, '').replace(/\\$/, '').trimEnd();
    const start = first.length - first.trimStart().length;
    const base = { line: startLine, start, end: Math.max(start, firstText.length), text: content, dynamic: /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(content), hashes: 0 };
    const parts = words(content);
    const head = parts[0] as string;
    if (head.startsWith('-')) {
      const eq = head.indexOf('=');
      let name = eq > 0 ? head.slice(0, eq) : head;
      let value: string | null = eq > 0 ? head.slice(eq + 1) : (parts[1] ?? null);
      // `-rfile` is `-r file`.
      if (/^-[rce].+/.test(name) && eq < 0) {
        value = name.slice(2);
        name = name.slice(0, 2);
      }
      if (name === '--require-hashes') requireHashes = true;
      if (name === '-r' || name === '--requirement') {
        entries.push({ ...base, kind: 'include', name: null, specifier: null, pinned: true, target: value });
      } else if (name === '-c' || name === '--constraint') {
        entries.push({ ...base, kind: 'constraints', name: null, specifier: null, pinned: true, target: value });
      } else if (name === '-e' || name === '--editable') {
        const spec = value ?? '';
        const classified = classifyRequirement(spec);
        entries.push({ ...base, kind: 'editable', name: classified.name, specifier: null, pinned: classified.kind === 'path' || classified.pinned, target: spec });
      } else {
        entries.push({ ...base, kind: 'option', name: null, specifier: null, pinned: true, target: VALUE_OPTIONS.has(name) || !name.startsWith('--') ? name : name });
      }
      continue;
    }
    // Per-requirement options (`--hash=…`) start at the first word beginning with `--`.
    const optionAt = parts.findIndex((w, index) => index > 0 && w.startsWith('--'));
    const requirementWords = optionAt < 0 ? parts : parts.slice(0, optionAt);
    const hashes = (optionAt < 0 ? [] : parts.slice(optionAt)).filter((w) => w.startsWith('--hash')).length;
    const spec = (requirementWords.join(' ').split(';')[0] ?? '').trim();
    const classified = classifyRequirement(spec);
    entries.push({ ...base, ...classified, hashes, target: null });
  }
  return { entries, requireHashes };
}
