// PYD103: a stage runs a CPython minor that no longer receives security releases.
import { moreThanAYearAfter, pythonSupportStatus, supportMinor } from '../knowledge/image-info';
import { DEFAULT_ALPINE_CODENAME, DEFAULT_CODENAME, NEWEST_STABLE_MINOR, PUBLISHED_CODENAMES } from '../knowledge/python-releases';
import { formatPythonTag, imageSite, withTag, type PythonTag } from '../model/image-ref';
import { defineRule } from './define-rule';
import { imageReferenceFix } from './edit-helpers';
import type { Fix } from './types';

export default defineRule({
  code: 'PYD103',
  name: 'end-of-life-python',
  title: 'Upgrade an end-of-life Python version',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags every stage whose official python image runs a Python minor past its end of life on the day of the check (3.9 since 2025-10-31, 3.10 since 2026-10-31, and any Python 2). It is an error once the end of life is more than 12 months behind. The dates come from the Python developer guide and are shown in the message.',
    whyItMatters:
      'After its end of life a Python minor gets no security releases at all, and docker-library stops rebuilding its images, so the operating system packages inside them stop receiving security updates too: every rebuild pulls the same ageing layers. Known CPython vulnerabilities stay open, scanners report more and more CVEs, and new releases of your dependencies drop support for the old minor, which blocks their own security fixes. Each minor is supported for five years (3.12 until 2028-10, 3.14 until 2030-10).',
    example: 'FROM python:3.8-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead: 'FROM python:3.13-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    fixSafety:
      'A new Python minor removes deprecated modules and APIs (for example `distutils` in 3.12) and needs dependency versions that support it, and wheels for the new minor may be missing for old pinned packages, which then compile from source or fail. The fix only edits the tag (keeping the variant, and a Debian or Alpine release the new images are published for); update the requirements, run the test suite against the new image and upgrade every stage together. No fix is offered for Python 2, which needs a port rather than an upgrade, for Windows images, for digest-pinned images, or when the version comes from an `ARG` (change the ARG\'s default instead).',
    references: [
      'https://devguide.python.org/versions/',
      'https://peps.python.org/pep-0602/',
      'https://github.com/docker-library/python/blob/master/versions.json',
      'https://docs.python.org/3/whatsnew/index.html',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    for (const stage of model.stages) {
      const image = stage.image;
      const tag = image?.python;
      if (!image || !tag || image.unresolved) continue;
      const minor = supportMinor(tag);
      if (minor === null) continue;
      const status = pythonSupportStatus(minor, env.today);
      if (!status || !status.ended) continue;
      const site = imageSite(model.text, stage.from, model.escapeChar);
      if (!site) continue;
      const range = site.tag ?? { start: site.start, end: site.end };
      const longAgo = moreThanAYearAfter(status.eol, env.today);
      const name = minor === '2.7' && tag.minor === null ? 'Python 2' : `Python ${minor}`;
      const fixes: Fix[] = [];
      // Once the newest minor is past its end of life too, there is nothing newer to move to.
      const newTag = minor === NEWEST_STABLE_MINOR ? null : upgradedTag(tag);
      // A digest would still select the old image; a version held in an ARG is not edited here.
      const fix = newTag !== null && image.digest === null ? imageReferenceFix(model, site, image.raw, withTag(image.raw, newTag), (w) => `Upgrade to \`${w}\``) : null;
      if (fix) fixes.push(fix);
      ctx.report({
        range: model.text.rangeOf(range.start, range.end),
        message: longAgo
          ? `${name} reached its end of life on ${status.eol}, more than a year ago: no security fixes or image rebuilds since then`
          : `${name} reached its end of life on ${status.eol}: no more security fixes or image rebuilds`,
        severity: longAgo ? 'error' : 'warning',
        fixes,
      });
    }
  },
});

/**
 * The same variant on NEWEST_STABLE_MINOR. A named release the new images are not published
 * for becomes the current default; a tag without release stays without one. Null for
 * Python 2 and Windows images.
 */
function upgradedTag(tag: PythonTag): string | null {
  if (tag.version === null || !tag.version.startsWith('3')) return null;
  if (tag.variant === 'windowsservercore' || tag.variant === 'nanoserver') return null;
  let codename = tag.codename;
  if (codename !== null && !PUBLISHED_CODENAMES.includes(codename)) {
    codename = tag.libc === 'musl' ? DEFAULT_ALPINE_CODENAME : DEFAULT_CODENAME;
  }
  return formatPythonTag({ version: NEWEST_STABLE_MINOR, variant: tag.variant, codename });
}
