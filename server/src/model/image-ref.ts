// Parses FROM image references (with a model of official python tags) and edits them in place.
import type { From } from 'dockerfile-ast';
import type { Text } from './text';

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
  /** True for pre-release images (`3.15-rc`, `3.15.0b3`, `3.13.0rc1`). */
  prerelease?: boolean;
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
  /**
   * The parsed tag of an official python image; null when the image is not python, still
   * has unresolved variables, is pinned by digest only (the tag is then unknown), or the
   * tag does not follow the official naming scheme.
   */
  python: PythonTag | null;
  /** True when the reference still contains unresolved `$VAR`s. */
  unresolved: boolean;
}

// Official tags: <version>[-rc][-<variant>][-<codename>], each part optional. `forky` (Debian 14)
// is listed so that early testing tags parse as "names a release" rather than as unknown.
const TAG_RE =
  /^(?<ver>\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+)?)?(?<rc>-rc)?(?:-?(?<variant>slim|alpine|windowsservercore|nanoserver))?(?:-?(?<codename>forky|trixie|bookworm|bullseye|buster|stretch|jessie|wheezy|alpine\d+\.\d+|ltsc\d{4}|\d{4}))?$/;

/** Repository paths of the official image, keyed by the registry that serves them that way. */
const HUB_PATHS = new Set(['python', 'library/python']);
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
  const path = rest.toLowerCase();
  const isPython = isOfficialPython(registry?.toLowerCase() ?? null, path);
  const unresolved = text.includes('$');
  return {
    raw: text,
    name: isPython ? 'python' : path.startsWith('library/') ? path.slice('library/'.length) : path,
    registry,
    tag,
    digest,
    isPython,
    // A digest without a tag says nothing about version or variant, and an empty digest or
    // tag (`python:3.12@`, `python:`) is a broken reference: stay unknown.
    python: isPython && !unresolved && digest !== '' && !(digest !== null && tag === null) ? parsePythonTag(tag) : null,
    unresolved,
  };
}

function isOfficialPython(registry: string | null, path: string): boolean {
  if (registry === null || DOCKER_HUB.has(registry)) return HUB_PATHS.has(path);
  // Pull-through mirrors that serve the very same images under another path.
  if (registry === 'mirror.gcr.io') return path === 'library/python';
  if (registry === 'public.ecr.aws') return path === 'docker/library/python';
  return false;
}

/** Parses an official python image tag; `null`/`latest` means "latest". Returns null if unknown. */
export function parsePythonTag(tag: string | null): PythonTag | null {
  if (tag === null || tag === 'latest') {
    return { version: null, minor: null, variant: 'full', codename: null, libc: 'glibc', prerelease: false };
  }
  const m = TAG_RE.exec(tag);
  if (!m || !m.groups || tag === '') return null;
  const version = m.groups['ver'] ?? null;
  const variantText = m.groups['variant'];
  const codename = m.groups['codename'] ?? null;
  const variant = variantText === 'slim' || variantText === 'alpine' || variantText === 'windowsservercore' || variantText === 'nanoserver' ? variantText : 'full';
  const isAlpine = variant === 'alpine' || (codename !== null && codename.startsWith('alpine'));
  const rc = m.groups['rc'] !== undefined;
  const parsed: PythonTag = {
    version,
    minor: version ? minorOf(version) : null,
    variant: isAlpine ? 'alpine' : variant,
    codename,
    libc: isAlpine ? 'musl' : 'glibc',
    prerelease: rc || (version !== null && /(?:a|b|rc)\d+$/.test(version)),
  };
  // The pattern tolerates missing dashes and doubled Alpine markers (`3.12slim`,
  // `3.12-alpine-alpine3.20`); Docker Hub spells every tag one way, so anything else is unknown.
  return formatPythonTag({ version, rc, variant: parsed.variant, codename }) === tag ? parsed : null;
}

/** `3.12.4` → `3.12`; `3` → null (floating major). */
export function minorOf(version: string): string | null {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : null;
}

/** What a python tag is made of, for building a new tag. */
export interface PythonTagParts {
  version: string | null;
  /** Appends `-rc` to the version (the floating pre-release tags such as `3.15-rc`). */
  rc?: boolean;
  variant: PythonTag['variant'];
  codename: string | null;
}

/**
 * Builds an official python tag from its parts, in Docker Hub's spelling:
 * `3.12-slim-bookworm`, `3.12-alpine3.20` (the Alpine release replaces `alpine`), `slim`,
 * and `latest` when every part is empty.
 */
export function formatPythonTag(parts: PythonTagParts): string {
  const segments: string[] = [];
  if (parts.version) segments.push(parts.rc ? `${parts.version}-rc` : parts.version);
  const alpineRelease = parts.variant === 'alpine' && parts.codename !== null && parts.codename.startsWith('alpine');
  if (parts.variant !== 'full' && !alpineRelease) segments.push(parts.variant);
  if (parts.codename) segments.push(parts.codename);
  return segments.length > 0 ? segments.join('-') : 'latest';
}

/** True when the written tag carries the floating `-rc` marker (`3.15-rc-slim`). */
export function hasRcSuffix(tag: string | null): boolean {
  return tag !== null && TAG_RE.exec(tag)?.groups?.['rc'] !== undefined;
}

/** A span relative to the start of the image text. */
export interface RelativeSpan {
  start: number;
  end: number;
}

/** The span of the tag inside an image reference text (`python:3.12@sha256:…` → `3.12`), or null. */
export function tagSpan(imageText: string): RelativeSpan | null {
  const at = imageText.indexOf('@');
  const head = at >= 0 ? imageText.slice(0, at) : imageText;
  const colon = head.indexOf(':', head.lastIndexOf('/') + 1);
  return colon >= 0 ? { start: colon + 1, end: head.length } : null;
}

/**
 * The smallest edit that makes an image reference use `newTag`: replaces the tag, or inserts
 * `:newTag` after the repository name when there is none.
 */
export function tagEdit(imageText: string, newTag: string): RelativeSpan & { newText: string } {
  const span = tagSpan(imageText);
  if (span) return { ...span, newText: newTag };
  const at = imageText.indexOf('@');
  const end = at >= 0 ? at : imageText.length;
  return { start: end, end, newText: `:${newTag}` };
}

/** The reference with its tag replaced (or added): `python:3.12@sha256:…` keeps its digest. */
export function withTag(imageText: string, newTag: string): string {
  const edit = tagEdit(imageText, newTag);
  return imageText.slice(0, edit.start) + edit.newText + imageText.slice(edit.end);
}

/** Where a FROM's image reference sits in the document. */
export interface ImageSite {
  /** Document offsets of the whole reference. */
  start: number;
  end: number;
  /** The reference exactly as written (variables unexpanded). */
  written: string;
  /** The written text when it has no variable references, else null. */
  literal: string | null;
  /** Document offsets of the tag when the reference is literal, else null. */
  tag: RelativeSpan | null;
  /**
   * The written text after the last variable reference (all of it when there is none), and
   * its document offset. Null when the reference spans a line continuation: edits are then
   * not attempted.
   */
  tail: { start: number; text: string } | null;
}

const VARIABLE_RE = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

/** Locates the image argument of a FROM in the document, or null when there is none. */
export function imageSite(text: Text, from: From, escapeChar: string): ImageSite | null {
  const range = from.getImageRange();
  if (!range || from.getImage() === null) return null;
  const start = text.offsetAt(range.start);
  const end = text.offsetAt(range.end);
  const written = text.content.slice(start, end);
  const broken = /[\r\n]/.test(written) || written.includes(escapeChar);
  const literal = written.includes('$') || broken ? null : written;
  const relative = literal !== null ? tagSpan(literal) : null;
  let tailOffset = 0;
  for (const m of written.matchAll(VARIABLE_RE)) tailOffset = (m.index ?? 0) + m[0].length;
  return {
    start,
    end,
    written,
    literal,
    tag: relative ? { start: start + relative.start, end: start + relative.end } : null,
    tail: broken ? null : { start: start + tailOffset, text: written.slice(tailOffset) },
  };
}

/**
 * The smallest document edit that turns the reference `resolved` (as judged, ARGs expanded)
 * into `replacement`, touching only the written text after the last variable. Variables may
 * hold the registry/namespace or the version (judged by their defaults): with
 * `python:${PY}-slim` and PY=3.12, adding `-bookworm` is right for any PY. Null when the
 * change would reach into a variable (a new version, `python:$TAG` with TAG=3.12-slim,
 * `$IMAGE`), since the edit would then depend on a value that can be overridden.
 */
export function imageEdit(site: ImageSite, resolved: string, replacement: string): { start: number; end: number; newText: string } | null {
  const tail = site.tail;
  if (!tail || !resolved.endsWith(tail.text)) return null;
  const expanded = resolved.slice(0, resolved.length - tail.text.length);
  if (!replacement.startsWith(expanded) || !variablesStayInPlace(site.written, resolved, replacement, expanded.length)) return null;
  const oldTail = tail.text;
  const newTail = replacement.slice(expanded.length);
  let prefix = 0;
  while (prefix < oldTail.length && prefix < newTail.length && oldTail[prefix] === newTail[prefix]) prefix++;
  let suffix = 0;
  const room = Math.min(oldTail.length, newTail.length) - prefix;
  while (suffix < room && oldTail[oldTail.length - 1 - suffix] === newTail[newTail.length - 1 - suffix]) suffix++;
  return { start: tail.start + prefix, end: tail.start + oldTail.length - suffix, newText: newTail.slice(prefix, newTail.length - suffix) };
}

/** Version part (with `-rc`) of the tag in a reference, and where it ends; null without a tag. */
function versionOf(reference: string): { version: string; end: number } | null {
  const at = reference.indexOf('@');
  const head = at >= 0 ? reference.slice(0, at) : reference;
  const span = tagSpan(head);
  if (!span) return null;
  const groups = TAG_RE.exec(head.slice(span.start))?.groups;
  const version = (groups?.['ver'] ?? '') + (groups?.['rc'] ?? '');
  return { version, end: span.start + version.length };
}

/** See imageEdit: every variable sits in the registry/namespace or inside an unchanged version. */
function variablesStayInPlace(written: string, resolved: string, replacement: string, expandedLength: number): boolean {
  const variables = [...written.matchAll(VARIABLE_RE)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
  if (variables.length === 0) return true;
  // Separators are looked for outside variables, since `${A:-b}` contains a colon.
  let masked = written;
  for (const v of variables) masked = masked.slice(0, v.start) + '_'.repeat(v.end - v.start) + masked.slice(v.end);
  const at = masked.indexOf('@');
  const head = at >= 0 ? masked.slice(0, at) : masked;
  const lastSlash = head.lastIndexOf('/');
  const colon = head.indexOf(':', lastSlash + 1);
  const inTag = variables.filter((v) => v.end > lastSlash);
  if (inTag.some((v) => colon < 0 || v.start <= colon)) return false;
  if (inTag.length === 0) return true;
  const before = versionOf(resolved);
  const after = versionOf(replacement);
  return before !== null && after !== null && before.version !== '' && before.version === after.version && expandedLength <= before.end;
}

/** The written reference after an edit from imageEdit, for fix titles. */
export function applyImageEdit(site: ImageSite, edit: { start: number; end: number; newText: string }): string {
  return site.written.slice(0, edit.start - site.start) + edit.newText + site.written.slice(edit.end - site.start);
}
