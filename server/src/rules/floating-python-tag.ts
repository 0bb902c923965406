// PYD102: a python image tag that moves between Python minors or Debian/Alpine releases.
import { impliedCodename, pythonSupportStatus } from '../knowledge/image-info';
import { NEWEST_STABLE_MINOR, PUBLISHED_CODENAMES, imageCodenames, pythonRelease } from '../knowledge/python-releases';
import type { DocumentModel } from '../model/document-model';
import { formatPythonTag, hasRcSuffix, imageSite, minorOf, withTag, type ImageSite, type PythonTag } from '../model/image-ref';
import { defineRule } from './define-rule';
import { imageReferenceFix } from './edit-helpers';
import type { Fix, LintEnvironment } from './types';
import { projectMinor, type ProjectMinor } from './workspace-helpers';

export default defineRule({
  code: 'PYD102',
  name: 'floating-python-tag',
  title: 'Pin the python image to a minor version and a Debian or Alpine release',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3006', 'DL3007'],
  docs: {
    whatItDoes:
      'Checks the tag of every stage that uses the official python image. A missing tag, `latest`, a major-only tag (`3`, `3-slim`) or a tag without version (`slim`, `bookworm`) is a warning: the next Python minor arrives with no change to the Dockerfile. A tag with a minor but no Debian or Alpine release (`3.12`, `3.12-slim`, `3.12-alpine`) is reported as info. Tags that no longer move are left alone: images pinned by digest, end-of-life minors and Python 2 (reported by PYD103), and release-only tags of retired Debian releases (`buster`). Fixes are a pick-list of fully qualified tags, the first being what the tag resolves to today (for a floating version, the project\'s own minor comes first: the one in `.python-version`, else the newest supported minor that `requires-python` in `pyproject.toml` allows). With `python:${PYTHON_VERSION}-slim` the release is appended after the variable; a version that would have to change inside an `ARG` is not edited.',
    whyItMatters:
      'Shared tags move. `3.12-slim` pointed at Debian 12 "bookworm" until Debian 13 "trixie" came out in August 2025 and then switched overnight, changing glibc, the package names `apt-get` sees (for example the `t64` library renames) and the ABI of every compiled wheel cached in a builder. `latest` and `3` additionally jump to the next Python minor every October, which is how a rebuild of an unchanged repository starts failing. A simple tag such as `3.12-slim-bookworm` (or a digest) keeps rebuilds reproducible while still receiving patch releases and security updates.',
    example: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    fixSafety:
      'Pinning to the release the tag resolves to today keeps the current image, but the pin also stops the automatic move to newer Debian or Python releases: you now upgrade on purpose (PYD103 and PYD104 tell you when). Choosing another entry of the pick-list (for example `bookworm` instead of `trixie`) changes the operating system under the application, so builder and runtime stages should be pinned to the same release. No fix is offered for patch-level tags (`3.12.4-slim`), which exist only for the releases current when that patch came out.',
    references: [
      'https://hub.docker.com/_/python#image-variants',
      'https://docs.docker.com/build/building/best-practices/#from',
      'https://github.com/docker-library/python/blob/master/versions.json',
      'https://github.com/hadolint/hadolint/wiki/DL3006',
      'https://github.com/hadolint/hadolint/wiki/DL3007',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    for (const stage of model.stages) {
      const image = stage.image;
      const tag = image?.python;
      // A digest pins the image whatever the tag says.
      if (!image || !tag || image.unresolved || image.digest !== null) continue;
      const windows = tag.variant === 'windowsservercore' || tag.variant === 'nanoserver';
      if (tag.minor === null) {
        // Tags that stopped moving do not float: `2`/`2-slim` (frozen in 2020, PYD103 reports
        // them) and release-only tags of releases no longer built (`buster`, PYD104's concern).
        if (tag.version !== null && !tag.version.startsWith('3')) continue;
        if (tag.codename !== null && !PUBLISHED_CODENAMES.includes(tag.codename) && !windows) continue;
        // Located only for a finding: most stages name their release, and then nothing is reported.
        const site = imageSite(model.text, stage.from, model.escapeChar);
        if (!site) continue;
        const range = siteRange(site);
        ctx.report({
          range: model.text.rangeOf(range.start, range.end),
          message: floatingMinorMessage(image.raw, image.tag),
          severity: 'warning',
          fixes: windows ? [] : minorPins(model, site, image.raw, tag, env),
        });
      } else if (tag.codename === null && !windows) {
        // End-of-life minors are no longer rebuilt, so their tags stopped moving; PYD103 reports them.
        if (pythonSupportStatus(tag.minor, env.today)?.ended) continue;
        const site = imageSite(model.text, stage.from, model.escapeChar);
        if (!site) continue;
        const range = siteRange(site);
        const implied = impliedCodename(tag);
        const family = tag.libc === 'musl' ? 'Alpine' : 'Debian';
        const detail =
          tag.version !== tag.minor
            ? ': which one it runs on depends on when that patch release was last built'
            : `, so it moves when a new ${family} release comes out${implied ? ` (today: \`${implied.codename}\`)` : ''}`;
        ctx.report({
          range: model.text.rangeOf(range.start, range.end),
          message: `\`${image.raw}\` names no ${family} release${detail}`,
          severity: 'info',
          fixes: codenamePins(model, site, image.raw, tag, hasRcSuffix(image.tag)),
        });
      }
    }
  },
});

/** What a finding underlines: the tag, or the whole image reference when it has none. */
function siteRange(site: ImageSite): { start: number; end: number } {
  return site.tag ?? { start: site.start, end: site.end };
}

function floatingMinorMessage(raw: string, tag: string | null): string {
  const current = `currently ${NEWEST_STABLE_MINOR}`;
  if (tag === null) return `\`${raw}\` has no tag, so it means \`latest\`: every rebuild can move to a new Python minor (${current}) and Debian release`;
  if (tag === 'latest') return `\`${raw}\` moves to every new Python minor (${current}) and Debian release`;
  return `\`${raw}\` names no Python minor, so every rebuild can move to a new one (${current})`;
}

/** One unsafe fix per candidate tag, in order; none when the change would reach into an ARG. */
function pinFixes(model: DocumentModel, site: ImageSite, resolved: string, tags: readonly { tag: string; why: string }[]): Fix[] {
  const fixes: Fix[] = [];
  for (const { tag, why } of tags) {
    const fix = imageReferenceFix(model, site, resolved, withTag(resolved, tag), (w) => `Pin to \`${w}\`${why}`);
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/**
 * For tags without a minor: the newest stable minor (what the tag resolves to today), preceded
 * by the project's `.python-version` minor when the build context has one. The codename is kept
 * when that minor is published for it, else the variant's default release is used.
 */
function minorPins(model: DocumentModel, site: ImageSite, resolved: string, tag: PythonTag, env: LintEnvironment): Fix[] {
  const minors: { minor: string; why: string }[] = [];
  const project = projectMinorOf(env);
  if (project && project.minor !== NEWEST_STABLE_MINOR) minors.push({ minor: project.minor, why: ` (from ${project.source})` });
  minors.push({ minor: NEWEST_STABLE_MINOR, why: '' });
  const tags: { tag: string; why: string }[] = [];
  for (const { minor, why } of minors) {
    const codename = pinnedCodename(minor, tag);
    if (codename === null) continue;
    tags.push({ tag: formatPythonTag({ version: minor, variant: tag.variant, codename }), why });
  }
  return pinFixes(model, site, resolved, tags);
}

/** The release to pin a floating tag to for `minor`, or null when no published image fits. */
function pinnedCodename(minor: string, tag: PythonTag): string | null {
  const known = imageCodenames(minor);
  if (!known) return null;
  const releases = tag.libc === 'musl' ? known.alpine : known.debian;
  if (tag.codename === null) return releases[0] ?? null;
  return releases.includes(tag.codename) ? tag.codename : null;
}

/**
 * For tags with a minor but no codename: every release that minor's images are published
 * for, the one the tag resolves to first. Alpine offers only its default release, since older
 * Alpine images are dropped within months. Patch-level tags get no fix (see fixSafety).
 */
function codenamePins(model: DocumentModel, site: ImageSite, resolved: string, tag: PythonTag, rc: boolean): Fix[] {
  if (tag.minor === null || tag.version !== tag.minor) return [];
  const known = imageCodenames(tag.minor);
  if (!known) return [];
  const releases = tag.libc === 'musl' ? known.alpine.slice(0, 1) : known.debian;
  return pinFixes(
    model,
    site,
    resolved,
    releases.map((codename, i) => ({ tag: formatPythonTag({ version: tag.version, rc, variant: tag.variant, codename }), why: i === 0 ? ' (what it resolves to today)' : '' })),
  );
}

/**
 * The project's minor: `.python-version` (through the workspace, or `readContextFile` alone),
 * else the newest supported minor `requires-python` allows.
 */
function projectMinorOf(env: LintEnvironment): ProjectMinor | null {
  if (env.workspace) return projectMinor(env.workspace, env.today);
  const content = env.readContextFile?.('.python-version');
  if (content === undefined) return null;
  const first = content
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (first === undefined || !/^3\.\d+(?:\.\d+)?$/.test(first)) return null;
  const minor = minorOf(first);
  return minor !== null && pythonRelease(minor) !== undefined && imageCodenames(minor) !== undefined ? { minor, source: '`.python-version`' } : null;
}
