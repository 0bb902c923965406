// PYD207: psycopg2 built without libpq headers, or shipped without libpq; psycopg2-binary in production.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { inStageChain, rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { apkCommand, aptCommand } from '../shell/apt';
import type { SimpleCommand } from '../shell/parser';
import { defineRule } from './define-rule';
import { insertLinesBefore, insertLinesAfter } from './edit-helpers';
import { imageFamily } from './layer-helpers';
import type { Fix, RuleContext } from './types';
import { installedPackages, type InstalledPackage } from './workspace-helpers';
import { parsedRuns } from './run-scripts';

/** Packages that provide `pg_config` and the libpq headers, per package manager. */
const BUILD_PACKAGES = new Set(['libpq-dev', 'postgresql-dev', 'postgresql15-dev', 'postgresql16-dev', 'postgresql17-dev']);
/** Packages that provide the libpq shared library at run time. */
const RUNTIME_PACKAGES = new Set(['libpq5', 'libpq', 'postgresql-libs', ...BUILD_PACKAGES]);

/**
 * System packages installed by apt/apk in a stage chain; with `before`, only those installed
 * before that command (earlier RUNs, and earlier commands of its own RUN).
 */
function systemPackages(model: DocumentModel, stage: Stage, before: { info: InstructionInfo; command: SimpleCommand } | null): Set<string> {
  const names = new Set<string>();
  for (const { info, script } of parsedRuns(model, stageChainInstructions(stage))) {
    if (before && info.index > before.info.index) break;
    for (const cmd of script.commands) {
      if (before && info === before.info && cmd.index >= before.command.index) break;
      const apt = aptCommand(cmd);
      const apk = apkCommand(cmd);
      const packages = apt?.sub === 'install' ? apt.packages : apk?.sub === 'add' ? apk.packages : [];
      for (const p of packages) names.add(p.value.replace(/[=:].*$/, '').replace(/\/.*$/, ''));
    }
  }
  return names;
}

/** Whether a RUN of the stage chain purges or removes the package (`apt-get purge`, `apk del`). */
function removedLater(model: DocumentModel, stage: Stage, name: string): boolean {
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    for (const cmd of script?.commands ?? []) {
      const apt = aptCommand(cmd);
      const apk = apkCommand(cmd);
      const removes = (apt && ['purge', 'remove', 'autoremove'].includes(apt.sub ?? '') ? apt.packages : apk?.sub === 'del' ? apk.packages : []) ?? [];
      if (removes.some((w) => w.value === name)) return true;
    }
  }
  return false;
}

/** The full python image (buildpack-deps) already has `libpq-dev` and a compiler. */
function hasFullImage(stage: Stage): boolean {
  const root = rootStage(stage);
  return root.image?.isPython === true && root.image.python?.variant === 'full';
}

/** The distroless python image has no libpq and no package manager to add it. */
function isDistroless(stage: Stage): boolean {
  const root = rootStage(stage);
  return root.image !== null && /distroless\/python/.test(root.image.raw);
}


const APT_LINE = (packages: string): string => `RUN apt-get update && apt-get install -y --no-install-recommends ${packages} && rm -rf /var/lib/apt/lists/*`;

export default defineRule({
  code: 'PYD207',
  name: 'psycopg2-without-libpq',
  title: 'Build psycopg2 with libpq headers and ship libpq with it',
  category: 'dependencies',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Finds `psycopg2` among the packages the image installs: named on a `pip install` line, listed in a requirements file behind `-r` (with its includes), or a dependency of the project installed with `pip install .`, Poetry, uv, Pipenv or PDM (`pyproject.toml`, `Pipfile` and their lock files). ' +
      'An error when the stage that installs it has no `libpq-dev` (Alpine: `postgresql-dev`), since psycopg2 is published for Linux only as a source distribution that needs `pg_config`; and an error when the final image gets the built package but installs neither `libpq5` nor `libpq-dev` (Alpine: `libpq`), so `import psycopg2` fails at start-up. The full `python` image already has both. ' +
      'As info, a psycopg2 built in the final image with `libpq-dev` that is never purged: the headers ship only for the build. `psycopg2-binary` in an image is reported as info too. Images whose base is neither the official python image nor distroless are not judged.',
    whyItMatters:
      'Building psycopg2 needs a C compiler, the Python headers, the libpq headers and `pg_config`; running it needs the libpq shared library. A slim runtime stage that only copies the virtual environment from a builder has none of them, and the error shows up only when the container starts. psycopg\'s documentation calls `psycopg2-binary` a package for quick starts and advises the source distribution in production: the wheel bundles its own libpq and OpenSSL, which your operating system\'s security updates never patch.',
    example: 'FROM python:3.12-slim-bookworm AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir psycopg2==2.9.10\n\nFROM python:3.12-slim-bookworm\nCOPY --from=builder /opt/venv /opt/venv\nCMD ["/opt/venv/bin/python", "-m", "shop"]',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir psycopg2==2.9.10\n\nFROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY --from=builder /opt/venv /opt/venv\nCMD ["/opt/venv/bin/python", "-m", "shop"]',
    fixSafety:
      'The fixes add an `apt-get install` RUN: `gcc libpq-dev` right before the install that builds psycopg2, or `libpq5` right after the final `FROM`. They are unsafe because they change what the image contains and need network access to the Debian mirror at build time; in a single-stage image the compiler stays in the final image (PYD206 then suggests a builder stage). No fix is offered for Alpine images or for `psycopg2-binary`, where the choice between the wheel and a source build is yours.',
    references: [
      'https://www.psycopg.org/docs/install.html#build-prerequisites',
      'https://www.psycopg.org/docs/install.html#psycopg-vs-psycopg-binary',
      'https://packages.debian.org/bookworm/libpq5',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const seen = new Set<string>();
    for (const pkg of installedPackages(model, workspace)) {
      if (pkg.name !== 'psycopg2' && pkg.name !== 'psycopg2-binary') continue;
      const key = `${pkg.name}|${pkg.site.info.index}|${pkg.site.command.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const stage = pkg.site.stage;
      const reachesFinal = inStageChain(stage, final) || stage.feeds;
      if (pkg.name === 'psycopg2-binary') {
        if (!reachesFinal) continue;
        ctx.report({ range: pkg.range, severity: 'info', message: `${where(pkg)}\`psycopg2-binary\`, which bundles its own libpq and OpenSSL that system security updates do not patch: psycopg advises building \`psycopg2\` from source in production` });
        continue;
      }
      checkPsycopg2(ctx, pkg, final, reachesFinal);
    }
  },
});

function where(pkg: InstalledPackage): string {
  return pkg.from.kind === 'file' ? `\`${pkg.from.path}\` asks for ` : 'This stage installs ';
}

/**
 * The two psycopg2 errors: no `libpq-dev` where it is built (the build fails), or no libpq where
 * it runs (the import fails). Only official python images (Debian or Alpine) and distroless
 * are judged: other bases may bring libpq in ways we cannot see.
 */
function checkPsycopg2(ctx: RuleContext, pkg: InstalledPackage, final: Stage, reachesFinal: boolean): void {
  const { model } = ctx;
  const stage = pkg.site.stage;
  const family = imageFamily(stage);
  const python = (s: Stage): boolean => rootStage(s).image?.isPython === true;
  if (!python(stage) || (family !== 'debian' && family !== 'alpine')) return;
  const before = systemPackages(model, stage, pkg.site);
  const canBuild = hasFullImage(stage) || [...before].some((p) => BUILD_PACKAGES.has(p));
  if (!canBuild) {
    const fixes: Fix[] = family === 'debian' ? [{ title: 'Install `gcc` and `libpq-dev` before this install', applicability: 'unsafe', edits: [insertLinesBefore(model, pkg.site.info, [APT_LINE('gcc libpq-dev')])] }] : [];
    ctx.report({
      range: pkg.range,
      message: `${where(pkg)}\`psycopg2\`, which is built from source, but the stage has no \`${family === 'alpine' ? 'postgresql-dev' : 'libpq-dev'}\` (\`pg_config\` and the libpq headers): the build fails`,
      fixes,
    });
    return;
  }
  if (!reachesFinal) return;
  if (inStageChain(stage, final)) {
    // Built in the final image: it works, but the headers ship only for the build.
    const headers = [...before].find((p) => BUILD_PACKAGES.has(p));
    if (headers !== undefined && !hasFullImage(stage) && !removedLater(model, final, headers)) {
      const library = family === 'alpine' ? 'libpq' : 'libpq5';
      ctx.report({
        range: pkg.range,
        severity: 'info',
        message: `${where(pkg)}\`psycopg2\`, built in the final image with \`${headers}\`: at run time it needs only \`${library}\`, so build it in a builder stage and install just \`${library}\` in the final one`,
      });
    }
    return;
  }
  // Built in a builder and copied: the final image needs the shared library itself.
  if (isDistroless(final)) {
    ctx.report({ range: pkg.range, message: `${where(pkg)}\`psycopg2\`, but the final image is distroless, which has no libpq: \`import psycopg2\` fails at start-up` });
    return;
  }
  const finalFamily = imageFamily(final);
  if (!python(final) || (finalFamily !== 'debian' && finalFamily !== 'alpine') || hasFullImage(final)) return;
  const runtime = systemPackages(model, final, null);
  if ([...runtime].some((p) => RUNTIME_PACKAGES.has(p))) return;
  const library = finalFamily === 'alpine' ? 'libpq' : 'libpq5';
  const fixes: Fix[] = finalFamily === 'debian' ? [{ title: 'Install `libpq5` in the final stage', applicability: 'unsafe', edits: [insertLinesAfter(model, final.fromInfo, [APT_LINE('libpq5')])] }] : [];
  ctx.report({
    range: pkg.range,
    message: `${where(pkg)}\`psycopg2\`, but the final image installs neither \`${library}\` nor \`${finalFamily === 'alpine' ? 'postgresql-dev' : 'libpq-dev'}\`: \`import psycopg2\` fails at start-up`,
    fixes,
  });
}
