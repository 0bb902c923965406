// PYD108: a Python environment copied between stages whose interpreter, C library or path differ.
import { DISTROLESS_PYTHON, distrolessPython } from '../knowledge/base-images';
import { impliedCodename, supportMinor } from '../knowledge/image-info';
import { NEWEST_STABLE_MINOR } from '../knowledge/python-releases';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { formatPythonTag, imageSite, parseImageRef, withTag, type ImageRef, type PythonTag } from '../model/image-ref';
import { resolveStageRef, rootStage, stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import { pipInstall } from '../shell/pip';
import type { SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords } from '../shell/query';
import { copyOperands, isGlob, joinPath, lastSegment, normalizePath, relativeWithin, workdirBefore, type CopyOperands } from './copy-paths';
import { defineRule } from './define-rule';
import { imageReferenceFix, replaceSpan } from './edit-helpers';
import type { Fix, RuleContext } from './types';
import { venvCreateDir } from './venv-activation-in-run';
import { projectMinor } from './workspace-helpers';
import { changesDirectoryBefore, parsedRuns } from './run-scripts';

/** What an image offers a copied environment: interpreter minor, C library, Debian release. */
interface Profile {
  ref: ImageRef;
  /** The reference without digest, for messages. */
  label: string;
  kind: 'python' | 'distroless';
  /** `X.Y`; for a tag without minor, what it resolves to today (`floating`). */
  minor: string;
  floating: boolean;
  libc: 'glibc' | 'musl';
  /** The Debian (or Alpine) release named by the tag, or null. */
  codename: string | null;
  /** For a tag without release: what it resolves to, and whether it still moves. */
  implied: { codename: string; frozen: boolean } | null;
  /** The python tag, for building a new one (official images only). */
  tag: PythonTag | null;
}

/** `venv`: the root of a virtual environment; `packages`: installed packages without the venv around them. */
type EnvKind = 'venv' | 'packages';

interface CopySite {
  info: InstructionInfo;
  op: CopyOperands;
  /** Stage Y, where the COPY is. */
  stage: Stage;
  /** Stage X named by `--from`, or null when `--from` names an image. */
  source: Stage | null;
}

const VENV_PATHS = ['/opt/venv', '/venv'];

export default defineRule({
  code: 'PYD108',
  name: 'incompatible-environment-copy',
  title: 'Copy Python environments only between matching images and to the same path',
  category: 'base-image',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Looks at every `COPY --from=<stage or image>` whose source is a Python environment: a virtual environment created in that stage (`python -m venv DIR`, `virtualenv DIR`, `uv venv DIR`), any `*/.venv`, `/opt/venv`, `/venv`, a `*/site-packages` directory, `/usr/local/lib/python3.*`, `/root/.local`, or a `pip install --prefix`/`--target` directory. It compares the base images of both stages (official python images and distroless python). An error when (a) the Python minors differ (`python:3` counts as the minor it means today), (b) one side uses musl (Alpine) and the other glibc, or (d) a virtual environment is copied to a different path; a warning when (c) the Debian releases differ, or only one side names a release (`3.12-slim` moves to each new Debian release, `3.12-slim-bookworm` does not). Environments of unknown images, and venvs created with another interpreter than the image\'s (`uv venv --python 3.11`, `virtualenv -p …`), are not compared.',
    whyItMatters:
      'Compiled extensions are built for one CPython ABI (`cpython-312-x86_64-linux-gnu`) and one C library, so a venv built on 3.12 does not import on 3.11, and a musl build does not load on glibc. Virtual environments are not relocatable: the shebang of every console script (`#!/opt/venv/bin/python`) and the `activate` scripts hold the absolute path the venv was created at, so gunicorn or uvicorn fail with "no such file or directory" at a new path. A newer or older glibc or missing shared libraries break extensions built on another Debian release, which is why uv\'s Docker example insists that the final image match the builder\'s Python, and distroless warns against copying 3.12 packages into its Debian-provided 3.11.',
    example:
      'FROM python:3.12-slim-bookworm AS builder\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask==3.0.3\n\nFROM python:3.11-slim-bookworm\nCOPY --from=builder /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCMD ["flask", "run"]',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask==3.0.3\n\nFROM python:3.12-slim-bookworm\nCOPY --from=builder /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCMD ["flask", "run"]',
    fixSafety:
      'Changing an image tag changes the interpreter or operating system of that stage: code that relied on the old Python minor or Debian release may need changes, and packages installed with `apt-get` may have other names. The first choice makes the receiving stage use the same minor and release as the stage that built the environment (keeping its `-slim` or full variant), the second changes the building stage instead; when the build context says which minor the project targets (`.python-version`, or `requires-python` in `pyproject.toml`) and that is the receiving stage\'s minor, the building stage is changed first; for distroless the matching distroless image is chosen when there is one (3.11 for debian12, 3.13 for debian13). For a relocated venv the fix copies it to its original path and updates `ENV PATH`/`VIRTUAL_ENV`; it is not offered when other instructions of the stage refer to the old path.',
    references: [
      'https://docs.python.org/3/library/venv.html#how-venvs-work',
      'https://github.com/astral-sh/uv-docker-example/blob/main/multistage.Dockerfile',
      'https://github.com/GoogleContainerTools/distroless/blob/main/python3/README.md',
      'https://peps.python.org/pep-0656/',
      'https://docs.docker.com/build/building/multi-stage/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // The environments each source stage creates, read once per check: several COPYs often name one builder.
    // Made on the first COPY from another stage (most files have none or one).
    let dirsOf: Map<Stage, EnvironmentDirs> | undefined;
    // The COPYs from the model's keyword index, in document order (stage by stage): walking
    // every instruction of every stage to find them cost more than judging them.
    for (const info of model.byKeyword('COPY')) {
      const stage = info.stage;
      if (stage === null) continue;
      const op = copyOperands(model, info);
      if (!op || op.from === null || op.unresolved || op.from.includes('$')) continue;
      const source = resolveStageRef(model.stages, op.from, stage.index);
      // An unknown stage index or name is Docker's error to report, not an image reference.
      if (!source && (/^\d+$/.test(op.from) || (!op.from.includes(':') && !op.from.includes('/')))) continue;
      checkCopy(ctx, { info, op, stage, source }, (dirsOf ??= new Map()));
    }
  },
});

function checkCopy(ctx: RuleContext, site: CopySite, dirsOf: Map<Stage, EnvironmentDirs>): void {
  const { model } = ctx;
  const dirs = site.source ? environmentDirsOf(model, site.source, dirsOf) : { venvs: [], installs: [], foreign: [] };
  const envSources: { written: string; index: number; path: string; kind: EnvKind }[] = [];
  site.op.sources.forEach((written, index) => {
    if (isGlob(written)) return;
    const path = joinPath('/', written);
    const kind = envKind(path, dirs.venvs, dirs.installs);
    if (kind !== null) envSources.push({ written, index, path, kind });
  });
  const first = envSources[0];
  if (!first) return;
  const sourceRoot = site.source ? rootStage(site.source) : null;
  const sourceImage = sourceRoot ? sourceRoot.image : parseImageRef(site.op.from ?? '');
  const targetRoot = rootStage(site.stage);
  const from = profileOf(sourceImage);
  const to = profileOf(targetRoot.image);
  // The arguments are only read for a finding: most environment COPYs are fine.
  const argRange = (index: number): TextEdit['range'] => (site.info.node.getArguments()[index] ?? site.info.node).getRange();
  // A venv on another interpreter than the image's says nothing about the image's Python.
  const foreign = dirs.foreign.some((d) => relativeWithin(first.path, d) !== null);
  if (from && to && sourceRoot !== targetRoot && !foreign) {
    const problem = compare(from, to);
    if (problem) {
      const fixes: Fix[] = [];
      const runtime = retagFix(model, targetRoot, to, from, 'this stage', sourceLabel(site));
      const builder = sourceRoot && from.kind === 'python' ? retagFix(model, sourceRoot, from, to, `\`${stageName(sourceRoot)}\``, 'this stage') : null;
      // The project's own minor (`.python-version`, `requires-python`) decides which side to move.
      const project = from.minor !== to.minor ? projectMinor(ctx.workspace, ctx.env.today) : null;
      const projectSide = project && (project.minor === to.minor || project.minor === from.minor) ? project : null;
      const order = problem.pinSource || (projectSide !== null && projectSide.minor === to.minor) ? [builder, runtime] : [runtime, builder];
      for (const f of order) if (f) fixes.push(f);
      ctx.report({
        range: argRange(first.index),
        message: problem.message(`\`${first.written}\``) + (projectSide ? `; the project asks for Python ${projectSide.minor} (${projectSide.source})` : ''),
        severity: problem.severity,
        fixes,
      });
    }
  }
  for (const s of envSources) {
    if (s.kind !== 'venv') continue;
    const relocated = relocation(model, site, s.path);
    if (!relocated) continue;
    const fix = site.op.sources.length === 1 ? relocationFix(model, site, s.path, relocated) : null;
    ctx.report({
      range: argRange(site.op.sources.length),
      message: `The virtual environment \`${s.path}\` is copied to \`${relocated}\`: its console scripts start with \`#!${s.path}/bin/python\` and its \`activate\` scripts name that path, so they break at the new one`,
      severity: 'error',
      fixes: fix ? [fix] : [],
    });
  }
}

/** Environment directories of a stage chain: venvs, install targets, and venvs on another interpreter. */
interface EnvironmentDirs {
  venvs: string[];
  installs: string[];
  foreign: string[];
}

/** {@link environmentDirs} of a stage, computed once per check (read only). */
function environmentDirsOf(model: DocumentModel, stage: Stage, dirsOf: Map<Stage, EnvironmentDirs>): EnvironmentDirs {
  let dirs = dirsOf.get(stage);
  if (dirs === undefined) {
    dirs = environmentDirs(model, stage);
    dirsOf.set(stage, dirs);
  }
  return dirs;
}

/**
 * Environment directories a stage (with its ancestors) creates: venvs, pip `--prefix`/`--target`
 * dirs, and venvs made with another interpreter than the image's (`uv venv --python 3.11`,
 * `virtualenv -p …`, `python3.11 -m venv`), which the image comparison cannot judge.
 */
function environmentDirs(model: DocumentModel, stage: Stage): EnvironmentDirs {
  const venvs: string[] = [];
  const installs: string[] = [];
  const foreign: string[] = [];
  for (const { info, script } of parsedRuns(model, stageChainInstructions(stage))) {
    // Indexed, with no closure per command: this walks every RUN of the source stage's chain.
    for (let k = 0; k < script.commands.length; k++) {
      const cmd = script.commands[k] as SimpleCommand;
      // After a `cd` in the same RUN, relative paths mean something else. Asked only when a
      // command creates an environment or installs into a directory (a scan of the commands before it).
      let moved: boolean | undefined;
      const venv = venvCreateDir(cmd);
      const venvDir = venv !== null ? absoluteDir(model, info, (moved ??= changesDirectoryBefore(script, cmd.index)), venv) : null;
      if (venvDir !== null) venvs.push(venvDir);
      if (venvDir !== null && otherInterpreter(cmd)) foreign.push(venvDir);
      const pip = pipInstall(cmd);
      if (!pip) continue;
      for (const target of pip.values('--prefix', '--target', '-t')) {
        const dir = target.includes('$') ? null : absoluteDir(model, info, (moved ??= changesDirectoryBefore(script, cmd.index)), target);
        if (dir !== null) installs.push(dir);
      }
    }
  }
  return { venvs, installs, foreign };
}

/** A directory written in a RUN, made absolute; null when a `cd` before it (`moved`) or an unknown WORKDIR hides where it is. */
function absoluteDir(model: DocumentModel, info: InstructionInfo, moved: boolean, written: string): string | null {
  if (written.startsWith('/')) return normalizePath(written);
  if (moved) return null;
  const wd = workdirBefore(model, info);
  return wd ? joinPath(wd.dir, written) : null;
}

/** `python3.11`: an interpreter of its own minor. */
const VERSIONED_PYTHON_RE = /^python\d+\.\d+$/;
/** `-p`, `-p3.11`, `--python`, `--python=3.11`. */
const PYTHON_OPTION_RE = /^(-p|--python)(=|$)|^-p./;

/** A venv-creating command that names its interpreter: `-p`/`--python`, or `python3.11 -m venv`. */
function otherInterpreter(cmd: SimpleCommand): boolean {
  const words = effectiveWords(cmd);
  if (VERSIONED_PYTHON_RE.test(baseName(words[0]))) return true;
  // Only options can name the interpreter: the other words need no regex.
  for (const w of words) if (w.value.startsWith('-') && PYTHON_OPTION_RE.test(w.value)) return true;
  return false;
}

/** Classifies a copied path (absolute, in the source stage) as a venv root, packages, or neither. */
function envKind(path: string, venvs: readonly string[], installs: readonly string[]): EnvKind | null {
  const p = normalizePath(path);
  const venvRoots = [...venvs, ...VENV_PATHS];
  if (venvRoots.includes(p) || lastSegment(p) === '.venv') return 'venv';
  if (venvRoots.some((d) => relativeWithin(p, d) !== null) || /\/\.venv\//.test(p)) return 'packages';
  if (/(^|\/)site-packages(\/|$)/.test(p) || /^\/usr\/local\/lib\/python3\.\d+(\/|$)/.test(p)) return 'packages';
  if (relativeWithin(p, '/root/.local') !== null) return 'packages';
  return installs.some((d) => relativeWithin(p, d) !== null) ? 'packages' : null;
}

/** The profile of an official python or distroless python image, or null for anything else. */
function profileOf(ref: ImageRef | null): Profile | null {
  if (!ref || ref.unresolved) return null;
  const label = ref.raw.split('@')[0] as string;
  const distroless = distrolessPython(ref);
  if (distroless) {
    return { ref, label, kind: 'distroless', minor: distroless.minor, floating: false, libc: 'glibc', codename: distroless.codename, implied: null, tag: null };
  }
  const tag = ref.python;
  if (!ref.isPython || !tag || tag.variant === 'windowsservercore' || tag.variant === 'nanoserver') return null;
  const minor = supportMinor(tag);
  return {
    ref,
    label,
    kind: 'python',
    minor: minor ?? NEWEST_STABLE_MINOR,
    floating: minor === null,
    libc: tag.libc,
    codename: tag.codename,
    implied: impliedCodename(tag),
    tag,
  };
}

interface Problem {
  severity: 'error' | 'warning';
  message: (what: string) => string;
  /** The source names no release while the target does: pinning the source is the first fix. */
  pinSource: boolean;
}

/** (b) C library, then (a) Python minor, then (c) Debian release; null when compatible. */
function compare(from: Profile, to: Profile): Problem | null {
  if (from.libc !== to.libc) {
    return {
      severity: 'error',
      pinSource: false,
      message: (what) => `${what} was built on ${from.libc} (\`${from.label}\`) but this stage uses ${to.libc} (\`${to.label}\`): compiled extensions will not load`,
    };
  }
  if (from.minor !== to.minor) {
    return {
      severity: 'error',
      pinSource: false,
      message: (what) => `${what} was built for Python ${from.minor} (${describe(from)}) but this stage runs Python ${to.minor} (${describe(to)}): the interpreter and compiled extensions do not match`,
    };
  }
  if (from.libc !== 'glibc') return null;
  const a = from.codename;
  const b = to.codename;
  if (a !== null && b !== null) {
    if (a === b) return null;
    return {
      severity: 'warning',
      pinSource: false,
      message: (what) => `${what} was built on Debian \`${a}\` (\`${from.label}\`) but this stage runs on \`${b}\` (\`${to.label}\`): compiled extensions may need a glibc or libraries it does not have`,
    };
  }
  if (a === null && b === null) return null;
  const [open, pinned] = a === null ? [from, to] : [to, from];
  const implied = open.implied;
  const named = pinned.codename as string;
  // A tag that stopped moving (end-of-life minor) is as good as named.
  if (implied?.frozen && implied.codename === named) return null;
  const differsToday = implied !== null && implied.codename !== named;
  return {
    severity: 'warning',
    pinSource: a === null,
    message: (what) =>
      differsToday
        ? `\`${open.label}\` names no Debian release and means \`${implied.codename}\` today, while \`${pinned.label}\` is on \`${named}\`: ${what} may need a glibc or libraries the other stage does not have`
        : `\`${open.label}\` names no Debian release${implied ? ` (today \`${implied.codename}\`, like \`${pinned.label}\`)` : ''}: when the tag moves, ${what} can end up on a different glibc and libraries`,
  };
}

function describe(p: Profile): string {
  return p.floating ? `\`${p.label}\`, which means ${p.minor} today` : `\`${p.label}\``;
}

function stageName(stage: Stage): string {
  return stage.alias ?? String(stage.index);
}

function sourceLabel(site: CopySite): string {
  return site.source ? `\`${stageName(rootStage(site.source))}\`` : `\`${site.op.from ?? ''}\``;
}

/**
 * Rewrites the image of `root` (profile `own`) to match `other`: same minor and release,
 * keeping a glibc python image's variant (slim or full; Alpine becomes slim), or the
 * distroless image that ships that minor. Null when no such image is known or the edit would
 * reach into an ARG or a digest.
 */
function retagFix(model: DocumentModel, root: Stage, own: Profile, other: Profile, who: string, like: string): Fix | null {
  if (other.floating || own.ref.digest !== null) return null;
  // Alpine releases are not pinned on the other side's behalf: a floating `-alpine` stays floating.
  const codename = other.codename ?? (other.libc === 'glibc' ? (other.implied?.codename ?? null) : null);
  let replacement: string | null = null;
  if (own.kind === 'python' && own.tag) {
    if (other.libc === 'glibc' && codename === null) return null;
    const variant = other.libc === 'musl' ? 'alpine' : own.tag.variant === 'full' ? 'full' : 'slim';
    replacement = withTag(own.ref.raw, formatPythonTag({ version: other.minor, variant, codename }));
  } else if (own.kind === 'distroless' && other.libc === 'glibc') {
    const current = distrolessPython(own.ref);
    const target = DISTROLESS_PYTHON.find((d) => d.minor === other.minor && d.codename === codename);
    if (!current || !target) return null;
    replacement = own.ref.raw.replace(current.name, target.name);
  }
  if (replacement === null || replacement === own.ref.raw) return null;
  const site = imageSite(model.text, root.from, model.escapeChar);
  return site ? imageReferenceFix(model, site, own.ref.raw, replacement, (w) => `Switch ${who} to \`${w}\` to match ${like}`) : null;
}

/** The absolute destination of a venv copied from `source`, when it differs from `source`. */
function relocation(model: DocumentModel, site: CopySite, source: string): string | null {
  const dest = site.op.dest;
  let absolute: string;
  if (dest.startsWith('/')) absolute = normalizePath(dest);
  else {
    const wd = workdirBefore(model, site.info);
    // The base image's own WORKDIR is only known for the official python image (`/`).
    if (!wd || (wd.fromImage && !rootStage(site.stage).image?.isPython)) return null;
    absolute = joinPath(wd.dir, dest);
  }
  return absolute === normalizePath(source) ? null : absolute;
}

/** Characters that continue a path segment: a match must not be part of a longer name. */
const SEGMENT_CHAR = '[A-Za-z0-9_.-]';

/**
 * Copies the venv back to its original path and moves `ENV PATH=<dest>/bin…` and
 * `VIRTUAL_ENV=<dest>` along. Null when anything else in the stage mentions the destination.
 */
function relocationFix(model: DocumentModel, site: CopySite, source: string, dest: string): Fix | null {
  const destArg = site.info.node.getArguments()[site.op.sources.length];
  if (!destArg) return null;
  const edits: TextEdit[] = [replaceSpan(model, model.text.offsetAt(destArg.getRange().start), model.text.offsetAt(destArg.getRange().end), source + (site.op.dest.endsWith('/') ? '/' : ''))];
  const escaped = dest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const absoluteRe = new RegExp(`(?<!${SEGMENT_CHAR}|/)${escaped}(?!${SEGMENT_CHAR})`, 'g');
  const written = normalizePath(site.op.dest);
  const relativeRe = written.startsWith('/') || written === '.' ? null : new RegExp(`(?<!${SEGMENT_CHAR}|/)${written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!${SEGMENT_CHAR})`);
  for (const info of stageChainInstructions(site.stage)) {
    if (info === site.info) continue;
    const bodyStart = info.node.getInstructionRange().end;
    const start = model.text.offsetAt(bodyStart);
    const body = model.content.slice(start, info.end);
    if (relativeRe?.test(body)) return null;
    for (const m of body.matchAll(absoluteRe)) {
      const at = m.index ?? 0;
      const after = body.slice(at + dest.length);
      const before = body.slice(0, at);
      const onPath = /^\/bin(?=$|[:"'\s])/.test(after);
      const virtualEnv = /VIRTUAL_ENV=["']?$/.test(before) && /^(?=$|["'\s])/.test(after);
      if (info.keyword !== 'ENV' || !site.stage.instructions.includes(info) || (!onPath && !virtualEnv)) return null;
      edits.push(replaceSpan(model, start + at, start + at + dest.length, source));
    }
  }
  return { title: `Copy the virtual environment to \`${source}\`, where it was created`, applicability: 'unsafe', edits };
}
