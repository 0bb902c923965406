// PYD105: Python dependencies installed on an Alpine (musl) base, where most wheels do not apply.
import { supportMinor } from '../knowledge/image-info';
import { isApkBuildPackage } from '../knowledge/package-maps';
import { DEFAULT_CODENAME, debianRelease, imageCodenames } from '../knowledge/python-releases';
import type { DocumentModel } from '../model/document-model';
import { applyImageEdit, formatPythonTag, hasRcSuffix, imageEdit, imageSite, withTag, type ImageRef } from '../model/image-ref';
import { rootStage, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import { apkCommand } from '../shell/apt';
import { pipInstall } from '../shell/pip';
import type { SimpleCommand } from '../shell/parser';
import { effectiveWords, fullyUnderstood } from '../shell/query';
import { mentionsAlpineTool, translateAlpineScript } from './alpine-helpers';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import { runCommands } from './helpers';
import type { Fix } from './types';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export default defineRule({
  code: 'PYD105',
  name: 'alpine-base-image',
  title: 'Build Python applications on Debian slim rather than Alpine',
  category: 'base-image',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags the `FROM` of an Alpine-based image (`python:3.12-alpine`, or `alpine` with Python installed) when a stage built on it installs Python dependencies (`pip install`, `poetry install`, `pipenv install`/`sync`, `uv sync`). It is a warning when the stages also install a compiler or headers with `apk add` (`build-base`, `gcc`, `musl-dev`, any `*-dev` package), a sign that packages are compiled from source, and info otherwise. The workspace part of the check (dependencies known to lack musl wheels) is not implemented yet. The fix switches every `python:*-alpine` image of the file to `python:X.Y-slim-<release>` and rewrites `apk add`/`apk del` (with `--virtual` groups) and BusyBox `adduser`/`addgroup` to their Debian equivalents; it is offered only when every Alpine-specific command and package is known.',
    whyItMatters:
      'Most wheels on PyPI are built for glibc (manylinux). On musl, pip falls back to source distributions whenever a package has no musllinux wheel, so it needs a compiler and headers and compiles C, C++ or Rust code on every uncached build: measured builds were up to ~50× slower and images ~2× larger than on Debian slim, and one reported build went from over 30 minutes to 1 minute after switching to Debian. Builds of Falcon on aarch64 Alpine took over 20 minutes in 2023. PEP 656 (2021) defined musllinux wheels and cibuildwheel builds them by default since 2.2, so the penalty shrinks, but only for dependencies that publish them. musl also differs from glibc at run time (DNS resolution, thread stack size, performance of the allocator).',
    example: 'FROM python:3.12-alpine\nRUN apk add --no-cache build-base postgresql-dev\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    useInstead:
      'FROM python:3.12-slim-trixie\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'Switching the C library changes the operating system under the application: package names, default users and groups (`nogroup` instead of Alpine\'s), the shell (`dash` instead of BusyBox `ash`), and the image grows by roughly 25 MB compressed before dependencies (which usually shrink, since wheels replace compiled builds). Every `apk` package is translated with a fixed map (`build-base` → `build-essential`, `postgresql-dev` → `libpq-dev`, `jpeg-dev` → `libjpeg62-turbo-dev`, …); when a package is not in the map, or an Alpine-only command cannot be translated (`apk upgrade`, pinned package versions, scripts run through `sh -c`, heredocs), no fix is offered. All `python:*-alpine` stages are switched together so that copied environments keep matching (PYD108). Build and test the image afterwards.',
    references: [
      'https://pythonspeed.com/articles/alpine-docker-python/',
      'https://peps.python.org/pep-0656/',
      'https://cibuildwheel.pypa.io/en/stable/changelog/',
      'https://github.com/falconry/falcon/issues/2145',
      'https://hub.docker.com/_/python#image-variants',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    let fixes: Fix[] | null = null;
    for (const root of model.stages) {
      const image = root.image;
      if (root.parent || !image || image.unresolved || !isAlpineImage(image)) continue;
      const stages = model.stages.filter((s) => rootStage(s) === root);
      if (!stages.some((s) => installsPythonDependencies(model, s))) continue;
      const site = imageSite(model.text, root.from, model.escapeChar);
      if (!site) continue;
      const tools = buildPackages(model, stages);
      const range = site.tag ?? { start: site.start, end: site.end };
      fixes ??= switchFixes(model, env.today);
      ctx.report({
        range: model.text.rangeOf(range.start, range.end),
        message:
          tools.length > 0
            ? `\`${image.raw}\` uses musl libc and the build installs ${tools.map((t) => `\`${t}\``).join(', ')}: packages without musl wheels are compiled from source, which is slow and makes the image larger`
            : `\`${image.raw}\` uses musl libc: Python packages without musl wheels are compiled from source instead of installed from glibc wheels`,
        severity: tools.length > 0 ? 'warning' : 'info',
        fixes: image.isPython ? fixes : [],
      });
    }
  },
});

/** The official python Alpine variants, and the official `alpine` image (Python comes from apk). */
function isAlpineImage(image: ImageRef): boolean {
  if (image.isPython) return image.python?.libc === 'musl';
  const hub = image.registry === null || DOCKER_HUB.has(image.registry.toLowerCase());
  return hub && image.name === 'alpine';
}

/** Whether a stage installs Python packages with pip, uv, Poetry or Pipenv. */
function installsPythonDependencies(model: DocumentModel, stage: Stage): boolean {
  for (const { command } of runCommands(model, stage)) {
    if (pipInstall(command) || projectInstall(command)) return true;
  }
  return false;
}

/** `poetry install|sync`, `pipenv install|sync`, `uv sync`. */
function projectInstall(cmd: SimpleCommand): boolean {
  const words = effectiveWords(cmd).map((w) => w.value);
  const [tool, sub] = [words[0] ?? '', words.slice(1).find((w) => !w.startsWith('-'))];
  if (tool === 'poetry' || tool === 'pipenv') return sub === 'install' || sub === 'sync';
  return tool === 'uv' && sub === 'sync';
}

/** Compilers and headers that `apk add` installs in the stages, in order of appearance. */
function buildPackages(model: DocumentModel, stages: readonly Stage[]): string[] {
  const found: string[] = [];
  for (const stage of stages) {
    for (const { command } of runCommands(model, stage)) {
      const apk = apkCommand(command);
      if (!apk || apk.sub !== 'add') continue;
      for (const w of apk.packages) {
        const name = w.value.replace(/[=~<>].*$/, '');
        if (isApkBuildPackage(name) && !found.includes(name)) found.push(name);
      }
    }
  }
  return found;
}

/**
 * The CONFIRM fix: every root stage on a python Alpine image moves to the slim Debian image of
 * the same version, and every Alpine-only command of the stages built on them is translated.
 * Empty when any part cannot be translated: a half-converted file would not build.
 */
function switchFixes(model: DocumentModel, today: string): Fix[] {
  const roots = model.stages.filter((s) => !s.parent && s.image?.isPython === true && s.image.python?.libc === 'musl');
  const edits: TextEdit[] = [];
  const tags: string[] = [];
  for (const root of roots) {
    const image = root.image as ImageRef;
    const newTag = image.digest === null ? debianTag(image, today) : null;
    const site = imageSite(model.text, root.from, model.escapeChar);
    const edit = newTag !== null && site ? imageEdit(site, image.raw, withTag(image.raw, newTag)) : null;
    if (!edit || !site) return [];
    edits.push(replaceSpan(model, edit.start, edit.end, edit.newText));
    const written = `\`${applyImageEdit(site, edit)}\``;
    if (!tags.includes(written)) tags.push(written);
  }
  for (const stage of model.stages.filter((s) => roots.includes(rootStage(s)))) {
    const virtuals = new Map<string, string[]>();
    for (const info of stage.instructions) {
      const script = info.keyword === 'RUN' ? model.shellOf(info) : null;
      if (!script || !fullyUnderstood(script)) {
        // Exec form, heredocs, SHELL, CMD, …: fine as long as no Alpine tool is named.
        if (mentionsAlpineTool(model.content.slice(info.start, info.end).replace(/^\s*\S+/, ''))) return [];
        continue;
      }
      const spans = translateAlpineScript(script, virtuals);
      if (spans === null) return [];
      // Comment lines inside a continued command would be lost with the text they sit in.
      if (spans.some((span) => /\n[ \t]*#/.test(model.content.slice(span.start, span.end)))) return [];
      for (const s of spans) edits.push(replaceSpan(model, s.start, s.end, s.newText));
    }
  }
  if (edits.length === 0) return [];
  const translated = edits.length > roots.length ? ' and translate the Alpine commands to Debian ones' : '';
  return [{ title: `Switch to ${tags.join(', ')}${translated}`, applicability: 'unsafe', edits }];
}

/**
 * The slim Debian tag of the same version: the minor's default release when it is supported,
 * else its newest supported one. Null for patch-level tags (published only for the releases
 * of their time) and minors without data.
 */
function debianTag(image: ImageRef, today: string): string | null {
  const tag = image.python;
  if (!tag || (tag.minor !== null && tag.version !== tag.minor)) return null;
  const minor = supportMinor(tag);
  const releases = minor === null ? [DEFAULT_CODENAME] : (imageCodenames(minor)?.debian ?? []);
  const codename = releases.find((c) => (debianRelease(c)?.supportEnds ?? '') >= today);
  if (codename === undefined) return null;
  return formatPythonTag({ version: tag.version, rc: hasRcSuffix(image.tag), variant: 'slim', codename });
}
