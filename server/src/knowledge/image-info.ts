// Human-readable facts about a python base image, for hovers on FROM lines.
import type { ImageRef } from '../model/image-ref';
import { DATA_DATE, DEFAULT_CODENAME, debianRelease, pythonRelease, variantSize } from './python-releases';

/** Status of a Python minor on a date. */
export function pythonSupportStatus(minor: string, today: string): { eol: string; ended: boolean } | null {
  const release = pythonRelease(minor);
  if (!release) return null;
  return { eol: release.eol, ended: release.eol < today };
}

/**
 * Markdown describing an official python image reference: Python version and end-of-life,
 * variant and its approximate size compared with `-slim`, Debian release and its support end.
 * Returns null for images that are not the official python image.
 */
export function describePythonImage(ref: ImageRef, today: string): string | null {
  if (!ref.isPython || !ref.python) return null;
  const tag = ref.python;
  const lines: string[] = [`**${ref.raw}**`, ''];
  if (tag.minor) {
    const status = pythonSupportStatus(tag.minor, today);
    if (status) {
      lines.push(`- Python ${tag.version ?? tag.minor}: ${status.ended ? `**end of life since ${status.eol}** (no security fixes)` : `supported until ${status.eol}`}`);
    } else {
      lines.push(`- Python ${tag.version ?? tag.minor}`);
    }
  } else {
    lines.push('- Python version: floating (the tag moves to each new release)');
  }
  const variant = tag.variant === 'slim' || tag.variant === 'alpine' ? tag.variant : 'full';
  const size = variantSize(variant);
  const slim = variantSize('slim');
  if (variant === 'full') {
    lines.push(
      `- Variant: full (compilers, -dev headers, VCS tools): about ${formatMb(size.diskMb)} on disk / ${formatMb(size.compressedMb)} compressed, versus ${formatMb(slim.diskMb)} / ${formatMb(slim.compressedMb)} for \`-slim\``,
    );
  } else {
    lines.push(`- Variant: ${variant}: about ${formatMb(size.diskMb)} on disk / ${formatMb(size.compressedMb)} compressed`);
  }
  if (tag.libc === 'musl') {
    lines.push('- libc: musl: most wheels on PyPI are built for glibc, so packages may compile from source');
  } else {
    const codename = tag.codename ?? DEFAULT_CODENAME;
    const debian = debianRelease(codename);
    const implied = tag.codename ? '' : ` (what the tag resolves to as of ${DATA_DATE}; it moves with each Debian release)`;
    if (debian) {
      const ended = debian.supportEnds < today;
      lines.push(`- Debian ${debian.version} "${codename}"${implied}: ${ended ? `**security support ended ${debian.supportEnds}**` : `supported until ${debian.supportEnds}`}`);
    }
  }
  lines.push('', `_Sizes are estimates for linux/amd64 (python 3.12, Aug 2026); data checked ${DATA_DATE}._`);
  return lines.join('\n');
}

function formatMb(mb: number): string {
  return mb >= 1000 ? `${(mb / 1000).toFixed(2)} GB` : `${Math.round(mb)} MB`;
}
