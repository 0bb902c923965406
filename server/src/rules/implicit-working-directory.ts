// PYD411: working-directory hygiene: implicit COPY targets, relative WORKDIR, `cd` in RUN, files in `/`.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { ImageRef } from '../model/image-ref';
import { inStageChain, resolveStageRef, rootStage, stageChainInstructions, stageReferences, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { effectiveWords, programName } from '../shell/query';
import { classifySource, copyOperands, joinPath, normalizePath, relativeWithin, substitute, variableLookupBefore, workdirBefore, type CopyOperands } from './copy-paths';
import { defineRule } from './define-rule';
import { runCommands } from './helpers';
import { insertLinesAfter, replaceSpan } from './edit-helpers';
import type { Fix, RuleContext } from './types';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Official images that set no WORKDIR, so their working directory is `/`. */
const ROOT_WORKDIR_IMAGES = new Set(['python', 'pypy', 'debian', 'ubuntu', 'alpine', 'busybox', 'buildpack-deps']);

/** Archives that ADD unpacks: extracting one into `/` is how some tools are installed. */
const ARCHIVE_RE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst)$/i;

/** Directories where `cd` is part of a throw-away build, not a working directory. */
const TEMP_DIR_RE = /^\/(tmp|var\/tmp|dev\/shm)(\/|$)/;

/** Shells that understand `cd` as POSIX `sh` does. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

function isScratch(image: ImageRef | null): boolean {
  return image !== null && image.name === 'scratch' && image.registry === null;
}

/** True when the stage's base image is known to start in `/` (no WORKDIR of its own). */
function baseStartsAtRoot(stage: Stage): boolean {
  const image = rootStage(stage).image;
  if (!image || image.unresolved) return false;
  if (isScratch(image)) return true;
  if (image.isPython) return image.python === null || (image.python.variant !== 'windowsservercore' && image.python.variant !== 'nanoserver');
  return (image.registry === null || DOCKER_HUB.has(image.registry)) && ROOT_WORKDIR_IMAGES.has(image.name);
}

/** Windows paths (`C:\app`, `c:/app`) are absolute there and out of scope here. */
function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:/.test(path) || path.includes('\\');
}

/** The resolved destination directory of a COPY/ADD when it is `/` itself, else false. */
function copiesIntoRoot(op: CopyOperands, workdir: string | null): boolean {
  if (op.dest.startsWith('/')) return normalizePath(op.dest) === '/';
  return workdir !== null && joinPath(workdir, op.dest) === '/';
}

/**
 * Sources for which `/` is a deliberate destination: a whole file system from another stage
 * (`COPY --from=rootfs / /`), archives ADD unpacks, remote files, and entrypoint scripts.
 */
function rootIsDeliberate(op: CopyOperands): boolean {
  if (op.from !== null) return true;
  if (op.keyword === 'ADD' && op.sources.some((s) => ARCHIVE_RE.test(s) || classifySource(s) === 'remote')) return true;
  return op.sources.every((s) => /\.sh$/.test(s));
}

/** The destination argument of a COPY/ADD, for the finding's range. */
function destinationRange(info: InstructionInfo): InstructionInfo['range'] {
  const args = info.node.getArguments();
  return args[args.length - 1]?.getRange() ?? info.range;
}

/** How a COPY/ADD leaves its files: straight in `/`, relative to the base image's directory, or neither. */
type CopyFinding = { kind: 'root' | 'relative'; op: CopyOperands };

/** The PYD411 finding of a COPY/ADD, if it has one (variant (d) `root`, variant (a) `relative`). */
function copyFinding(model: DocumentModel, stage: Stage, info: InstructionInfo): CopyFinding | null {
  const op = copyOperands(model, info);
  if (!op || op.unresolved || isWindowsPath(op.dest)) return null;
  const state = workdirBefore(model, info);
  const known = state !== null && (!state.fromImage || baseStartsAtRoot(stage));
  if (copiesIntoRoot(op, known && state ? state.dir : null)) return rootIsDeliberate(op) ? null : { kind: 'root', op };
  if (!op.dest.startsWith('/') && state !== null && state.fromImage) return { kind: 'relative', op };
  return null;
}

function checkCopy(ctx: RuleContext, stage: Stage, info: InstructionInfo, appDirFix: (stage: Stage) => Fix | null): void {
  const found = copyFinding(ctx.model, stage, info);
  if (!found) return;
  const { op } = found;
  const fix = appDirFix(stage);
  const fixes = fix ? [fix] : [];
  if (found.kind === 'root') {
    ctx.report({
      range: destinationRange(info),
      message: `\`${op.keyword}\` puts these files directly into \`/\`, among the operating system's directories; copy them into an application directory such as \`/app\``,
      fixes,
    });
    return;
  }
  ctx.report({
    range: destinationRange(info),
    message: `\`${op.keyword}\` to the relative destination \`${op.dest}\` with no \`WORKDIR\` in this stage: where the files land depends on the base image`,
    fixes,
  });
}

/** The directory the unsafe fix gives the application. */
const APP_DIR = '/app';

/** `/app` as a path of its own (`/app`, `/app/x`, `"/app"`), not `/apps` or `/application`. */
const NAMES_APP_DIR_RE = /\/app(?![\w.-])/;

/**
 * Top-level directories of a Linux file system: absolute paths under them do not point at what
 * a relative COPY put into `/`, so they stay right when the application moves to `/app`.
 */
const STANDARD_TOP_DIRS = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var']);

/**
 * Absolute paths in an instruction's text: a `/` that does not continue a word, a relative path,
 * a variable or a URL (`a/b`, `./x`, `~/x`, `$HOME/x`, `https://host/x`), up to a separator.
 */
const ABSOLUTE_PATH_RE = /(?<![\w.~}\/-])\/(?!\/)([^\s"'`:;,=()[\]{}|&<>\\]*)/g;

/** `find /` searches the whole file system, `/app` included: the one bare `/` that is no reference. */
const FIND_ROOT_RE = /\bfind\s+$/;

/**
 * True when an instruction's text names a path that may be what the relative copies put into
 * `/` (`/requirements.txt`, `/.venv/bin`, `/static`): outside the standard top-level directories,
 * or built from a variable we cannot read (`/${DIR}`). A bare `/` counts too: `cd /`,
 * `PYTHONPATH=/`, or a script copied to `/` that stays there while the relative paths move.
 */
function namesPathInRoot(text: string): boolean {
  for (const m of text.matchAll(ABSOLUTE_PATH_RE)) {
    const first = (m[1] ?? '').split('/')[0] ?? '';
    if (first === '' && FIND_ROOT_RE.test(text.slice(0, m.index))) continue;
    if (first === '' || first.includes('$') || !STANDARD_TOP_DIRS.has(first)) return true;
  }
  return false;
}

/** Names declared by `ARG NAME` without a default: their value comes from the build and is unknown. */
function argsWithoutDefault(infos: readonly InstructionInfo[]): string[] {
  const names: string[] = [];
  for (const info of infos) {
    if (info.keyword !== 'ARG') continue;
    for (const arg of info.node.getArguments()) if (!arg.getValue().includes('=')) names.push(arg.getValue());
  }
  return names;
}

/** The text of an instruction that may name paths in the image (COPY/ADD: the destination only). */
function pathText(model: DocumentModel, info: InstructionInfo): string | null {
  switch (info.keyword) {
    case 'FROM':
    case 'LABEL':
    case 'MAINTAINER':
    case 'EXPOSE':
    case 'STOPSIGNAL':
    case 'USER':
      return null;
    case 'COPY':
    case 'ADD': {
      // Sources are build-context paths, or paths of another stage or image the fix does not
      // move; only the destination is a path of this stage.
      const args = info.node.getArguments();
      return args[args.length - 1]?.getValue() ?? null;
    }
    default: {
      const keywordEnd = info.node.getInstructionRange().end;
      return model.content.slice(model.text.offsetAt(keywordEnd), info.end);
    }
  }
}

/**
 * True for an archive that ADD unpacks, or a whole file system copied from elsewhere, to a
 * relative destination that is `/` now: that is how tools are installed into `/`, and `WORKDIR
 * /app` would unpack it into `/app` instead. (With an explicit `/` it stays where it is.)
 */
function unpacksIntoRoot(model: DocumentModel, info: InstructionInfo): boolean {
  const op = copyOperands(model, info);
  if (!op || op.dest.startsWith('/')) return false;
  if (op.keyword === 'ADD' && op.sources.some((s) => ARCHIVE_RE.test(s))) return true;
  return op.from !== null && op.sources.some((s) => normalizePath(s) === '/');
}

/** The stage and every stage built on it through `FROM <stage>`, in file order. */
function stageFamily(model: DocumentModel, top: Stage): Stage[] {
  return model.stages.filter((s) => inStageChain(top, s));
}

/**
 * The unsafe fix of variants (a)/(d): `WORKDIR /app` after the FROM of the topmost stage of the
 * chain, and `./` for the explicit `/` destinations of the flagged copies. It is built per chain
 * (not per stage) so that a stage and the stages built on it share one fix: fix-all then adds one
 * `WORKDIR`, not one per stage. Null when any condition of the rule's fixSafety fails.
 */
function appDirFixFor(model: DocumentModel, top: Stage): Fix | null {
  // 1. The base starts in `/`, and no stage of the family sets a WORKDIR (the chain above `top`
  //    is `top` itself: it is the chain's topmost stage). Scratch stages are not flagged anyway.
  if (!baseStartsAtRoot(top) || isScratch(top.image)) return null;
  const family = stageFamily(model, top);
  const instructions = family.flatMap((s) => s.instructions);
  if (instructions.some((i) => i.keyword === 'WORKDIR' || i.keyword === 'ONBUILD')) return null;
  // 4. `/app` named anywhere: it may be where the application is expected, or exist already.
  if (NAMES_APP_DIR_RE.test(model.content)) return null;
  // 2. No stage copies from or mounts a stage of the family: its paths are read from `/`.
  for (const stage of model.stages) {
    for (const ref of stageReferences(stage)) {
      // `--from=$BUILDER` may name a stage of the family.
      if (ref.includes('$')) return null;
      const target = resolveStageRef(model.stages, ref, stage.index);
      if (target && family.includes(target)) return null;
    }
  }
  // 3. No instruction of the family (nor a global ARG) names a path the copies may have made.
  const globals = model.instructions.filter((i) => i.stage === null);
  const scanned = [...globals, ...instructions];
  const unknown = argsWithoutDefault(scanned);
  const roots: InstructionInfo[] = [];
  for (const info of scanned) {
    const text = pathText(model, info);
    if (text === null) continue;
    if (unknown.some((name) => text.includes(`$${name}`) || text.includes(`\${${name}`))) return null;
    if ((info.keyword === 'COPY' || info.keyword === 'ADD') && info.stage) {
      if (unpacksIntoRoot(model, info)) return null;
      const found = copyFinding(model, info.stage, info);
      // `COPY x ..` or `COPY x ../lib` leaves `/app` again: those files would not move with the rest.
      if (found && !found.op.dest.startsWith('/') && found.op.dest.split('/').includes('..')) return null;
      // The flagged copies into `/` move with the fix; any other destination is judged as a path.
      if (found?.kind === 'root' && found.op.dest.startsWith('/')) {
        roots.push(info);
        continue;
      }
    }
    if (namesPathInRoot(text)) return null;
  }
  const flagged = instructions.some((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.stage && copyFinding(model, i.stage, i)?.kind === 'root');
  if (!flagged) return null;
  const edits = [insertLinesAfter(model, top.fromInfo, [`WORKDIR ${APP_DIR}`])];
  for (const info of roots) {
    const args = info.node.getArguments();
    const dest = args[args.length - 1];
    // Only a literal `/` is rewritten; a variable that resolves to `/` is left to the author.
    if (!dest || !/^\/+$/.test(model.text.slice(dest.getRange()))) return null;
    edits.push(replaceSpan(model, model.text.offsetAt(dest.getRange().start), model.text.offsetAt(dest.getRange().end), './'));
  }
  return { title: `Add \`WORKDIR ${APP_DIR}\` so the application gets a directory of its own`, applicability: 'unsafe', edits };
}

/** The absolute rewrite of a relative WORKDIR, when the directory before it is known. */
function absoluteWorkdirFix(model: DocumentModel, stage: Stage, info: InstructionInfo, raw: string): Fix[] {
  const state = workdirBefore(model, info);
  if (!state || (state.fromImage && !baseStartsAtRoot(stage)) || raw.includes('$')) return [];
  const arg = info.node.getArguments()[0];
  if (!arg || info.node.getArguments().length !== 1 || arg.getRange().start.line !== arg.getRange().end.line) return [];
  const absolute = joinPath(state.dir, raw);
  return [
    {
      title: `Write the absolute path \`${absolute}\``,
      applicability: 'safe',
      edits: [replaceSpan(model, model.text.offsetAt(arg.getRange().start), model.text.offsetAt(arg.getRange().end), absolute)],
    },
  ];
}

function checkWorkdir(ctx: RuleContext, stage: Stage, info: InstructionInfo): void {
  const { model } = ctx;
  const raw = (info.node.getArgumentsContent() ?? '').trim();
  if (raw === '' || /["'\s]/.test(raw) || isWindowsPath(raw)) return;
  // Without a `$` there is nothing to substitute (and no lookup to build).
  const value = raw.includes('$') ? substitute(raw, variableLookupBefore(model, info)) : raw;
  // An unresolved variable may well hold an absolute path.
  if (value.includes('$') || value.startsWith('/')) return;
  const arg = info.node.getArguments()[0];
  ctx.report({
    range: arg?.getRange() ?? info.range,
    message: `Relative \`WORKDIR ${raw}\` depends on the working directory before it; use an absolute path`,
    fixes: absoluteWorkdirFix(model, stage, info, raw),
  });
}

/** True when the stage runs RUN through a shell other than a POSIX one (PowerShell, cmd). */
function hasForeignShell(model: DocumentModel, stage: Stage): boolean {
  // Most files have no SHELL at all: the model's keyword index says so without a walk of the chain.
  if (model.byKeyword('SHELL').length === 0) return false;
  return stageChainInstructions(stage).some((i) => {
    if (i.keyword !== 'SHELL') return false;
    const first = (i.node as unknown as { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings?.()[0]?.getJSONValue() ?? '';
    const name = first.slice(first.lastIndexOf('/') + 1);
    return !model.isExecForm(i) || !POSIX_SHELLS.has(name);
  });
}

/** The directory argument of `cd`, or null for `cd`, `cd -`, options and command substitution. */
function cdTarget(command: SimpleCommand): Word | null {
  const words = effectiveWords(command);
  const target = words[1];
  if (!target || words.length !== 2 || target.value === '-' || target.value.startsWith('-')) return null;
  if (/\$\(|`/.test(target.raw)) return null;
  return target;
}

/**
 * True when the RUN leaves the directory again or deletes it: a temporary build tree
 * (`cd /src/x && make install && cd / && rm -rf /src/x`) that WORKDIR would keep around.
 */
function isThrowAway(script: ShellScript, command: SimpleCommand, target: string): boolean {
  for (const later of script.commands.slice(command.index + 1)) {
    const name = programName(later);
    if (name === 'cd' || name === 'pushd' || name === 'popd') return true;
    if (name === 'rm') {
      const removed = effectiveWords(later).slice(1).filter((w) => !w.value.startsWith('-'));
      if (removed.some((w) => relativeWithin(target, w.value) !== null || normalizePath(w.value) === normalizePath(target))) return true;
    }
  }
  return false;
}

/** The absolute directory a `cd` switches to, when the directory it starts from is known. */
function absoluteCdTarget(model: DocumentModel, stage: Stage, info: InstructionInfo, script: ShellScript, command: SimpleCommand, target: Word): string | null {
  if (target.hasExpansion) return null;
  if (target.value.startsWith('/')) return normalizePath(target.value);
  if (script.commands.slice(0, command.index).some((c) => ['cd', 'pushd', 'popd'].includes(programName(c)))) return null;
  const state = workdirBefore(model, info);
  if (!state || (state.fromImage && !baseStartsAtRoot(stage))) return null;
  return joinPath(state.dir, target.value);
}

function checkCd(ctx: RuleContext, stage: Stage): void {
  const { model } = ctx;
  if (hasForeignShell(model, stage)) return;
  for (const { info, script, command } of runCommands(model, stage)) {
    // A `cd` inside `( … )` or an if/for block is scoped on purpose, or not understood.
    if (script.opaque.length > 0 || command.depth !== 0 || command.negated || programName(command) !== 'cd') continue;
    const target = cdTarget(command);
    if (!target || TEMP_DIR_RE.test(target.value) || isThrowAway(script, command, target.value)) continue;
    const last = command.index === script.commands.length - 1;
    if (!last && command.connector !== '&&' && command.connector !== ';') continue;
    const dir = absoluteCdTarget(model, stage, info, script, command, target);
    const workdir = dir === null ? '`WORKDIR`' : `\`WORKDIR ${dir}\``;
    ctx.report({
      range: model.text.rangeOf(command.start, command.end),
      message: last
        ? `\`cd\` at the end of a \`RUN\` does not carry over to later instructions; use ${workdir}`
        : `\`cd\` sets the directory for this \`RUN\` only; use ${workdir} so every later instruction runs there`,
    });
  }
}

export default defineRule({
  code: 'PYD411',
  name: 'implicit-working-directory',
  title: 'Set an absolute `WORKDIR` for the application',
  category: 'runtime',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL3000', 'DL3003', 'DL3045'],
  docs: {
    whatItDoes:
      'Flags four ways of leaving the working directory implicit: a `COPY`/`ADD` to a relative destination when no `WORKDIR` was set in the stage (or the stages it is built `FROM`); files copied straight into `/` (`COPY . .` on a python image without `WORKDIR`, `COPY poetry.lock pyproject.toml /`); a relative `WORKDIR`; and `cd` used in a `RUN` to set the directory for the commands after it. ' +
      'Entrypoint scripts copied to `/`, whole file systems copied from another stage, archives that `ADD` unpacks into `/`, `FROM scratch` stages, and `cd` into a temporary directory that the same `RUN` leaves or deletes again are not flagged. ' +
      'A relative `WORKDIR` is rewritten to its absolute path when the directory before it is known (an earlier `WORKDIR`, or `/` on official python, Debian, Ubuntu and Alpine images). ' +
      'Files copied into `/` (by a relative or an explicit `/` destination) get an unsafe fix that adds `WORKDIR /app` after the `FROM` and writes `./` for the explicit `/` destinations, offered only when no instruction could still look for the files in `/` (see fix safety); `cd` has no automatic fix.',
    whyItMatters:
      'Copying into `/` mixes the application with the operating system\'s directories (`/bin`, `/etc`, `/lib`, …) and makes every path in `CMD` implicit; a Poetry venv ends up as `/.venv`. ' +
      'Relative destinations and relative `WORKDIR`s depend on the base image\'s working directory, which can change upstream without notice (BuildKit\'s `WorkdirRelativePath` check). ' +
      'A `cd` only lasts until the end of its `RUN`: the next instruction starts in the `WORKDIR` again, so `RUN cd /app` alone does nothing and `RUN cd /app && …` hides the directory from readers; `WORKDIR` sets it for every later `RUN`, `COPY`, `CMD` and `ENTRYPOINT` and creates it if needed.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "main.py"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "main.py"]',
    fixSafety:
      'Rewriting a relative `WORKDIR` to the absolute path it already resolves to is safe. ' +
      'Adding `WORKDIR /app` is unsafe: the files of `COPY . .` and `COPY requirements.txt /` land in `/app` instead of `/`, and every later `RUN`, `CMD`, `ENTRYPOINT` and `HEALTHCHECK` (also in stages built on this one) runs in `/app`. ' +
      'Relative paths move along, but code that opens an absolute path such as `/config.yaml` or `/.venv/bin/python`, or a runtime `-e`/`-v` that points into `/`, no longer finds its file. ' +
      'It is therefore offered only when the base image is known to start in `/`; no `WORKDIR` or `ONBUILD` is in the stage, the stages it is built on or the stages built on it; no other stage copies from or mounts any of them; `/app` is named nowhere in the file; ' +
      'and no instruction of these stages names an absolute path outside the standard top-level directories (`/etc`, `/usr`, `/opt`, `/root`, `/tmp`, …), names `/` itself (`cd /`, `PYTHONPATH=/`, a script copied to `/` that would stay behind; `find /` excepted), reads an `ARG` without a default, or unpacks an archive or a whole file system relative to `/`. ' +
      'One fix covers the chain: fix-all adds a single `WORKDIR`. In Optimize it is the decision `fix:PYD411`, ticked by default, which allows the final image\'s working directory to move from `/` to `/app`.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#workdir',
      'https://docs.docker.com/build/building/best-practices/#workdir',
      'https://docs.docker.com/reference/build-checks/workdir-relative-path/',
      'https://github.com/hadolint/hadolint/wiki/DL3000',
      'https://github.com/hadolint/hadolint/wiki/DL3003',
      'https://github.com/hadolint/hadolint/wiki/DL3045',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // The instructions judged, from the model's keyword index: walking every instruction of
    // every stage to find them cost more than judging them. (Findings are sorted by position.)
    // One fix per chain, built on the first finding that asks for it and shared by the others.
    const fixes = new Map<Stage, Fix | null>();
    const appDirFix = (stage: Stage): Fix | null => {
      const top = rootStage(stage);
      let fix = fixes.get(top);
      if (fix === undefined) fixes.set(top, (fix = appDirFixFor(model, top)));
      return fix;
    };
    for (const info of model.byKeyword('COPY')) if (info.stage && !isScratch(rootStage(info.stage).image)) checkCopy(ctx, info.stage, info, appDirFix);
    for (const info of model.byKeyword('ADD')) if (info.stage && !isScratch(rootStage(info.stage).image)) checkCopy(ctx, info.stage, info, appDirFix);
    for (const info of model.byKeyword('WORKDIR')) if (info.stage) checkWorkdir(ctx, info.stage, info);
    for (const stage of model.stages) checkCd(ctx, stage);
  },
});
