// Catalogue §4.4/§4.5: the multi-stage rewrite. A `builder` stage (inserted before the final
// stage) runs the dependency install into a virtual environment; the final stage keeps its
// own instructions, comments, ENV, WORKDIR, EXPOSE and command, and copies the environment.
import { impliedCodename } from '../knowledge/image-info';
import { NEWEST_STABLE_MINOR } from '../knowledge/python-releases';
import { propertiesOf, DocumentModel, type InstructionInfo } from '../model/document-model';
import { applyEdits } from '../model/text';
import { formatPythonTag, hasRcSuffix, imageEdit, imageSite, withTag } from '../model/image-ref';
import type { Stage } from '../model/stages';
import { aptCommand } from '../shell/apt';
import type { Word } from '../shell/lexer';
import { baseName, hasStatefulBuiltin } from '../shell/query';
import { venvCreate } from '../shell/tools';
import { classifySource, copyOperands, isGlob, joinPath, normalizePath, variablesBefore, workdirBefore } from '../rules/copy-paths';
import { execWords, finalEntry, pathBase } from '../rules/entrypoint-helpers';
import { removeInstruction } from '../rules/edit-helpers';
import { blockStartLine, parserDirectives } from '../rules/layer-helpers';
import { userBefore, isRootUser } from '../rules/python-env-helpers';
import type { LintEnvironment } from '../rules/types';
import { isInstallRole, mentionedPrograms, stageRuns, type RunFacts } from './analyse';
import { detectProjectType, projectTypeLabel, type ProjectInfo } from './project-type';
import { pipProjectRecipe } from './recipes/pip-project';
import { pipenvRecipe } from './recipes/pipenv';
import { poetryExportRecipe, poetryRecipe } from './recipes/poetry';
import { requirementsRecipe } from './recipes/requirements';
import { overlaps, withoutRepeats } from './recipes/two-phase';
import { instructionWithEdits, type BuilderPlan, type RecipeInput, type RecipeResult, type SpanEdit } from './recipes/types';
import { uvRecipe } from './recipes/uv';
import { runtimePackagesFor } from './runtime-libraries';

/** What the multi-stage step proposes. */
export type MultiStageOutcome =
  | {
      kind: 'rewrite';
      text: string;
      project: ProjectInfo;
      /** Build-only system packages that left the final image. */
      moved: string[];
      /** Runtime libraries installed in their place. */
      runtimeLibraries: string[];
      venv: string;
      /** Rule codes that explain the step, most specific first. */
      attribution: string[];
    }
  /** A precondition failed although the rewrite would help. */
  | { kind: 'refused'; reason: string }
  /** Nothing to gain, or nothing to rewrite. */
  | { kind: 'not-needed'; reason: string };

/** Aliases of stages that exist for tests, docs or development (`--target` builds). */
const TARGET_ALIAS = /^(tests?|testing|docs?|documentation|lint|dev|develop|development|debug|ci)$/;

/** Programs that build packages provide: used after the install, they must stay in the final image. */
const BUILD_PROGRAMS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'make', 'cmake', 'git', 'cargo', 'rustc', 'gfortran', 'pkg-config', 'ld', 'as']);

/** Tools the final image no longer contains after the rewrite. */
const RUNNERS = new Set(['pipenv', 'poetry', 'uv']);

function refused(reason: string): MultiStageOutcome {
  return { kind: 'refused', reason };
}

function notNeeded(reason: string): MultiStageOutcome {
  return { kind: 'not-needed', reason };
}

function lineOf(info: InstructionInfo): number {
  return info.range.start.line + 1;
}

/** The recipe for a project type. */
function recipeFor(project: ProjectInfo, input: RecipeInput): RecipeResult {
  switch (project.type) {
    case 'requirements':
      return requirementsRecipe(input);
    case 'pip-project':
      return pipProjectRecipe(input);
    case 'poetry':
      return poetryRecipe(input);
    case 'poetry-export':
      return poetryExportRecipe(input);
    case 'pipenv':
      return pipenvRecipe(input);
    case 'uv':
      return uvRecipe(input);
    default:
      return { refused: `no builder recipe for ${projectTypeLabel(project.type)} projects` };
  }
}

/** The virtual environment an install RUN creates and the stage then uses, or a refusal. */
function existingVenv(model: DocumentModel, final: Stage, runs: readonly RunFacts[], lastInstall: InstructionInfo): string | null | { refused: string } {
  for (const run of runs) {
    for (const cmd of run.script?.commands ?? []) {
      const venv = venvCreate(cmd);
      if (!venv) continue;
      const workdir = workdirBefore(model, run.info);
      if (venv.dir === null || !workdir) return { refused: `the virtual environment created on line ${lineOf(run.info)} has no literal path` };
      const dir = joinPath(workdir.dir, venv.dir);
      const onPath = final.instructions.some(
        (i) => i.keyword === 'ENV' && i.index > run.info.index && i.index <= lastInstall.index && new RegExp(`${escapeRegExp(dir)}/bin(:|$|")`).test(model.content.slice(i.start, i.end)),
      );
      const called = runs.some((r) => r.pipInstalls.some((p) => (p.command.words[0]?.value ?? '').startsWith(`${dir}/bin/`) || (p.command.words[0]?.value ?? '').startsWith(`${venv.dir}/bin/`)));
      if (!onPath && !called) return { refused: `the virtual environment \`${dir}\` created on line ${lineOf(run.info)} is not used by the install (tick \`fix:PYD209\` to put it on PATH)` };
      return dir;
    }
  }
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A stage alias no stage uses yet. */
function freshAlias(model: DocumentModel): string {
  const taken = new Set(model.stages.map((s) => s.alias));
  for (const name of ['builder', 'python-builder', 'deps-builder']) if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`builder-${n}`)) n++;
  return `builder-${n}`;
}

/** `COPY --from=ghcr.io/astral-sh/uv…`: installs uv, a build tool. */
function isToolCopy(model: DocumentModel, info: InstructionInfo): boolean {
  return info.keyword === 'COPY' && /--from=\S*astral-sh\/uv\b/.test(model.content.slice(info.start, info.end));
}

/**
 * What the COPYs of the whole context (or of a folder) among `later` bring: `context` when one
 * copies the whole build context, and the folders (without `./` and trailing `/`) copied whole.
 */
function broadCopies(model: DocumentModel, later: readonly InstructionInfo[]): { context: boolean; dirs: Set<string> } {
  const dirs = new Set<string>();
  let context = false;
  for (const i of later) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    const broad = copyOperands(model, i);
    if (broad === null || broad.from !== null || broad.unresolved) continue;
    for (const s of broad.sources) {
      if (classifySource(s) === 'context') context = true;
      const dir = normalizePath(s).replace(/^\.\//, '').replace(/\/+$/, '');
      if (dir !== '' && !isGlob(dir)) dirs.add(dir);
    }
  }
  return { context, dirs };
}

/**
 * A COPY of dependency manifests (files only) before the install, when a later COPY of the
 * whole context brings the same files into the final image anyway: it moves to the builder.
 */
function isManifestCopy(model: DocumentModel, info: InstructionInfo, broad: { context: boolean; dirs: ReadonlySet<string> }): boolean {
  if (info.keyword !== 'COPY') return false;
  const op = copyOperands(model, info);
  if (!op || op.from !== null || op.unresolved || op.flags.length > 0) return false;
  if (!op.sources.every((s) => ['file', 'glob'].includes(classifySource(s)))) return false;
  if (broad.context) return true;
  // A folder that holds every manifest (`COPY ./app .` after `COPY app/requirements.txt .`): each
  // file's parent folders are looked up, not every later COPY per file.
  const files = op.sources.map((s) => normalizePath(s).replace(/^\.\//, ''));
  const parents = (file: string): string[] => {
    const out: string[] = [];
    for (let at = file.indexOf('/'); at >= 0; at = file.indexOf('/', at + 1)) out.push(file.slice(0, at));
    return out;
  };
  const common = files.map((f) => new Set(parents(f).filter((d) => broad.dirs.has(d))));
  const first = common[0];
  return first !== undefined && [...first].some((d) => common.every((set) => set.has(d)));
}

/** Removes one package word from an apt command line, keeping the continuation lines valid. */
function removePackageWord(model: DocumentModel, info: InstructionInfo, word: Word, previousKept: Word | null): SpanEdit {
  const line = model.text.positionAt(word.start).line;
  const text = model.text.lineText(line);
  const esc = escapeRegExp(model.escapeChar);
  const alone = new RegExp(`^\\s*${escapeRegExp(word.raw)}\\s*(${esc})?\\s*$`).exec(text);
  if (alone && alone[1] !== undefined) return { start: model.text.lineStart(line), end: model.text.nextLineStart(line), newText: '' };
  if (alone && line === info.range.end.line && previousKept) return { start: previousKept.end, end: word.end, newText: '' };
  let start = word.start;
  while (start > 0 && (model.content[start - 1] === ' ' || model.content[start - 1] === '\t')) start--;
  return { start, end: word.end, newText: '' };
}

/** The runtime form of a system RUN: build-only packages removed, extra packages appended. */
function stripSystemRun(model: DocumentModel, run: RunFacts, moved: ReadonlySet<string>, extra: readonly string[]): { edits: SpanEdit[]; empty: boolean; placed: boolean; keptOriginal: boolean } {
  const edits: SpanEdit[] = [];
  let lastKept: Word | null = null;
  let firstRemoved: Word | null = null;
  let anyKept = false;
  for (const cmd of run.script?.commands ?? []) {
    const apt = aptCommand(cmd);
    if (apt?.sub !== 'install') continue;
    let previousKept: Word | null = apt.subWord;
    for (const word of apt.packages) {
      const name = word.value.split(/[=:]/)[0]?.toLowerCase() ?? '';
      if (moved.has(name)) {
        edits.push(removePackageWord(model, run.info, word, previousKept));
        firstRemoved ??= word;
      } else {
        previousKept = word;
        lastKept = word;
        anyKept = true;
      }
    }
  }
  if (extra.length === 0) return { edits, empty: !anyKept, placed: false, keptOriginal: anyKept };
  if (lastKept) {
    edits.push({ start: lastKept.end, end: lastKept.end, newText: ` ${extra.join(' ')}` });
    return { edits, empty: false, placed: true, keptOriginal: true };
  }
  if (firstRemoved) {
    // Every package moved: the first one's place takes the runtime libraries.
    const at = edits.findIndex((e) => e.end === firstRemoved?.end || (e.start <= (firstRemoved?.start ?? 0) && e.end >= (firstRemoved?.end ?? 0)));
    edits.splice(at, 1, { start: firstRemoved.start, end: firstRemoved.end, newText: extra.join(' ') });
    return { edits, empty: false, placed: true, keptOriginal: false };
  }
  return { edits, empty: true, placed: false, keptOriginal: false };
}

/** Removes `pipenv run`, `poetry run` and `uv run [options]` from the front of a command line. */
function runnerPrefix(words: readonly Word[]): number {
  const first = baseName(words[0]);
  if ((first === 'pipenv' || first === 'poetry') && words[1]?.value === 'run') return 2;
  if (first === 'uv' && words[1]?.value === 'run') {
    let i = 2;
    while (i < words.length && (words[i] as Word).value.startsWith('-')) i++;
    return i;
  }
  return 0;
}

/** Edits that drop a runner (`pipenv run …`) from a CMD/ENTRYPOINT; a refusal when that cannot be done. */
function stripRunner(model: DocumentModel, info: InstructionInfo): SpanEdit[] | { refused: string } {
  const words = model.isExecForm(info) ? execWords(model, info) : null;
  if (words) {
    const n = runnerPrefix(words);
    const next = words[n];
    if (n === 0) return [];
    if (!next) return { refused: `the ${info.keyword} on line ${lineOf(info)} only runs \`${words.map((w) => w.value).join(' ')}\`` };
    return [{ start: (words[0] as Word).start, end: next.start, newText: '' }];
  }
  const script = model.shellOf(info);
  if (!script) return [];
  const edits: SpanEdit[] = [];
  for (const cmd of script.commands) {
    const n = runnerPrefix(cmd.words);
    const next = cmd.words[n];
    if (n === 0) continue;
    if (!next) return { refused: `the ${info.keyword} on line ${lineOf(info)} only runs \`${cmd.words.map((w) => w.value).join(' ')}\`` };
    edits.push({ start: (cmd.words[0] as Word).start, end: next.start, newText: '' });
  }
  if (script.opaque.length > 0 && /\b(pipenv|poetry|uv)\s+run\b/.test(model.content.slice(info.start, info.end))) {
    return { refused: `the ${info.keyword} on line ${lineOf(info)} runs a tool the final image will not have` };
  }
  return edits;
}

/**
 * The commands of a RUN that mixes the dependency install with other commands (and the
 * clean-up that follows them), as the text of a RUN for the final image, which runs them after
 * the environment is copied. The builder runs the RUN up to its last install (see appTail), so
 * the install sees the same state.
 * Null when the RUN cannot be split that way: flags, shell state (`cd`, `export`), pipes or
 * `||`, apt/apk commands, or nothing but clean-up besides the install.
 */
export function splitOf(model: DocumentModel, run: RunFacts): string | null {
  const script = run.script;
  if (!script || script.error !== undefined || script.opaque.length > 0 || hasStatefulBuiltin(script)) return null;
  if ((run.info.node as unknown as { getFlags(): unknown[] }).getFlags().length > 0) return null;
  if (script.commands.some((c) => c.depth !== 0 || c.negated || (c.connector !== null && c.connector !== '&&' && c.connector !== ';'))) return null;
  if (run.kinds.includes('system')) return null;
  // Clean-up after an application command may remove what that command left (`rm -rf` of a
  // temporary folder): it runs with it. Clean-up before any of them belongs to the install.
  const firstOther = run.kinds.indexOf('other');
  const kept = script.commands.filter((_, i) => run.kinds[i] === 'other' || (run.kinds[i] === 'cleanup' && i > firstOther));
  if (kept.length === 0) return null;
  return `RUN ${kept.map((c) => model.content.slice(c.start, c.end)).join(' && ')}`;
}

/**
 * The application commands after the last install of a RUN that mixes them
 * (`pip install -r requirements.txt && python manage.py collectstatic --noinput`), as the edit
 * that takes them out of the builder's copy of the RUN. They cannot change what the install
 * before them did, and the final image runs them anyway (splitOf), where their result lands:
 * run in the builder too, they would do the work twice, and fail there when it lacks what they
 * need (the sources, an ENV set later). Null when the RUN ends with an install, or when a
 * connector other than `&&` leads to them: after `;` the RUN's status is theirs, not the
 * install's, and the builder must not start failing where the original did not.
 */
export function appTail(run: RunFacts): SpanEdit | null {
  const commands = run.script?.commands ?? [];
  if (run.kinds.length !== commands.length) return null;
  let lastInstall = run.kinds.length - 1;
  while (lastInstall >= 0 && (run.kinds[lastInstall] === 'other' || run.kinds[lastInstall] === 'cleanup')) lastInstall--;
  // Clean-up right after the install stays with it (it may prune the environment the final
  // image copies); the tail starts at the first application command.
  const first = run.kinds.findIndex((k, i) => i > lastInstall && k === 'other');
  const kept = commands[first - 1];
  const end = commands[commands.length - 1];
  if (lastInstall < 0 || first < 0 || !kept || !end) return null;
  if (commands.slice(first - 1, -1).some((c) => c.connector !== '&&')) return null;
  return { start: kept.end, end: end.end, newText: '' };
}

/** One instruction of the final stage with the text around it. */
interface Chunk {
  info: InstructionInfo;
  /** Comment lines directly above. */
  lead: string;
  /** The instruction's lines, including the last line break when there is one. */
  body: string;
  /** Blank lines and detached comments up to the next instruction's comment block. */
  tail: string;
}

/** Splits a stage (from its FROM to the end of the file) into chunks. */
function chunksOf(model: DocumentModel, stage: Stage, regionStart: number): Chunk[] {
  const infos = [stage.fromInfo, ...stage.instructions];
  const blockStarts = infos.map((info, i) => (i === 0 ? regionStart : model.text.lineStart(blockStartLine(model, info))));
  return infos.map((info, i) => {
    const bodyStart = model.text.lineStart(info.range.start.line);
    const bodyEnd = model.text.nextLineStart(info.range.end.line);
    const next = blockStarts[i + 1] ?? model.content.length;
    return {
      info,
      lead: model.content.slice(blockStarts[i] as number, bodyStart),
      body: model.content.slice(bodyStart, bodyEnd),
      tail: model.content.slice(bodyEnd, Math.max(bodyEnd, next)),
    };
  });
}

/** Applies edits (document offsets) to a chunk's body. */
function editBody(model: DocumentModel, chunk: Chunk, edits: readonly SpanEdit[]): string {
  const base = model.text.lineStart(chunk.info.range.start.line);
  let body = chunk.body;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) body = body.slice(0, e.start - base) + e.newText + body.slice(e.end - base);
  return body;
}

/** Plans and builds the multi-stage rewrite of the final stage. */
export function planMultiStage(model: DocumentModel, env: Pick<LintEnvironment, 'readContextFile'> = {}): MultiStageOutcome {
  const final = model.finalStage;
  if (!final) return notNeeded('the file has no stage');
  if (final.parent) return notNeeded(`the final stage builds on stage \`${final.parent.alias ?? final.parent.index}\`, so it is already split`);
  const runs = stageRuns(model, final);
  const project = detectProjectType(runs, env.readContextFile, model);
  if (project.type === 'none') return notNeeded('the final stage installs no Python dependencies');
  if (project.type === 'unknown') return refused(`the dependencies are installed in a way Optimize does not model (${project.evidence})`);
  if (final.alias !== null && TARGET_ALIAS.test(final.alias)) return refused(`the last stage \`${final.alias}\` looks like a test, docs or development target, so it is not rewritten`);
  const image = final.image;
  const tag = image?.python ?? null;
  if (!image || !tag) return refused(`the final stage is not built on the official python image${image ? ` (\`${image.raw}\`)` : ''}`);
  if (tag.variant === 'alpine') return refused('the final image is Alpine: the builder recipes use Debian (tick `alpine-to-debian`)');
  if (tag.variant !== 'full' && tag.variant !== 'slim') return refused(`\`${image.raw}\` is a Windows image`);
  const codename = tag.codename ?? impliedCodename(tag)?.codename ?? null;
  if (codename === null) return refused(`the Debian release of \`${image.raw}\` is not known, so builder and final image cannot be pinned to the same one`);

  const installs = runs.filter((r) => isInstallRole(r.role));
  const blocked = installs.find((r) => (r.role === 'tangled' && splitOf(model, r) === null) || r.role === 'unreadable-install');
  if (blocked) {
    return refused(
      blocked.role === 'tangled'
        ? `the RUN on line ${lineOf(blocked.info)} mixes the dependency install with other commands in a way that cannot be split between the builder and the final image`
        : `the RUN on line ${lineOf(blocked.info)} installs packages in a way the shell parser cannot read`,
    );
  }
  const lastInstall = installs[installs.length - 1];
  const firstDeps = installs.find((r) => r.kinds.some((k) => k === 'deps' || k === 'venv'));
  if (!lastInstall || !firstDeps) return notNeeded('the final stage installs no Python dependencies');
  const prefix = final.instructions.filter((i) => i.index <= lastInstall.info.index);
  const later = final.instructions.filter((i) => i.index > lastInstall.info.index);
  const prefixRuns = runs.filter((r) => r.info.index <= lastInstall.info.index);

  const user = userBefore(lastInstall.info);
  if (user !== null && !isRootUser(user)) return refused(`the install runs as \`${user}\` (USER before line ${lineOf(lastInstall.info)})`);
  const venvOrRefusal = existingVenv(model, final, prefixRuns, lastInstall.info);
  if (venvOrRefusal !== null && typeof venvOrRefusal === 'object') return refused(venvOrRefusal.refused);

  // Build-only packages move when their runtime library is known.
  const moved = new Set<string>();
  const runtimeLibraries: string[] = [];
  for (const run of prefixRuns) {
    if (run.role !== 'system' && run.role !== 'mixed') continue;
    for (const pkg of run.aptPackages) {
      if (!pkg.buildOnly) continue;
      const libs = runtimePackagesFor(pkg.name, codename);
      if (libs === null) return refused(`no known runtime package for \`${pkg.name}\` on Debian ${codename}, so it cannot leave the final image safely`);
      moved.add(pkg.name);
      for (const lib of libs) if (!runtimeLibraries.includes(lib)) runtimeLibraries.push(lib);
    }
    if (run.apkPackages.length > 0) return refused(`line ${lineOf(run.info)} uses \`apk\` on a Debian image`);
  }
  if (moved.size > 0) {
    const used = buildProgramsUsedLater(model, later, moved);
    if (used) return refused(used);
  }

  // What the container starts, for the recipes and the runner check.
  const entry = finalEntry(model, env);
  const entryPrograms = (entry?.commands ?? []).map((c) => {
    const words = c.words;
    return baseName(words[runnerPrefix(words)]);
  });
  for (const command of entry?.commands ?? []) {
    if (command.origin === 'entry-script' && runnerPrefix(command.words) > 0) {
      return refused(`the entry script runs \`${command.words.slice(0, 2).map((w) => w.value).join(' ')}\`, a tool the final image will not have`);
    }
  }
  for (const info of later) {
    if (info.keyword !== 'RUN' && info.keyword !== 'HEALTHCHECK') continue;
    const programs = mentionedPrograms(model.content.slice(info.start, info.end));
    const tool = [...RUNNERS].find((r) => programs.has(r));
    if (tool) return refused(`the ${info.keyword} on line ${lineOf(info)} runs \`${tool}\`, a build tool the final image will not have`);
  }
  for (const run of installs) {
    const kept = run.role === 'tangled' ? splitOf(model, run) : null;
    if (!kept) continue;
    const programs = mentionedPrograms(kept);
    const tool = [...RUNNERS, ...(moved.size > 0 ? BUILD_PROGRAMS : [])].find((r) => programs.has(r));
    if (tool) return refused(`the RUN on line ${lineOf(run.info)} also runs \`${tool}\`, which the final image will not have`);
  }

  // Attribution: what leaves the final image.
  const poetryShipped = prefixRuns.some((r) => r.pipInstalls.some((p) => p.packages.some((w) => /^poetry\b/i.test(w.value))));
  let attribution: string[];
  if (moved.size > 0) attribution = ['PYD206'];
  else if (tag.variant === 'full') attribution = ['PYD101'];
  else if (project.type === 'pipenv') attribution = ['PYD213'];
  else if ((project.type === 'poetry' || project.type === 'poetry-export') && poetryShipped) attribution = ['PYD210'];
  else if (project.type === 'uv') attribution = ['PYD214'];
  else return notNeeded('the final image is already slim, installs no build packages and ships no build tool');

  const installWorkdir = workdirBefore(model, firstDeps.info)?.dir ?? null;
  const input: RecipeInput = {
    model,
    final,
    runs: prefixRuns,
    installWorkdir,
    existingVenv: typeof venvOrRefusal === 'string' ? venvOrRefusal : null,
    variables: variablesBefore(model, lastInstall.info),
    entryPrograms,
    ...(env.readContextFile ? { readContextFile: env.readContextFile } : {}),
  };
  const plan = recipeFor(project, input);
  if ('refused' in plan) return refused(plan.refused);

  // Runner prefixes in the command line go: the environment is on PATH.
  const runnerEdits = new Map<number, SpanEdit[]>();
  for (const info of final.instructions) {
    if (info.keyword !== 'CMD' && info.keyword !== 'ENTRYPOINT') continue;
    const edits = stripRunner(model, info);
    if ('refused' in edits) return refused(edits.refused);
    if (edits.length > 0) runnerEdits.set(info.index, edits);
  }

  const built = assemble(model, final, { plan, prefix, later, prefixRuns, firstDeps, moved, runtimeLibraries, runnerEdits, codename, tag: { ...tag, codename } });
  if ('refused' in built) return refused(built.refused);
  return { kind: 'rewrite', text: built.text, project, moved: [...moved], runtimeLibraries, venv: plan.venv, attribution };
}

/** The build programs a later RUN, CMD, ENTRYPOINT or HEALTHCHECK still uses, as a refusal reason. */
function buildProgramsUsedLater(model: DocumentModel, later: readonly InstructionInfo[], moved: ReadonlySet<string>): string | null {
  const provided = new Set<string>();
  for (const name of moved) {
    if (name === 'build-essential') for (const p of ['gcc', 'g++', 'cc', 'c++', 'make']) provided.add(p);
    const program = name.replace(/-\d+(\.\d+)?$/, '');
    if (BUILD_PROGRAMS.has(program)) provided.add(program);
    if (name === 'pkgconf') provided.add('pkg-config');
  }
  for (const info of later) {
    if (!['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(info.keyword)) continue;
    const programs = mentionedPrograms(model.content.slice(info.start, info.end));
    const hit = [...provided].find((p) => programs.has(p));
    if (hit) return `\`${hit}\` is still used on line ${lineOf(info)}, after the install, so the build packages cannot leave the final image`;
  }
  return null;
}

interface AssembleInput {
  plan: BuilderPlan;
  prefix: readonly InstructionInfo[];
  later: readonly InstructionInfo[];
  prefixRuns: readonly RunFacts[];
  firstDeps: RunFacts;
  moved: ReadonlySet<string>;
  runtimeLibraries: readonly string[];
  runnerEdits: ReadonlyMap<number, SpanEdit[]>;
  codename: string;
  tag: { version: string | null; variant: 'full' | 'slim' | 'alpine' | 'windowsservercore' | 'nanoserver'; codename: string };
}

/** Options the builder adds to a split install: a command that differs by them alone repeats one. */
const SPLIT_ONLY_OPTIONS: ReadonlySet<string> = new Set(['--no-root', '--no-install-project', '--no-editable', '--system']);

/** ENV keys that only matter to the running application, never to an install. */
const RUNTIME_ONLY_ENV = /^(PYTHONUNBUFFERED|PYTHONFAULTHANDLER|PYTHONIOENCODING|GUNICORN_CMD_ARGS|PORT|FLASK_[A-Z_]+|DJANGO_[A-Z_]+)$/;

/** An ENV whose every key is runtime-only: the builder does without it. */
function runtimeOnlyEnv(model: DocumentModel, info: InstructionInfo): boolean {
  const props = propertiesOf(info);
  return props.length > 0 && props.every((p) => RUNTIME_ONLY_ENV.test(p.getName())) && !model.content.slice(info.start, info.end).includes('$');
}

/** Writes the builder stage and the rewritten final stage. */
function assemble(model: DocumentModel, final: Stage, a: AssembleInput): { text: string } | { refused: string } {
  const eol = model.eol;
  const directives = parserDirectives(model).length;
  const regionLine = Math.max(blockStartLine(model, final.fromInfo), directives);
  // A byte-order mark stays the first character of the file.
  const regionStart = Math.max(model.text.lineStart(regionLine), model.text.hasBom ? 1 : 0);
  const chunks = chunksOf(model, final, regionStart);
  const chunkByIndex = new Map(chunks.map((c) => [c.info.index, c]));
  const runByIndex = new Map(a.prefixRuns.map((r) => [r.info.index, r]));

  // The FROM line of both stages, with the Debian release pinned when the tag has none.
  const image = final.image;
  const site = imageSite(model.text, final.from, model.escapeChar);
  let fromEdits: SpanEdit[] = [];
  if (image && site && image.python && (image.python.codename === null || image.python.minor === null) && image.digest === null) {
    // A floating tag (`python`, `python:3-slim`) is pinned to what it resolves to today, like PYD102 does.
    const version = a.tag.version === null || a.tag.version === '3' ? NEWEST_STABLE_MINOR : a.tag.version;
    const pinned = withTag(image.raw, formatPythonTag({ version, rc: hasRcSuffix(image.tag), variant: a.tag.variant, codename: a.codename }));
    const edit = imageEdit(site, image.raw, pinned);
    if (edit) fromEdits = [edit];
  }
  const fromChunk = chunks[0] as Chunk;
  const fromBody = editBody(model, fromChunk, fromEdits);
  if (fromChunk.info.range.start.line !== fromChunk.info.range.end.line) return { refused: 'the final FROM spans several lines' };
  const alias = freshAlias(model);
  const builderFrom = fromBody.replace(/^\uFEFF/, '').replace(/\r?\n$/, '').replace(/\s+as\s+\S+\s*$/i, '').trimEnd() + ` AS ${alias}`;

  // Which final-stage instructions leave, and how the system RUNs change.
  const split = a.plan.split;
  const sourceCopies = new Set((split?.layout.sourceCopies ?? []).map((i) => i.index));
  // With a split install the final stage's own source COPY brings the manifests as well.
  const covering = split ? [...a.later, ...split.layout.sourceCopies] : a.later;
  const broad = broadCopies(model, covering);
  const manifestMoves = new Set(a.prefix.filter((i) => isManifestCopy(model, i, broad) || isToolCopy(model, i)).map((i) => i.index));
  const installed = new Set<string>();
  const systemEdits = new Map<number, { edits: SpanEdit[]; empty: boolean; keptOriginal: boolean }>();
  const extra: string[] = [];
  for (const run of a.prefixRuns) {
    if (run.role === 'mixed') for (const p of run.aptPackages) if (!p.buildOnly && !extra.includes(p.name)) extra.push(p.name);
    if (run.role === 'system') for (const p of run.aptPackages) if (!a.moved.has(p.name)) installed.add(p.name);
  }
  for (const lib of a.runtimeLibraries) if (!extra.includes(lib)) extra.push(lib);
  let pending = extra.filter((p) => !installed.has(p));
  for (const run of a.prefixRuns) {
    if (run.role !== 'system' || !run.aptPackages.some((p) => a.moved.has(p.name))) continue;
    const stripped = stripSystemRun(model, run, a.moved, pending);
    if (stripped.placed) pending = [];
    systemEdits.set(run.info.index, stripped);
  }
  const aptLine = pending.length > 0 ? `RUN apt-get update && apt-get install -y --no-install-recommends ${pending.join(' ')} && rm -rf /var/lib/apt/lists/*` : null;
  const envPathSet = final.instructions.some((i) => i.keyword === 'ENV' && model.content.slice(i.start, i.end).includes(`${a.plan.venv}/bin`));
  const venvLines = [
    ...(aptLine ? [aptLine] : []),
    `COPY --from=${alias} ${a.plan.venv} ${a.plan.venv}`,
    ...(envPathSet ? [] : [`ENV PATH="${a.plan.venv}/bin:$PATH"`]),
  ];

  // The builder: the final stage's instructions up to the last install. The environment is
  // prepared before the COPYs that feed the first install, so editing a manifest keeps it cached.
  const builder: string[] = [builderFrom];
  let prepared = false;
  let prepareAt = a.prefix.findIndex((i) => i === a.firstDeps.info);
  while (prepareAt > 0 && ['COPY', 'ADD'].includes(a.prefix[prepareAt - 1]?.keyword ?? '')) prepareAt--;
  const seenCommands = new Set<string>();
  let repeatLead = '';
  // Keys the recipe sets before the first install (`POETRY_VIRTUALENVS_CREATE=true`, …): an earlier
  // ENV of the builder that only sets those keys is overridden before anything installs, and
  // keeping it would show contradicting values one after the other.
  const recipeKeys = new Set(a.plan.envLines.flatMap((l) => [...l.matchAll(/(?:^ENV\s+|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] as string)));
  const overridden = (info: InstructionInfo, position: number): boolean => {
    if (prepared || position >= prepareAt || recipeKeys.size === 0) return false;
    const props = propertiesOf(info);
    return props.length > 0 && props.every((p) => recipeKeys.has(p.getName()));
  };
  for (const [position, info] of a.prefix.entries()) {
    const run = runByIndex.get(info.index);
    const chunk = chunkByIndex.get(info.index) as Chunk;
    const lead = chunk.lead.replace(/\r?\n$/, '');
    const withLead = (text: string): string => (lead === '' ? text : `${lead}${eol}${text}`.replace(/\r?\n/g, eol));
    if (position === prepareAt && !prepared) {
      prepared = true;
      builder.push(...a.plan.envLines);
      if (a.plan.createVenv) builder.push(`RUN python -m venv ${a.plan.venv}`, `ENV VIRTUAL_ENV=${a.plan.venv} PATH="${a.plan.venv}/bin:$PATH"`);
    }
    switch (info.keyword) {
      case 'ENV':
        if (!runtimeOnlyEnv(model, info) && !overridden(info, position)) builder.push(instructionWithEdits(model, info, []));
        break;
      case 'ARG':
      case 'WORKDIR':
      case 'SHELL':
        builder.push(instructionWithEdits(model, info, []));
        break;
      case 'COPY':
      case 'ADD':
        if (split && sourceCopies.has(info.index)) {
          // Two-phase install: the manifests take the sources' place; the sources come after the installs.
          if (info === split.layout.sourceCopies[0] && split.layout.manifests.length > 0) builder.push(`COPY ${split.layout.manifests.join(' ')} ./`);
          break;
        }
        builder.push(manifestMoves.has(info.index) ? withLead(instructionWithEdits(model, info, [])) : instructionWithEdits(model, info, []));
        break;
      case 'RUN': {
        if (!run) {
          builder.push(instructionWithEdits(model, info, []));
          break;
        }
        if (run.role === 'install' || run.role === 'mixed' || run.role === 'tangled') {
          const repeats = split ? withoutRepeats(run, seenCommands, SPLIT_ONLY_OPTIONS) : null;
          // A reordering fix may have repeated an install after the sources: it now runs before them, once.
          let repeated = repeats !== null && info.index > (split?.layout.sourceCopies[0]?.index ?? Infinity) ? repeats : null;
          if (repeated === 'drop') {
            // Its comments go with the project install after the sources; without one, it stays.
            if (lead === '') break;
            if ((split?.afterSources.length ?? 0) > 0 && repeatLead === '') {
              repeatLead = lead;
              break;
            }
            repeated = null;
          }
          const planned = a.plan.editRun(run);
          if (planned === 'drop') break;
          if ('refused' in planned) return planned;
          // The application commands after the install run once, in the final image.
          const tail = run.role === 'tangled' ? appTail(run) : null;
          // First in the list: an insertion where it starts (`--no-editable` after `uv sync`) must
          // be applied after it (instructionWithEdits keeps the order of edits at one offset).
          const edits = tail && !overlaps([tail, ...planned]) ? [tail, ...planned] : planned;
          const kept = repeated ? edits.filter((e) => ![...repeated.removed].some((c) => e.start >= c.start && e.end <= c.end)) : edits;
          const all = [...kept, ...(repeated?.edits ?? [])];
          builder.push(withLead(instructionWithEdits(model, info, overlaps(all) ? edits : all)));
        } else if (run.role === 'system' && systemEdits.has(info.index) && !systemEdits.get(info.index)?.keptOriginal) {
          // None of its packages stay in the final image: its comments describe the builder's copy.
          builder.push(withLead(instructionWithEdits(model, info, [])));
        } else {
          builder.push(instructionWithEdits(model, info, []));
        }
        break;
      }
      default:
        break;
    }
  }

  if (split && split.afterSources.length > 0) {
    for (const info of split.layout.sourceCopies) builder.push(instructionWithEdits(model, info, []));
    const [first, ...rest] = split.afterSources;
    builder.push(repeatLead === '' ? (first as string) : `${repeatLead}${eol}${first as string}`.replace(/\r?\n/g, eol), ...rest);
  }

  // The final stage: the same chunks, minus what moved, plus the environment copy.
  let out = fromChunk.lead + fromBody.replace(/^\uFEFF/, '') + fromChunk.tail;
  /** The blank lines after a removed instruction, unless the text already ends with a blank line. */
  const tailOf = (chunk: Chunk): string => (/^\s*$/.test(chunk.tail) && /(\r?\n){2}$/.test(out) ? '' : chunk.tail);
  let copied = false;
  const placeVenv = (): string => {
    if (copied) return '';
    copied = true;
    return venvLines.map((l) => l + eol).join('');
  };
  for (const chunk of chunks.slice(1)) {
    const info = chunk.info;
    const run = runByIndex.get(info.index);
    if (run && (run.role === 'install' || run.role === 'mixed' || run.role === 'tangled')) {
      // Tool installs before the first dependency install just leave; the environment arrives there.
      const rest = run.role === 'tangled' ? splitOf(model, run) : null;
      const kept = rest === null ? '' : rest.replace(/\r?\n/g, eol) + eol;
      out += run === a.firstDeps ? placeVenv() + kept + chunk.tail : kept === '' ? tailOf(chunk) : kept + chunk.tail;
      continue;
    }
    if (manifestMoves.has(info.index)) {
      out += tailOf(chunk);
      continue;
    }
    const system = systemEdits.get(info.index);
    if (system) {
      out += system.empty ? tailOf(chunk) : (system.keptOriginal ? chunk.lead : '') + editBody(model, chunk, system.edits) + chunk.tail;
      continue;
    }
    const runner = a.runnerEdits.get(info.index);
    out += chunk.lead + (runner ? editBody(model, chunk, runner) : chunk.body) + chunk.tail;
  }
  if (!copied) return { refused: 'no install instruction was found to replace' };
  // A body without its line break was the file's last line: keep the file ending the same way.
  const endsWithEol = /\n$/.test(model.content);
  if (endsWithEol && !/\n$/.test(out)) out += eol;
  if (!endsWithEol) out = out.replace(/(\r?\n)+$/, '');
  const builderText = builder.map((l) => l.replace(/\r?\n/g, eol) + eol).join('') + eol;
  return { text: model.content.slice(0, regionStart) + builderText + out };
}

/**
 * uv settings that only configure installs. PYD214's own fixes add them to the single stage
 * before the split, and the final stage keeps its ENV instructions: after the rewrite they
 * would sit in a final stage that no longer runs uv.
 */
const UV_INSTALL_ENV: ReadonlySet<string> = new Set(['UV_COMPILE_BYTECODE', 'UV_LINK_MODE', 'UV_PYTHON_DOWNLOADS', 'UV_NO_CACHE']);

/**
 * The rewritten text without the final stage's ENV instructions that set only uv install
 * settings, when nothing in that stage (RUN, CMD, ENTRYPOINT, HEALTHCHECK, entry script) runs
 * uv any more; null when there is nothing to drop. The caller keeps the result only when the
 * behaviour guard accepts it, so a setting the original final image had stays.
 */
export function withoutStaleUvEnv(text: string, env: Pick<LintEnvironment, 'readContextFile'> = {}): string | null {
  const model = new DocumentModel(text);
  const final = model.finalStage;
  if (!final || final.parent) return null;
  const stale = final.instructions.filter((info) => {
    if (info.keyword !== 'ENV') return false;
    const props = propertiesOf(info);
    return props.length > 0 && props.every((p) => UV_INSTALL_ENV.has(p.getName()));
  });
  if (stale.length === 0) return null;
  const mentionsUv = (t: string): boolean => /(^|[^\w.-])uvx?([^\w.-]|$)/.test(t);
  if (final.instructions.some((i) => ['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(i.keyword) && mentionsUv(model.content.slice(i.start, i.end)))) return null;
  if ((finalEntry(model, env)?.commands ?? []).some((c) => c.words.some((w) => /^uvx?$/.test(pathBase(w.value))))) return null;
  return applyEdits(text, stale.map((info) => removeInstruction(model, info)));
}
