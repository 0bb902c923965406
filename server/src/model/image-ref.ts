// Parses FROM image references, with a model of official python image tags.

/** The parts of a `python:<tag>` tag: version, variant and Debian/Alpine codename. */
export interface PythonTag {
  /** Full version as written (`3`, `3.12`, `3.12.4`, `3.13.0rc1`), or null for `latest`/none. */
  version: string | null;
  /** `X.Y`, or null when the tag floats across minors (`3`, `latest`, none). */
  minor: string | null;
  variant: 'full' | 'slim' | 'alpine' | 'windowsservercore' | 'nanoserver';
  /** `bookworm`, `alpine3.20`, ... or null when the tag does not name one. */
  codename: string | null;
  libc: 'glibc' | 'musl';
}

export interface ImageRef {
  /** The reference as written after variable substitution, e.g. `python:3.12-slim`. */
  raw: string;
  /** Repository path without registry, e.g. `library/python` → `python`. */
  name: string;
  registry: string | null;
  tag: string | null;
  digest: string | null;
  /** True when the repository is the official python image (any mirror). */
  isPython: boolean;
  python: PythonTag | null;
  /** True when the reference still contains unresolved `$VAR`s. */
  unresolved: boolean;
}

const TAG_RE =
  /^(?<ver>\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+)?)?(?:-rc)?(?:-?(?<variant>slim|alpine|windowsservercore|nanoserver))?(?:-?(?<codename>trixie|bookworm|bullseye|buster|stretch|jessie|alpine\d+\.\d+|ltsc\d{4}|\d{4}))?$/;

const PYTHON_REPOS = new Set(['python', 'library/python', 'docker/library/python']);
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Splits `registry/path/name:tag@digest`. Returns null for an empty string. */
export function parseImageRef(raw: string): ImageRef | null {
  const text = raw.trim();
  if (text === '') return null;
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | null = null;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(firstSlash + 1);
    }
  }
  const name = rest.toLowerCase();
  const isPython = PYTHON_REPOS.has(name) && (registry === null || DOCKER_HUB.has(registry) || isKnownMirror(registry, name));
  const unresolved = text.includes('$');
  return {
    raw: text,
    name: name.startsWith('library/') ? name.slice('library/'.length) : name,
    registry,
    tag,
    digest,
    isPython,
    python: isPython && !unresolved ? parsePythonTag(tag) : null,
    unresolved,
  };
}

function isKnownMirror(registry: string, name: string): boolean {
  // mirror.gcr.io/library/python and public.ecr.aws/docker/library/python serve the same images.
  return (registry === 'mirror.gcr.io' && name === 'library/python') || (registry === 'public.ecr.aws' && name === 'docker/library/python');
}

/** Parses an official python image tag; `null`/`latest` means "latest". Returns null if unknown. */
export function parsePythonTag(tag: string | null): PythonTag | null {
  if (tag === null || tag === 'latest') {
    return { version: null, minor: null, variant: 'full', codename: null, libc: 'glibc' };
  }
  const m = TAG_RE.exec(tag);
  if (!m || !m.groups) return null;
  const version = m.groups['ver'] ?? null;
  const variantText = m.groups['variant'];
  const codename = m.groups['codename'] ?? null;
  const variant = variantText === 'slim' || variantText === 'alpine' || variantText === 'windowsservercore' || variantText === 'nanoserver' ? variantText : 'full';
  const isAlpine = variant === 'alpine' || (codename !== null && codename.startsWith('alpine'));
  return {
    version,
    minor: version ? minorOf(version) : null,
    variant: isAlpine ? 'alpine' : variant,
    codename,
    libc: isAlpine ? 'musl' : 'glibc',
  };
}

/** `3.12.4` → `3.12`; `3` → null (floating major). */
export function minorOf(version: string): string | null {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : null;
}
