// PYD406: the app's bytecode is neither precompiled nor writable, so Python recompiles it on every start.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { resolveStageRef, rootStage, stageReferences, type Stage } from '../model/stages';
import { pipInstall } from '../shell/pip';
import { programName } from '../shell/query';
import { classifySource, copyOperands, joinPath, workdirBefore, type CopyOperands } from './copy-paths';
import { defineRule } from './define-rule';
import { instructionSource, insertLinesAfter } from './edit-helpers';
import { removeEnvKeyEdit } from './env-helpers';
import { chainCommands, finalEntry, pythonEntry, valuesOf } from './entrypoint-helpers';
import { flagsOf, runCommands } from './helpers';
import { chainEnv } from './env-helpers';
import type { Fix } from './types';

/** A COPY/ADD and its operands. */
interface CopySite {
  info: InstructionInfo;
  op: CopyOperands;
}

/** What the final stage chain does with the application's code. */
interface CodeFacts {
  /** The last COPY/ADD that brings application code (context, directories, `.py` files). */
  lastSourceCopy: CopySite | null;
  /** A COPY/ADD whose operands could not be read (JSON form, quotes, heredoc). */
  unreadableCopy: boolean;
}

/** Whether a COPY/ADD brings application code rather than manifests or single data files. */
function copiesSources(op: CopyOperands): boolean {
  return op.sources.some((source) => {
    const kind = classifySource(source);
    if (kind === 'context' || kind === 'directory' || kind === 'ambiguous') return true;
    return kind !== 'remote' && /(\.py|\*)$/.test(source);
  });
}

/** Directory names of Python environments: what they hold is compiled by the installer, not application code. */
const ENVIRONMENT_DIRS = new Set(['.venv', 'venv', 'site-packages', 'dist-packages']);

/**
 * Whether a `COPY --from` brings only virtual environments or site-packages (the multi-stage
 * rewrite's `COPY --from=builder /app/.venv …`): pip and uv compile what they install, and
 * such a copy after the sources must not hide the source copy before it.
 */
function copiesEnvironmentOnly(op: CopyOperands): boolean {
  return op.from !== null && op.sources.length > 0 && op.sources.every((source) => ENVIRONMENT_DIRS.has(source.replace(/\/+$/, '').split('/').pop() ?? '') || /\/site-packages(\/|$)/.test(source));
}

function codeFacts(model: DocumentModel, chain: readonly Stage[]): CodeFacts {
  const facts: CodeFacts = { lastSourceCopy: null, unreadableCopy: false };
  // Nested loops rather than a flattened copy of the chain's instructions.
  for (const stage of chain) {
    for (const info of stage.instructions) {
      if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
      const op = copyOperands(model, info);
      if (!op) facts.unreadableCopy = true;
      else if (copiesSources(op) && !copiesEnvironmentOnly(op)) facts.lastSourceCopy = { info, op };
    }
  }
  return facts;
}

/** Markers of a bytecode compilation step in a RUN (also in exec form or heredocs). */
const COMPILE_RE = /compileall|--compile-bytecode|\bUV_COMPILE_BYTECODE=["']?(1|true|yes)\b/i;

/** What every marker of {@link COMPILE_RE} contains. */
const COMPILE_HINT = /compile/i;

/** The text from a stage's FROM up to the next FROM: every instruction of the stage lies in it. */
function stageText(model: DocumentModel, stage: Stage): string {
  const next = model.stages[stage.index + 1];
  return model.content.slice(stage.fromInfo.start, next ? next.fromInfo.start : model.content.length);
}

/** Whether a stage runs a compile step, counting `ENV UV_COMPILE_BYTECODE=1` for later `uv` runs. */
function compileSteps(model: DocumentModel, stage: Stage, after = -1): boolean {
  // One search settles the many stages that never mention compiling, without an instruction walk.
  if (!COMPILE_HINT.test(stageText(model, stage))) return false;
  // Looked up only once a RUN uses uv: most stages never do.
  let compilingEnv: number | undefined;
  for (const info of stage.instructions) {
    if (info.keyword !== 'RUN' || info.index <= after) continue;
    const text = instructionSource(model, info);
    if (COMPILE_RE.test(text)) return true;
    if (/\buv\b/.test(text) && info.index > (compilingEnv ??= firstCompilingEnv(model, stage))) return true;
  }
  return false;
}

/** The index of the stage's first `ENV UV_COMPILE_BYTECODE=1` (or such), or Infinity. */
function firstCompilingEnv(model: DocumentModel, stage: Stage): number {
  return stage.instructions.find((i) => i.keyword === 'ENV' && COMPILE_RE.test(instructionSource(model, i)))?.index ?? Infinity;
}

/** Compile steps in a stage chain, or in the stages it copies files from (their `.pyc` come along). */
function compiledAnywhere(model: DocumentModel, chain: readonly Stage[]): boolean {
  const seen = new Set<Stage>();
  const visit = (stage: Stage): boolean => {
    if (seen.has(stage)) return false;
    seen.add(stage);
    if (compileSteps(model, stage)) return true;
    if (stage.parent && visit(stage.parent)) return true;
    // The first stage has no earlier stage to copy from.
    if (stage.index === 0) return false;
    return stageReferences(stage).some((ref) => {
      const source = resolveStageRef(model.stages, ref, stage.index);
      return source !== null && visit(source);
    });
  };
  return chain.some(visit);
}

/**
 * Whether something after the copy may compile the code or make it writable: an install of the
 * project itself (pip compiles what it installs), `chown`/`chmod`, or a compile step.
 */
function handledAfter(model: DocumentModel, chain: readonly Stage[], copy: InstructionInfo): boolean {
  for (const stage of chain) {
    if (compileSteps(model, stage, copy.index)) return true;
    for (const { info, command } of runCommands(model, stage)) {
      if (info.index <= copy.index) continue;
      const program = programName(command);
      if (program === 'chown' || program === 'chmod') return true;
      if (['uv', 'poetry', 'pipenv', 'pdm', 'hatch'].includes(program) && command.words.some((w) => w.value === 'sync' || w.value === 'install')) return true;
      const pip = pipInstall(command);
      if (pip && (pip.has('-e') || pip.has('--editable') || pip.packages.some((p) => /^(\.|\/|\.\/)/.test(p.value)))) return true;
    }
  }
  return false;
}

/** The user in effect before an instruction of the chain: null for root or the image default. */
function userBefore(chain: readonly Stage[], before: number): string | null {
  let user: string | null = null;
  // The chain is in document order: stop at the first instruction at or after `before`.
  scan: for (const stage of chain) {
    for (const info of stage.instructions) {
      if (info.index >= before) break scan;
      if (info.keyword === 'USER') user = info.node.getArgumentsContent()?.trim() ?? '';
    }
  }
  return user === null || isRoot(user) ? null : user;
}

function isRoot(user: string): boolean {
  const name = user.split(':')[0]?.trim() ?? '';
  return name === 'root' || name === '0';
}

/**
 * `RUN python -m compileall -q <dest>` right after the copy. Offered only in an official python
 * image, for a copy in the final stage made as root (a non-root user could not write the
 * `__pycache__` directories), to a known directory other than `/` (compiling `/` would walk
 * the whole filesystem).
 */
function compileFix(model: DocumentModel, final: Stage, chain: readonly Stage[], copy: CopySite | null): Fix | null {
  if (!copy || copy.op.from !== null || copy.info.stage !== final) return null;
  const image = rootStage(final).image;
  if (!image || !image.isPython || image.unresolved || /windowsservercore|nanoserver/.test(image.tag ?? '')) return null;
  const dest = copy.op.dest;
  if (copy.op.unresolved || /[\s"'\\$]/.test(dest)) return null;
  const workdir = workdirBefore(model, copy.info);
  if (!workdir && !dest.startsWith('/')) return null;
  if (joinPath(workdir?.dir ?? '/', dest) === '/') return null;
  if (userBefore(chain, copy.info.index) !== null) return null;
  const indent = /^[ \t]*/.exec(model.text.lineText(copy.info.range.start.line))?.[0] ?? '';
  const line = `RUN python -m compileall -q ${dest}`;
  return { title: `Add \`${line}\` after the copy`, applicability: 'safe', edits: [insertLinesAfter(model, copy.info, [indent + line])] };
}

export default defineRule({
  code: 'PYD406',
  name: 'bytecode-not-precompiled',
  title: 'Precompile the app when Python cannot write its bytecode at run time',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes: 'Flags two inconsistent bytecode set-ups of the final image. (a) It sets `PYTHONDONTWRITEBYTECODE` and no step compiles bytecode (`python -m compileall`, `compileall.compile_path()`, `--compile-bytecode`, `UV_COMPILE_BYTECODE=1`), neither in its stage chain nor in a stage it copies from: reported as info on the variable. (b) It runs as a non-root user, the last copy of application code (the build context, a directory or `.py` files) is owned by root (no `--chown`) and nothing after it compiles the code, installs the project or changes ownership: reported as a hint on that copy. The fix adds `RUN python -m compileall -q <destination>` right after the copy, in official python images when the copy is made as root; for (a) you may instead remove the variable, offered only when the image runs as root or the code was copied with `--chown` (a non-root user could not write the bytecode next to root-owned code anyway).',
    whyItMatters: 'Python compiles every imported module to bytecode first. `PYTHONDONTWRITEBYTECODE` saves little, since pip writes `.pyc` files for installed packages whatever the variable says, but it means the app\'s own modules, and in the official images the standard library, whose `.pyc` files are deleted when the image is built, are compiled again on every start. A non-root user that cannot write next to root-owned sources has the same problem in every process, gunicorn and celery workers included. The "0 to production-ready" checklist recommends precompiling (`python -m compileall`), and uv documents the start-up gain of bytecode compilation in images.',
    example: 'FROM python:3.12-slim-bookworm\nENV PYTHONDONTWRITEBYTECODE=1\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "myapp"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nENV PYTHONDONTWRITEBYTECODE=1\nWORKDIR /app\nCOPY . .\nRUN python -m compileall -q .\nCMD ["python", "-m", "myapp"]',
    fixSafety: 'Adding the compile step is safe: it only writes `__pycache__` directories next to the sources, which Python reads but never requires; `compileall` does fail the build when a file has a syntax error, which then also shows up at import time. Removing `PYTHONDONTWRITEBYTECODE` is unsafe: a root process will then write `__pycache__` into the container\'s writable layer (or into a bind-mounted source tree), which some set-ups avoid on purpose.',
    references: [
      'https://docs.python.org/3/library/compileall.html',
      'https://docs.python.org/3/using/cmdline.html#envvar-PYTHONDONTWRITEBYTECODE',
      'https://docs.astral.sh/uv/guides/integration/docker/#compiling-bytecode',
      'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-compile',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const { chain } = chainCommands(final);
    // Read only once a finding is possible: most files fail an earlier test.
    const lastSourceCopy = (): CodeFacts['lastSourceCopy'] => {
      const facts = codeFacts(model, chain);
      return facts.unreadableCopy ? null : facts.lastSourceCopy;
    };
    const dontWrite = chainEnv(final).last.get('PYTHONDONTWRITEBYTECODE');
    if (dontWrite && dontWrite.value && !dontWrite.value.includes('$')) {
      if (compiledAnywhere(model, chain)) return;
      const fixes: Fix[] = [];
      const compile = compileFix(model, final, chain, lastSourceCopy());
      if (compile) fixes.push(compile);
      // Without the variable only a process that may write next to the code caches bytecode:
      // a non-root user gains nothing unless the code was copied with `--chown` for it.
      const copy = lastSourceCopy();
      const owned = copy !== null && flagsOf(copy.info).some((f) => f.getName() === 'chown');
      const remove = userBefore(chain, Number.MAX_SAFE_INTEGER) === null || owned ? removeEnvKeyEdit(model, dontWrite) : null;
      if (remove) fixes.push({ title: 'Remove `PYTHONDONTWRITEBYTECODE`', applicability: 'unsafe', edits: [remove] });
      ctx.report({
        range: dontWrite.property.getRange(),
        message: '`PYTHONDONTWRITEBYTECODE` is set but nothing precompiles the code: every start compiles the modules again',
        severity: 'info',
        fixes,
      });
      return;
    }
    // (b): a non-root user that cannot write next to root-owned sources.
    const user = userBefore(chain, Number.MAX_SAFE_INTEGER);
    if (user === null || user === '' || user.includes('$')) return;
    const lastCopy = lastSourceCopy();
    if (!lastCopy || lastCopy.op.from !== null) return;
    if (flagsOf(lastCopy.info).some((f) => f.getName() === 'chown' || f.getName() === 'chmod')) return;
    const entry = finalEntry(model, ctx.env);
    const runsPython = rootStage(final).image?.isPython === true || (entry?.commands.some((c) => pythonEntry(valuesOf(c.words))) ?? false);
    if (!runsPython || handledAfter(model, chain, lastCopy.info)) return;
    const fix = compileFix(model, final, chain, lastCopy);
    ctx.report({
      range: lastCopy.info.range,
      message: `The code copied to \`${lastCopy.op.dest}\` is owned by root and not precompiled, so user \`${user}\` recompiles it in every process`,
      severity: 'hint',
      ...(fix ? { fixes: [fix] } : {}),
    });
  },
});
