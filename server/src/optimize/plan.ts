// The Optimize pipeline (catalogue §4.2–§4.3): safe phases, then the ticked decisions in phase
// order, each guarded by the behaviour invariants and by "no new warning or error".
import type { Finding, LintOptions, LintResult } from '../engine/lint';
import { DocumentModel } from '../model/document-model';
import { apkCommand } from '../shell/apt';
import { pipInstall } from '../shell/pip';
import { pipenvInstall, pipenvSync, poetryInstall, poetrySync, uvSync } from '../shell/tools';
import { finalEntry } from '../rules/entrypoint-helpers';
import { mentionedPrograms, stageRuns } from './analyse';
import { codePhase, decisionById, decisionForCode, isTicked, MULTI_STAGE, NAMED_DECISIONS, PHASE_TWO_RANK, type DecisionSpec, type Relaxations } from './decisions';
import { estimateEffect } from './estimate';
import { addCounts, emptyOverlay, lintCache, modelCache, overlayChanges, protectedSpans, spanAt, runFixLoop, type FileOverlay, type FixLoopResult } from './fix-loop';
import { behaviourOf, checkInvariants, type Behaviour } from './invariants';
import { planMultiStage, withoutStaleUvEnv } from './multi-stage';
import { detectProjectType } from './project-type';
import type { FileChange } from '../fix/apply';
import type { AppliedCount, OptimizeDecision, OptimizeEstimate, SkippedStep } from './types';

export interface PlanOptions extends LintOptions {
  /**
   * Tick every decision whose default is on (`--unsafe`: unsafe steps that may change how the
   * image builds; end-of-life upgrades stay unticked). Ignored when `decisions` is given.
   */
  unsafe?: boolean;
  /** Tick exactly these decision ids (`multi-stage`, `slim-runtime`, `fix:PYD304`, …); wins over `unsafe`. */
  decisions?: readonly string[];
  /**
   * Also apply fixes that create or edit other files of the build context (`.dockerignore`,
   * an entry script's `exec`); they come back in `files`. Off by default: callers that only
   * write the Dockerfile must not claim those fixes.
   */
  otherFiles?: boolean;
}

export interface PlanResult {
  text: string;
  applied: AppliedCount[];
  skipped: SkippedStep[];
  decisions: OptimizeDecision[];
  estimate: OptimizeEstimate;
  /** Other files of the build context the rewrite creates or changes (`.dockerignore`, entry scripts). */
  files: FileChange[];
}


/**
 * Codes whose fix the catalogue calls safe but which change the container's command line
 * (PYD408 appends `--worker-tmp-dir /dev/shm` to gunicorn): Optimize applies them only through
 * their decision (`fix:PYD408`, ticked by default), so the command never changes unticked.
 */
const COMMAND_CHANGING_SAFE_FIXES: ReadonlySet<string> = new Set(['PYD408']);
/** The decision whose fix (PYD411's `WORKDIR /app`) may move the final image's working directory. */
const APP_WORKDIR_DECISION = 'fix:PYD411';
/** At most this many decision steps per run (each is attempted once). */
const MAX_STEPS = 60;

/** Programs whose use at run time makes the build toolchain part of the application. */
const BUILD_TOOLS_AT_RUNTIME = ['gcc', 'g++', 'cc', 'make', 'git', 'cargo', 'rustc', 'cmake'];

/** The decision that only switches the final image to `-slim` (guarded by `slimWithoutBuilder`). */
const SLIM_RUNTIME = 'slim-runtime';
/** Decisions ranked below this run before the phase-3 preconditions are checked. */
const FIRST_GATED_RANK = NAMED_DECISIONS.find((d) => d.id === 'alpine-to-debian')?.rank ?? 0;

/** Mutable state of one run. */
interface State {
  text: string;
  applied: Map<string, number>;
  /** Per code, the problems a decision's own rewrite fixed (part of `applied`), and which decision. */
  viaDecision: Map<string, { id: string; count: number }>;
  skipped: SkippedStep[];
  relax: { pythonMinor: boolean; removableEnv: Set<string>; serverOptionsToEnv: boolean; appWorkdir: boolean };
  protectedCodes: Set<string>;
  overlay: FileOverlay;
}

/** Findings outside the stages Optimize leaves untouched. */
function reachableFindings(model: DocumentModel, findings: readonly Finding[], protectedTexts: readonly string[]): Finding[] {
  const spans = protectedSpans(model, protectedTexts);
  if (spans.length === 0) return [...findings];
  return findings.filter((f) => spanAt(spans, model.text.offsetAt(f.range.start)) === null);
}

/**
 * Warnings and errors of `after` that are new: per code, findings whose message `before` did
 * not have, as many as the count of that code grew. A rewrite may change what a message
 * quotes (a pinned tag) without the count growing, and may repeat a known problem word for
 * word (the builder stage repeats the base image's end-of-life warning): neither is new.
 */
export function newProblems(before: readonly Finding[], after: readonly Finding[]): Finding[] {
  const serious = (f: Finding): boolean => f.severity === 'error' || f.severity === 'warning';
  const count = new Map<string, number>();
  const messages = new Set<string>();
  for (const f of before) {
    if (!serious(f)) continue;
    count.set(f.code, (count.get(f.code) ?? 0) + 1);
    messages.add(`${f.code}|${f.message}`);
  }
  const byCode = new Map<string, Finding[]>();
  for (const f of after) {
    if (!serious(f)) continue;
    const list = byCode.get(f.code);
    if (list) list.push(f);
    else byCode.set(f.code, [f]);
  }
  const out: Finding[] = [];
  for (const [code, list] of byCode) {
    const grew = list.length - (count.get(code) ?? 0);
    if (grew > 0) out.push(...list.filter((f) => !messages.has(`${f.code}|${f.message}`)).slice(0, grew));
  }
  return out;
}

function describeProblems(problems: readonly Finding[]): string {
  const first = problems[0];
  if (!first) return '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `it would add ${first.code} on line ${first.range.start.line + 1}: ${first.message}${more}`;
}

/**
 * Catalogue §4.3 preconditions of phase 3: when one fails, phases 3–5 are not applied.
 * Returns the reason, or null when every precondition holds.
 */
export function phaseThreeBlocker(model: DocumentModel, findings: readonly Finding[], env: { readContextFile?: (path: string) => string | undefined }): string | null {
  const editable = findings.find((f) => f.code === 'PYD204');
  if (editable) {
    // Point at the decision only when there is one: PYD204 withholds its fix in some cases.
    const hint = editable.fixes.length > 0 ? ' (tick `fix:PYD204` to install the project normally)' : ', and PYD204 offers no fix for it';
    return `an editable install remains on line ${editable.range.start.line + 1}${hint}`;
  }
  const mismatch = findings.find((f) => f.code === 'PYD108' && f.severity === 'error');
  if (mismatch) return `an environment is copied between incompatible stages on line ${mismatch.range.start.line + 1}`;
  const final = model.finalStage;
  if (!final) return null;
  const project = detectProjectType(stageRuns(model, final), env.readContextFile);
  if (project.type === 'unknown') return `the project type is unknown (${project.evidence})`;
  const entry = finalEntry(model, env);
  if (entry) {
    for (const command of entry.commands) {
      if (command.origin !== 'entry-script' && command.origin !== 'inline-script') continue;
      const shell = { index: 0, assignments: [], words: command.words, redirects: [], start: 0, end: 0, connector: null, connectorToken: null, depth: 0, negated: false };
      if (pipInstall(shell) || poetryInstall(shell) || poetrySync(shell) || pipenvInstall(shell) || pipenvSync(shell) || uvSync(shell) || apkCommand(shell)?.sub === 'add') {
        const where = entry.script ? ` in \`${entry.script}\`` : '';
        return `the container installs packages when it starts (\`${command.words.slice(0, 3).map((w) => w.value).join(' ')}\`${where}), so its environment cannot be built ahead`;
      }
    }
    if (!entry.complete) return 'what the container runs at start could not be followed completely (an entry script that cannot be read, or shell syntax Optimize does not model), so a start-up install cannot be ruled out';
    const infos = [entry.entrypoint, entry.cmd, ...final.instructions.filter((i) => i.keyword === 'HEALTHCHECK')];
    for (const info of infos) {
      if (!info) continue;
      const programs = mentionedPrograms(model.content.slice(info.start, info.end));
      const tool = BUILD_TOOLS_AT_RUNTIME.find((t) => programs.has(t));
      if (tool) return `the ${info.keyword} on line ${info.range.start.line + 1} runs \`${tool}\`, a build tool`;
    }
  }
  return null;
}

/** Installers the fact model does not classify (PDM, conda, setuptools) that may compile as well. */
const OTHER_BUILDERS_RE = /\b(pdm|conda|mamba|micromamba)\s+(install|sync|create|update|env)\b|\bsetup\.py\s+(install|develop|build|bdist)/;

/**
 * Why `slim-runtime` on its own would be a gamble, or null: the final image still installs its
 * Python dependencies itself (no builder stage was split off), and the full image's compilers
 * and -dev libraries (`default-libmysqlclient-dev`, `libpq-dev`, …) may be what that build needs.
 */
export function slimWithoutBuilder(model: DocumentModel): string | null {
  for (let stage = model.finalStage; stage; stage = stage.parent) {
    for (const run of stageRuns(model, stage)) {
      const text = model.content.slice(run.info.start, run.info.end);
      if (run.kinds.includes('deps') || run.role === 'unreadable-install' || OTHER_BUILDERS_RE.test(text)) {
        return `the final stage still installs its Python dependencies (line ${run.info.range.start.line + 1}) without a builder stage: packages built from source there may need the compilers and -dev libraries of the full image`;
      }
    }
  }
  return null;
}

/** The relaxations a decision adds while it runs. */
function stepRelaxations(state: State, spec: DecisionSpec): Relaxations {
  return {
    pythonMinor: state.relax.pythonMinor || spec.id === 'python-upgrade',
    removableEnv: spec.removesEnv ? new Set(['*']) : state.relax.removableEnv,
    serverOptionsToEnv: state.relax.serverOptionsToEnv || spec.id === 'gunicorn-env',
    appWorkdir: state.relax.appWorkdir || spec.id === APP_WORKDIR_DECISION,
  };
}

/** Runs the whole pipeline on a text. */
export function planOptimize(content: string, options: PlanOptions): PlanResult {
  const env = options.env;
  const read = env?.readContextFile ?? (env?.workspace ? (path: string): string | undefined => env.workspace?.text(path) : undefined);
  const contextEnv = read ? { readContextFile: read } : {};
  const baseLintOptions: LintOptions = { ...options };
  // Parsed texts are shared by the guard, the lints and the estimate.
  const modelOf = modelCache();
  const original = modelOf(content);
  const before = behaviourOf(original, contextEnv);
  const protectedTexts = before.protectedStages;
  const state: State = {
    text: content,
    applied: new Map(),
    viaDecision: new Map(),
    skipped: [],
    relax: { pythonMinor: false, removableEnv: new Set(), serverOptionsToEnv: false, appWorkdir: false },
    protectedCodes: new Set(),
    overlay: emptyOverlay(),
  };
  /** Lints see other files as the accepted steps left them. */
  // One cache for the whole run: each text is linted once, whichever step asks first.
  const lintText = lintCache(baseLintOptions, modelOf);
  const lintNow = (text: string): LintResult => lintText(text, state.overlay);
  const guardWith = (relax: Relaxations) => (text: string): string[] => {
    // A proposal whose behaviour cannot even be read is not one we can vouch for.
    const after = tryAnalysis(() => behaviourOf(modelOf(text), contextEnv));
    return after ? checkInvariants(before, after, withWildcard(relax, before)) : ['the proposal could not be analysed'];
  };
  const phaseOne = (code: string): boolean => codePhase(code) === 1;
  /** Whether a code's safe fix may run without a ticked decision (see COMMAND_CHANGING_SAFE_FIXES). */
  const safeWithoutDecision = (code: string, onlyPhaseOne: boolean): boolean => !COMMAND_CHANGING_SAFE_FIXES.has(code) && (!onlyPhaseOne || phaseOne(code));
  /** The phase-3 precondition that fails, null when all hold; a failed analysis fails them. */
  const checkBlocker = (model: DocumentModel, findings: readonly Finding[]): string | null => {
    const result = tryAnalysis(() => ({ reason: phaseThreeBlocker(model, findings, contextEnv) }));
    return result ? result.reason : 'the file could not be analysed';
  };
  const loop = (text: string, codes: ReadonlySet<string>, relax: Relaxations, onlyPhaseOne = false): FixLoopResult => {
    const result = runFixLoop(text, { lint: baseLintOptions, lintText, unsafeCodes: codes, guard: guardWith(relax), protectedTexts, overlay: state.overlay, otherFiles: options.otherFiles === true, safeCodes: (code: string) => safeWithoutDecision(code, onlyPhaseOne) });
    for (const code of result.protectedCodes) state.protectedCodes.add(code);
    return result;
  };
  const reportRejected = (result: FixLoopResult): void => {
    for (const r of result.rejected) state.skipped.push({ step: `${r.code}: ${r.title}`, reason: `not applied because ${r.reason}` });
  };

  for (const id of options.decisions ?? []) {
    if (!decisionById(id)) state.skipped.push({ step: id, reason: 'unknown decision id (see `docs/optimize.md`)' });
  }

  // Phase 1, safe part; the safe reorderings and merges of phase 2 come after phase 1's decisions.
  // The second safe step tries every safe fix again, on a text later steps changed: its
  // rejections replace the first step's, which would otherwise report a fix it then applied.
  let firstSafeRejected: FixLoopResult | undefined;
  const safeStep = (onlyPhaseOne: boolean): void => {
    const safe = loop(state.text, new Set(), state.relax, onlyPhaseOne);
    state.text = safe.text;
    state.overlay = safe.overlay;
    addCounts(state.applied, safe.applied);
    if (onlyPhaseOne) firstSafeRejected = safe;
    else {
      firstSafeRejected = undefined;
      reportRejected(safe);
    }
  };
  safeStep(true);
  let phaseTwoSafeDone = false;

  const seen = new Map<string, { spec: DecisionSpec; applied: boolean }>();
  /** Per decision: the text it was last tried on, how often, and why it was not applied. */
  const tries = new Map<string, { text: string; count: number; skipped: SkippedStep[] }>();
  const acceptedCodes = new Set<string>();
  let blocker: string | null | undefined;
  const blockedDecisions = new Set<string>();
  const multi = NAMED_DECISIONS.find((d) => d.id === MULTI_STAGE) as DecisionSpec;

  for (let step = 0; step < MAX_STEPS; step++) {
    const current = lintNow(state.text);
    const findings = reachableFindings(current.model, current.findings, protectedTexts);
    const offered = new Map<string, DecisionSpec>([[MULTI_STAGE, multi]]);
    for (const f of findings) {
      const usable = f.fixes.filter((x) => options.otherFiles === true || (x.fileEdits?.length ?? 0) === 0);
      if (usable.length === 0 || (usable.some((x) => x.applicability === 'safe') && !COMMAND_CHANGING_SAFE_FIXES.has(f.code))) continue;
      const spec = decisionForCode(f.code);
      offered.set(spec.id, spec);
    }
    // First every decision once in rank order; then, once, the ticked ones that were not applied
    // and whose text changed since (a later step can make an earlier one acceptable).
    const fresh = [...offered.values()].filter((d) => !tries.has(d.id));
    const retry = [...offered.values()].filter((d) => {
      const t = tries.get(d.id);
      return t !== undefined && t.count < 2 && t.text !== state.text && isTicked(d, options) && !seen.get(d.id)?.applied && !blockedDecisions.has(d.id);
    });
    const byRank = (a: DecisionSpec, b: DecisionSpec): number => a.rank - b.rank;
    const next = fresh.sort(byRank)[0] ?? retry.sort(byRank)[0];
    if (!phaseTwoSafeDone && (!next || next.rank >= PHASE_TWO_RANK)) {
      phaseTwoSafeDone = true;
      safeStep(false);
      continue;
    }
    if (!next) break;
    const previous = tries.get(next.id);
    const attempt = { text: state.text, count: (previous?.count ?? 0) + 1, skipped: [] as SkippedStep[] };
    tries.set(next.id, attempt);
    const ticked = isTicked(next, options);
    const skip = (reason: string): void => {
      attempt.skipped = [{ step: next.id, reason }];
    };

    if (next.id === MULTI_STAGE) {
      const outcome = tryAnalysis(() => planMultiStage(current.model, contextEnv)) ?? { kind: 'refused', reason: 'the final stage could not be analysed' };
      if (outcome.kind === 'not-needed') {
        // Nothing to gain (any more): no retry, and an earlier refusal keeps its reason.
        tries.set(next.id, { ...attempt, count: 2, skipped: previous?.skipped ?? [] });
        continue;
      }
      if (!seen.has(next.id)) seen.set(next.id, { spec: next, applied: false });
      if (!ticked) continue;
      if (blocker === undefined) blocker = checkBlocker(current.model, findings);
      if (blocker) {
        blockedDecisions.add(next.id);
        continue;
      }
      if (outcome.kind === 'refused') {
        skip(outcome.reason);
        continue;
      }
      const violations = guardWith(state.relax)(outcome.text);
      if (violations.length > 0) {
        skip(`not applied because ${violations.join('; ')}`);
        continue;
      }
      // uv settings the final stage no longer uses leave with the rewrite, unless the guard
      // says the original final image set them (then they stay, as every final ENV does).
      const trimmed = tryAnalysis(() => withoutStaleUvEnv(outcome.text, contextEnv)) ?? null;
      const rewritten = trimmed !== null && guardWith(state.relax)(trimmed).length === 0 ? trimmed : outcome.text;
      const settled = loop(rewritten, new Set(), state.relax);
      const added = newProblems(current.findings, lintNow(settled.text).findings);
      if (added.length > 0) {
        skip(`not applied because ${describeProblems(added)}`);
        continue;
      }
      state.text = settled.text;
      state.overlay = settled.overlay;
      const code = outcome.attribution[0] ?? 'PYD101';
      state.applied.set(code, (state.applied.get(code) ?? 0) + 1);
      state.viaDecision.set(code, { id: next.id, count: (state.viaDecision.get(code)?.count ?? 0) + 1 });
      addCounts(state.applied, settled.applied);
      seen.set(next.id, { spec: next, applied: true });
      continue;
    }

    if (!seen.has(next.id)) seen.set(next.id, { spec: next, applied: false });
    if (!ticked) continue;
    if (next.phase >= 3 && next.rank >= FIRST_GATED_RANK) {
      if (blocker === undefined) blocker = checkBlocker(current.model, findings);
      if (blocker) {
        blockedDecisions.add(next.id);
        continue;
      }
    }
    // The split was wanted but could not be made: the slim image would also have to build the
    // dependencies. A user who unticks `multi-stage` and ticks `slim-runtime` asked for exactly that.
    if (next.id === SLIM_RUNTIME && isTicked(multi, options) && !seen.get(MULTI_STAGE)?.applied) {
      const risk = tryAnalysis(() => ({ reason: slimWithoutBuilder(current.model) }));
      const reason = risk ? risk.reason : 'the final stage could not be analysed';
      if (reason !== null) {
        skip(`not applied because ${reason}`);
        continue;
      }
    }
    const relax = stepRelaxations(state, next);
    const result = loop(state.text, new Set(next.codes), relax, !phaseTwoSafeDone);
    attempt.skipped = result.rejected.map((r) => ({ step: `${r.code}: ${r.title}`, reason: `not applied because ${r.reason}` }));
    const ownApplied = next.codes.some((c) => (result.applied.get(c) ?? 0) > 0);
    if (!ownApplied || (result.text === state.text && !result.filesChanged)) continue;
    const added = newProblems(current.findings, lintNow(result.text).findings);
    if (added.length > 0) {
      skip(`not applied because ${describeProblems(added)}`);
      continue;
    }
    acceptDecision(state, before, next, result.text, contextEnv);
    state.overlay = result.overlay;
    addCounts(state.applied, result.applied);
    for (const c of next.codes) acceptedCodes.add(c);
    seen.set(next.id, { spec: next, applied: true });
  }

  if (firstSafeRejected) reportRejected(firstSafeRejected);
  for (const [id, t] of tries) if (!seen.get(id)?.applied) state.skipped.push(...t.skipped);
  if (blocker && blockedDecisions.size > 0) {
    state.skipped.push({ step: `phases 3–5 (${[...blockedDecisions].join(', ')})`, reason: `stopped after the safe phases: ${blocker}` });
  }

  // A last pass with every accepted decision: steps taken later can give earlier ones more to do.
  if (acceptedCodes.size > 0) {
    const finalPass = loop(state.text, acceptedCodes, state.relax);
    const added = newProblems(lintNow(state.text).findings, lintNow(finalPass.text).findings);
    if (added.length === 0 && (finalPass.text !== state.text || finalPass.filesChanged)) {
      state.text = finalPass.text;
      state.overlay = finalPass.overlay;
      addCounts(state.applied, finalPass.applied);
    }
  }

  if (state.protectedCodes.size > 0) {
    state.skipped.push({
      step: [...state.protectedCodes].sort().join(', '),
      reason: 'not applied in stages that are neither shipped nor copied from (tests, docs, `--target` builds): Optimize leaves them untouched',
    });
  }

  const unique = new Map(state.skipped.map((s) => [`${s.step}\u0000${s.reason}`, s]));
  const decisions: OptimizeDecision[] = [...seen.values()]
    .sort((a, b) => a.spec.rank - b.spec.rank)
    .map(({ spec, applied }) => ({
      id: spec.id,
      title: spec.title,
      explanation: spec.explanation,
      codes: [...spec.codes],
      default: spec.defaultOn,
      ticked: isTicked(spec, options),
      applied,
    }));
  const applied = appliedCounts(state);
  const estimate = tryAnalysis(() => estimateEffect(original, modelOf(state.text))) ?? emptyEstimate();
  return { text: state.text, applied, skipped: [...unique.values()], decisions, estimate, files: overlayChanges(state.overlay) };
}

/**
 * The applied counts by code, with what a decision's rewrite fixed apart (`via`): a code can
 * have both, e.g. PYD101 fixed by its own slim fix in one stage and by the builder split.
 */
function appliedCounts(state: State): AppliedCount[] {
  const out: AppliedCount[] = [];
  for (const [code, count] of state.applied) {
    const via = state.viaDecision.get(code);
    const own = count - (via?.count ?? 0);
    if (own > 0) out.push({ code, count: own });
    if (via && via.count > 0) out.push({ code, count: via.count, via: via.id });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code) || (a.via ?? '').localeCompare(b.via ?? ''));
}

/** Takes a decision's result and keeps what it legitimately changed allowed for later steps. */
function acceptDecision(state: State, before: Behaviour, spec: DecisionSpec, text: string, env: { readContextFile?: (p: string) => string | undefined }): void {
  if (spec.removesEnv) {
    const now = behaviourOf(new DocumentModel(text), env).env;
    for (const name of before.env.keys()) if (!now.has(name)) state.relax.removableEnv.add(name);
  }
  if (spec.id === 'python-upgrade') state.relax.pythonMinor = true;
  if (spec.id === 'gunicorn-env') state.relax.serverOptionsToEnv = true;
  if (spec.id === APP_WORKDIR_DECISION) state.relax.appWorkdir = true;
  state.text = text;
}

/** `*` in removableEnv stands for every key of the original. */
function withWildcard(relax: Relaxations, before: Behaviour): Relaxations {
  if (!relax.removableEnv.has('*')) return relax;
  return { ...relax, removableEnv: new Set([...relax.removableEnv, ...before.env.keys()]) };
}

/**
 * Runs an analysis that parser corner cases (dockerfile-ast throwing on odd input) can break;
 * undefined when it throws. Optimize then refuses that step instead of failing as a whole.
 */
function tryAnalysis<T>(analysis: () => T): T | undefined {
  try {
    return analysis();
  } catch {
    return undefined;
  }
}

/** The estimate of a rewrite whose effect could not be estimated. */
export function emptyEstimate(): OptimizeEstimate {
  return { kind: 'estimate', base: null, buildPackagesRemoved: [], noLongerRebuiltOnSourceChange: [], lines: [], dataDate: '' };
}
