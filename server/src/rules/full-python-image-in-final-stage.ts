// PYD101: the image that ships is built on the full (buildpack-deps based) python variant.
import { formatMb } from '../knowledge/image-info';
import { variantSize } from '../knowledge/python-releases';
import { formatPythonTag, hasRcSuffix, imageSite, withTag, type ImageRef, type PythonTag } from '../model/image-ref';
import { rootStage } from '../model/stages';
import { defineRule } from './define-rule';
import { imageReferenceFix } from './edit-helpers';
import type { Fix } from './types';

export default defineRule({
  code: 'PYD101',
  name: 'full-python-image-in-final-stage',
  title: 'Use the `-slim` python image for the final stage',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags a final image built on the default ("full") variant of the official python image: `python:3.12`, `python:3.12-bookworm`, `python:3`, `python:latest` or `python` without a tag, including when the final stage builds on an earlier stage that uses it. Builder stages whose files are only copied out are not flagged: a full builder next to a slim runtime is a good pattern. Images set through `ARG`s are judged by their defaults; the fix edits the FROM line when the ARG holds only the version (`python:${PYTHON_VERSION}` becomes `python:${PYTHON_VERSION}-slim`), and is not offered for a digest-pinned image.',
    whyItMatters:
      'The full variant is built on buildpack-deps: compilers, hundreds of -dev libraries and VCS tools that an application rarely needs at run time. For python 3.12 on linux/amd64 (Aug 2026) it is about 1.11 GB on disk and 410.9 MB compressed, while `-slim` is about 119 MB on disk and 43.2 MB compressed, so every pull, push and node cold start pays roughly ten times more. One reported Flask service weighed 3.71 GB on `python:3.7`; a hello-world image on `python:latest` weighed 1.46 GB. The extra packages are also extra CVEs for scanners to report.',
    example: 'FROM python:3.12-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    fixSafety:
      'The full image ships compilers and -dev libraries that `-slim` does not. Anything compiled during the build (packages without a wheel for your platform, such as psycopg2 from source) or needing a system library at run time (for example libpq for psycopg2) must then be installed explicitly, or built in a builder stage on the full image whose results are copied into the slim one. Build and test the image after switching.',
    references: [
      'https://hub.docker.com/_/python#image-variants',
      'https://github.com/docker-library/repo-info/tree/master/repos/python',
      'https://docs.docker.com/build/building/multi-stage/',
      'https://docs.docker.com/build/building/best-practices/#from',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const base = rootStage(final);
    const image = base.image;
    const tag = image?.python;
    if (!image || !tag || image.unresolved || tag.variant !== 'full') return;
    const site = imageSite(model.text, base.from, model.escapeChar);
    if (!site) return;
    const full = variantSize('full');
    const slim = variantSize('slim');
    const via = base === final ? '' : ` (through stage \`${base.alias ?? base.index}\`)`;
    const size = `~${formatMb(full.diskMb)} on disk / ${formatMb(full.compressedMb)} compressed vs ~${formatMb(slim.diskMb)} / ${formatMb(slim.compressedMb)} for \`-slim\``;
    const fixes: Fix[] = [];
    // A digest would keep selecting the full image whatever the tag says.
    const fix = image.digest === null ? imageReferenceFix(model, site, image.raw, withTag(image.raw, slimTag(image, tag)), (w) => `Switch to \`${w}\``) : null;
    if (fix) fixes.push(fix);
    ctx.report({
      range: model.text.rangeOf(site.start, site.end),
      message: `The final image is built on the full \`${withoutDigest(image.raw)}\` image${via}: ${size}`,
      fixes,
    });
  },
});

/** The slim variant of the same version and Debian release (`3.12-bookworm` → `3.12-slim-bookworm`). */
function slimTag(image: ImageRef, tag: PythonTag): string {
  return formatPythonTag({ version: tag.version, rc: hasRcSuffix(image.tag), variant: 'slim', codename: tag.codename });
}

/** The reference without its (long, unreadable) digest. */
function withoutDigest(raw: string): string {
  const at = raw.indexOf('@');
  return at >= 0 ? raw.slice(0, at) : raw;
}
