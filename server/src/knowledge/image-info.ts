// Human-readable facts about a python base image, for hovers on FROM lines and rule messages.
import type { ImageRef, PythonTag } from '../model/image-ref';
import {
  DATA_DATE,
  DEFAULT_ALPINE_CODENAME,
  DEFAULT_CODENAME,
  NEWEST_STABLE_MINOR,
  debianRelease,
  imageCodenames,
  pythonRelease,
  variantSize,
  type PythonVariant,
} from './python-releases';

/** Status of a Python minor on a date. */
export function pythonSupportStatus(minor: string, today: string): { eol: string; ended: boolean } | null {
  const release = pythonRelease(minor);
  if (!release) return null;
  return { eol: release.eol, ended: release.eol < today };
}

/**
 * The minor whose end of life applies to a tag: its own `X.Y`, or `2.7` for the major-only
 * `2` tags (2.7 was the last Python 2). Null when the tag floats across Python 3 minors.
 */
export function supportMinor(tag: PythonTag): string | null {
  if (tag.minor) return tag.minor;
  return tag.version !== null && /^2(?!\d)/.test(tag.version) ? '2.7' : null;
}

/**
 * The release a tag without codename resolves to: the current default for supported minors
 * and floating tags, or the last default of an end-of-life minor, whose tags no longer move
 * (`frozen`). Null when the tag names a release, is a Windows or patch-level tag, or no data
 * is known.
 */
export function impliedCodename(tag: PythonTag): { codename: string; frozen: boolean } | null {
  if (tag.codename !== null || tag.variant === 'windowsservercore' || tag.variant === 'nanoserver') return null;
  // A patch tag (`3.12.4-slim`) stays on whatever was current when that patch was last built.
  if (tag.minor !== null && tag.version !== tag.minor) return null;
  const alpine = tag.libc === 'musl';
  const minor = supportMinor(tag);
  if (minor === null) return { codename: alpine ? DEFAULT_ALPINE_CODENAME : DEFAULT_CODENAME, frozen: false };
  const known = imageCodenames(minor);
  const codename = known ? (alpine ? known.alpine[0] : known.debian[0]) : undefined;
  if (!known || codename === undefined) return null;
  // docker-library stops building a minor at its end of life, which freezes its tags.
  const release = pythonRelease(minor);
  return { codename, frozen: release !== undefined && release.eol < DATA_DATE };
}

/** True when `today` is more than one year after `date` (both ISO dates). */
export function moreThanAYearAfter(date: string, today: string): boolean {
  const year = Number(date.slice(0, 4));
  if (!Number.isFinite(year)) return false;
  return today > `${year + 1}${date.slice(4)}`;
}

/** The size-table variant of a tag, or null for variants without data (Windows). */
export function sizeVariant(tag: PythonTag): PythonVariant | null {
  return tag.variant === 'full' || tag.variant === 'slim' || tag.variant === 'alpine' ? tag.variant : null;
}

/** `1110` → `1.11 GB`, `43.2` → `43.2 MB`, `119` → `119 MB`. */
export function formatMb(mb: number): string {
  if (mb >= 1000) return `${(mb / 1000).toFixed(2)} GB`;
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}

/**
 * Markdown describing an official python image reference: Python version and end-of-life,
 * variant and its approximate size compared with `-slim`, Debian release and its support end.
 * Returns null for images that are not the official python image, for references with
 * unresolved variables and for tags outside the official naming scheme.
 */
export function describePythonImage(ref: ImageRef, today: string): string | null {
  if (!ref.isPython || ref.unresolved) return null;
  if (!ref.python) {
    if (ref.digest === null || ref.tag !== null) return null;
    return [`**${ref.raw}**`, '', '- Pinned by digest only: the Python version and variant cannot be read from the reference'].join('\n');
  }
  const tag = ref.python;
  const lines: string[] = [`**${ref.raw}**`, ''];
  lines.push(versionLine(tag, today));
  const variant = sizeVariant(tag);
  if (variant === null) {
    lines.push(`- Variant: ${tag.variant} (Windows containers)`);
  } else {
    const size = variantSize(variant);
    const slim = variantSize('slim');
    if (variant === 'full') {
      lines.push(
        `- Variant: full (compilers, -dev headers, VCS tools): about ${formatMb(size.diskMb)} on disk / ${formatMb(size.compressedMb)} compressed, versus ${formatMb(slim.diskMb)} / ${formatMb(slim.compressedMb)} for \`-slim\``,
      );
    } else {
      lines.push(`- Variant: ${variant}: about ${formatMb(size.diskMb)} on disk / ${formatMb(size.compressedMb)} compressed`);
    }
  }
  const release = releaseLine(tag, today);
  if (release) lines.push(release);
  if (ref.digest) lines.push('- Pinned by digest: rebuilds use exactly this image until the digest is changed');
  if (variant !== null) lines.push('', `_Sizes are estimates for linux/amd64 (python 3.12, Aug 2026); data checked ${DATA_DATE}._`);
  else lines.push('', `_Data checked ${DATA_DATE}._`);
  return lines.join('\n');
}

function versionLine(tag: PythonTag, today: string): string {
  const minor = supportMinor(tag);
  const label = `Python ${tag.version ?? ''}`.trim();
  if (minor === null) {
    return `- Python version: floating (currently ${NEWEST_STABLE_MINOR}; the tag moves to each new release)`;
  }
  const status = pythonSupportStatus(minor, today);
  const pre = tag.prerelease ? ' (pre-release: not for production)' : '';
  // Only `2`/`2-slim` get here without a minor: they stayed on 2.7, the last Python 2.
  const floating = tag.minor === null ? ` (${minor})` : '';
  if (!status) return `- ${label}${floating}${pre}`;
  const support = status.ended ? `**end of life since ${status.eol}** (no security fixes)` : `supported until ${status.eol}`;
  return `- ${label}${floating}${pre}: ${support}`;
}

function releaseLine(tag: PythonTag, today: string): string | null {
  if (tag.variant === 'windowsservercore' || tag.variant === 'nanoserver') return null;
  const implied = impliedCodename(tag);
  const codename = tag.codename ?? implied?.codename ?? null;
  if (codename === null) return null;
  const how = implied === null ? '' : implied.frozen ? ' (where this tag was last published; it no longer moves)' : ` (what the tag resolves to as of ${DATA_DATE}; it moves with each new release)`;
  if (tag.libc === 'musl') {
    return `- Alpine ${codename.replace(/^alpine/, '')}${how}, musl libc: most wheels on PyPI are built for glibc, so packages may compile from source`;
  }
  const debian = debianRelease(codename);
  if (!debian) return null;
  const ended = debian.supportEnds < today;
  return `- Debian ${debian.version} "${codename}"${how}: ${ended ? `**security support ended ${debian.supportEnds}**` : `supported until ${debian.supportEnds}`}`;
}
