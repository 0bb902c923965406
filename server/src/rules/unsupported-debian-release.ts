// PYD104: a base image tag names a Debian release that no longer gets (full) security support.
import { supportMinor } from '../knowledge/image-info';
import { NEWEST_STABLE_MINOR, PUBLISHED_CODENAMES, debianRelease, imageCodenames, type DebianRelease } from '../knowledge/python-releases';
import type { DocumentModel } from '../model/document-model';
import { formatPythonTag, hasRcSuffix, imageEdit, imageSite, withTag, type ImageRef, type ImageSite } from '../model/image-ref';
import type { TextEdit } from '../model/text';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import type { Fix, Severity } from './types';

/** A stage whose image names a Debian release in its tag. */
interface ReleaseSite {
  image: ImageRef;
  release: DebianRelease;
  site: ImageSite;
  /** Builds the image reference for another release, or null when no such image exists. */
  retag: (codename: string) => string | null;
  /** Releases an image of the same kind is published for (python: per minor), preferred first. */
  targets: readonly string[];
}

/** Official Docker Hub spellings of the debian image: `bookworm`, `bookworm-slim`. */
const DEBIAN_TAG_RE = /^([a-z]+)(-slim)?$/;
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** Debian releases the current python images are published for, default first. */
const PUBLISHED_DEBIAN = PUBLISHED_CODENAMES.filter((c) => debianRelease(c) !== undefined);

export default defineRule({
  code: 'PYD104',
  name: 'unsupported-debian-release',
  title: 'Move off Debian releases without security support',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Reads the Debian release named in the tag of the official python image (`python:3.8-slim-buster`) and of the official debian image (`debian:buster-slim`). A release whose long-term support (LTS) has ended on the day of the check is a warning: `jessie`, `stretch`, `buster` (LTS ended 2024-06-30) and `bullseye` after 2026-08-31. A release that is still in LTS but for which the current python images are no longer published (`bullseye` until 2026-08-31) is reported as info. Tags without a release (`3.12-slim`) are PYD102\'s concern. The fix moves every stage that names an unsupported release to the same supported one at once, so that builder and runtime stay on one glibc (PYD108).',
    whyItMatters:
      'Debian 10 "buster" LTS ended on 2024-06-30: since then its packages get no security updates at all, and the official python images are no longer published for it, so a rebuild pulls the same ageing layers and every scanner run finds more CVEs in OpenSSL, glibc and zlib. Debian 11 "bullseye" LTS ends on 2026-08-31, and python images for current Python versions are only built for bookworm and trixie. Moving to a supported release is the only way to keep receiving fixes for the operating system under the interpreter.',
    example: 'FROM python:3.11-slim-buster\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead: 'FROM python:3.11-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    fixSafety:
      'A new Debian release brings a newer glibc, OpenSSL and compiler and renames some libraries (Debian 13 added the `t64` suffix to many of them), so `apt-get install` lines, compiled wheels and binaries copied between stages may need changes. The fix only rewrites the release in the tags (every stage that names an unsupported release, in one edit); build and test the image afterwards. One choice is offered per release that every affected image is published for, releases already used by other stages first. No fix is offered when an image is pinned by digest, when the tag is patch-level (`3.8.12-slim-buster`), when the release sits in an `ARG`, or when no supported release has images for that Python minor (for example 3.6): upgrade Python first (PYD103).',
    references: [
      'https://wiki.debian.org/LTS',
      'https://www.debian.org/releases/',
      'https://hub.docker.com/_/python#image-variants',
      'https://github.com/docker-library/python/blob/master/versions.json',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    const sites = releaseSites(model);
    const flagged = sites.filter((s) => judge(s.release, env.today) !== null);
    if (flagged.length === 0) return;
    const fixes = moveFixes(model, flagged, sites, env.today);
    for (const s of flagged) {
      const verdict = judge(s.release, env.today);
      if (!verdict) continue;
      const range = codenameRange(s.site, s.release.codename);
      const python = s.image.isPython ? ', and the official python images are no longer published for it' : '';
      ctx.report({
        range: model.text.rangeOf(range.start, range.end),
        message:
          verdict === 'warning'
            ? `Debian ${s.release.version} "${s.release.codename}" reached the end of its security support on ${s.release.supportEnds}: no more security updates for its packages`
            : `Debian ${s.release.version} "${s.release.codename}" only gets long-term (LTS) security updates until ${s.release.supportEnds}${python}`,
        severity: verdict,
        fixes,
      });
    }
  },
});

/**
 * warning once the release's LTS has ended; info while it is in LTS but no longer among the
 * releases the current python images are built for; null for supported releases.
 */
function judge(release: DebianRelease, today: string): Severity | null {
  if (release.supportEnds < today) return 'warning';
  return PUBLISHED_DEBIAN.includes(release.codename) ? null : 'info';
}

/** Every stage whose base image names a known Debian release. */
function releaseSites(model: DocumentModel): ReleaseSite[] {
  const out: ReleaseSite[] = [];
  for (const stage of model.stages) {
    const image = stage.image;
    if (!image || image.unresolved) continue;
    const site = imageSite(model.text, stage.from, model.escapeChar);
    if (!site) continue;
    const found = image.isPython ? pythonRelease(image) : debianImageRelease(image);
    if (found) out.push({ image, site, ...found });
  }
  return out;
}

function pythonRelease(image: ImageRef): Omit<ReleaseSite, 'image' | 'site'> | null {
  const tag = image.python;
  if (!tag || tag.libc !== 'glibc' || tag.codename === null) return null;
  const release = debianRelease(tag.codename);
  if (!release) return null;
  // Patch-level tags exist only for the releases current when that patch came out.
  const patchLevel = tag.minor !== null && tag.version !== tag.minor;
  const minor = supportMinor(tag) ?? NEWEST_STABLE_MINOR;
  const targets = patchLevel ? [] : (imageCodenames(minor)?.debian ?? []);
  const rc = hasRcSuffix(image.tag);
  return {
    release,
    targets,
    retag: (codename) => (patchLevel ? null : withTag(image.raw, formatPythonTag({ version: tag.version, rc, variant: tag.variant, codename }))),
  };
}

function debianImageRelease(image: ImageRef): Omit<ReleaseSite, 'image' | 'site'> | null {
  if (image.name !== 'debian' || (image.registry !== null && !DOCKER_HUB.has(image.registry.toLowerCase()))) return null;
  const m = DEBIAN_TAG_RE.exec(image.tag ?? '');
  const release = m?.[1] !== undefined ? debianRelease(m[1]) : undefined;
  if (!m || !release) return null;
  const slim = m[2] ?? '';
  return { release, targets: PUBLISHED_DEBIAN, retag: (codename) => withTag(image.raw, `${codename}${slim}`) };
}

/**
 * The document span of the release name in the written text after the last variable (the
 * tag of `python:${PY}-slim-buster` too), else the whole reference.
 */
function codenameRange(site: ImageSite, codename: string): { start: number; end: number } {
  const tail = site.tail;
  const matches = tail ? [...tail.text.matchAll(new RegExp(`(?<=[:-])${codename}(?=$|[-@])`, 'g'))] : [];
  const last = matches[matches.length - 1];
  if (!tail || !last) return { start: site.start, end: site.end };
  const start = tail.start + (last.index ?? 0);
  return { start, end: start + codename.length };
}

/**
 * One fix per supported release that every flagged image is published for, moving all of
 * them at once. Releases already used by the other stages come first, so the file ends up on
 * one release; then the preference order of the images themselves (the default first).
 */
function moveFixes(model: DocumentModel, flagged: readonly ReleaseSite[], all: readonly ReleaseSite[], today: string): Fix[] {
  const first = flagged[0];
  if (!first) return [];
  const usable = (codename: string): boolean => {
    const release = debianRelease(codename);
    return release !== undefined && judge(release, today) === null && flagged.every((s) => s.targets.includes(codename));
  };
  const others = all.filter((s) => !flagged.includes(s)).map((s) => s.release.codename);
  const candidates = [...others, ...first.targets].filter((c, i, list) => list.indexOf(c) === i && usable(c));
  const fixes: Fix[] = [];
  const oldNames = [...new Set(flagged.map((s) => `\`${s.release.codename}\``))];
  for (const codename of candidates) {
    const edits: TextEdit[] = [];
    for (const s of flagged) {
      // A digest keeps selecting the old image whatever the tag says.
      const replacement = s.image.digest === null ? s.retag(codename) : null;
      const edit = replacement !== null ? imageEdit(s.site, s.image.raw, replacement) : null;
      // All or nothing: moving only some stages would split builder and runtime (PYD108).
      if (!edit) return [];
      edits.push(replaceSpan(model, edit.start, edit.end, edit.newText));
    }
    const where = flagged.length > 1 ? ` in ${flagged.length} stages` : '';
    const title = oldNames.length === 1 ? `Replace ${oldNames[0] ?? ''} with \`${codename}\`${where}` : `Move all ${flagged.length} stages to \`${codename}\``;
    fixes.push({ title, applicability: 'unsafe', edits });
  }
  return fixes;
}
