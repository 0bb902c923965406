// The decisions of "Optimize this Dockerfile": every unsafe step, its rule codes, phase and default.
import { ruleByCode } from '../rules/index';

/** Invariants of catalogue §4.1 that a ticked decision is allowed to change. */
export interface Relaxations {
  /** The Python minor of the final image may change (an end-of-life upgrade). */
  pythonMinor: boolean;
  /** ENV keys of the final image that may disappear. */
  removableEnv: ReadonlySet<string>;
  /** Options may move from the server's command line into `GUNICORN_CMD_ARGS`. */
  serverOptionsToEnv: boolean;
  /** The final image's working directory may move from `/` to `/app` (PYD411's `WORKDIR /app`). */
  appWorkdir: boolean;
}

/** A named decision (the ids the issue and docs/optimize.md list). */
export interface DecisionSpec {
  id: string;
  title: string;
  explanation: string;
  /** Rule codes whose unsafe fixes the decision applies; for `multi-stage` the codes it is attributed to. */
  codes: readonly string[];
  /** Catalogue §4.3 phase: phases 3–5 stop when a phase-3 precondition fails. */
  phase: 1 | 2 | 3 | 4 | 5;
  /** Ticked by `--unsafe` and pre-selected in the editor. */
  defaultOn: boolean;
  /** Application order; lower first. */
  rank: number;
  /** ENV keys the decision may remove from the final image. */
  removesEnv?: 'flagged';
}

/** The decision id of the whole-file multi-stage rewrite. */
export const MULTI_STAGE = 'multi-stage';

/** Ranks: decisions run in this order (phase order, with the prerequisites of phase 3 first). */
const RANK = {
  phase12: 100,
  phase2: 200,
  prep: 300,
  baseSwap: 320,
  upgrade: 330,
  multiStage: 400,
  base: 500,
  runtime: 600,
  late: 700,
} as const;

/** Named decisions, keyed by id. */
export const NAMED_DECISIONS: readonly DecisionSpec[] = [
  {
    id: 'exec-form-shell',
    title: 'Run a shell-form command line through `sh -c "exec …"`',
    explanation:
      'A shell-form CMD or ENTRYPOINT that uses shell syntax (variables, `&&`, pipes) cannot be split into an exec-form array. Writing it as `["sh", "-c", "exec …"]` keeps the shell features and lets the program replace the shell, so it receives stop signals. The program still sees the same arguments.',
    codes: ['PYD401'],
    phase: 1,
    defaultOn: true,
    rank: RANK.phase12 + 1,
  },
  {
    id: 'alpine-to-debian',
    title: 'Move from Alpine to Debian slim and translate `apk` commands to `apt-get`',
    explanation:
      'Most wheels on PyPI are built for glibc; on Alpine (musl) pip compiles them from source, which one field report measured at 30 minutes against 1 minute on Debian slim. The Python minor stays the same; `apk add` packages are translated with a fixed map, and the step is refused when a package has no known Debian name.',
    codes: ['PYD105'],
    phase: 4,
    defaultOn: true,
    rank: RANK.baseSwap,
  },
  {
    id: 'python-upgrade',
    title: 'Upgrade an end-of-life Python to the newest supported minor',
    explanation:
      'An end-of-life Python gets no security fixes and its images are no longer rebuilt. Upgrading the minor can break dependencies and the application, so it is never ticked by default: tick it when you are ready to test on the new version.',
    codes: ['PYD103'],
    phase: 4,
    defaultOn: false,
    rank: RANK.upgrade,
  },
  {
    id: 'debian-upgrade',
    title: 'Move off a Debian release without security support',
    explanation:
      'Images on an end-of-life Debian release receive no security updates. A newer release changes system library versions (and some package names), so it is not ticked by default.',
    codes: ['PYD104'],
    phase: 4,
    defaultOn: false,
    rank: RANK.upgrade + 1,
  },
  {
    id: MULTI_STAGE,
    title: 'Build dependencies in a `builder` stage and copy only the environment into the final image',
    explanation:
      'Installs the dependencies into a virtual environment in a new `builder` stage (with the compilers, -dev headers and tools such as Poetry, Pipenv or uv) and copies only that environment into the final stage, which keeps its instructions, comments, ENV, WORKDIR, EXPOSE and command (except uv install settings such as `UV_COMPILE_BYTECODE` that earlier steps added and nothing there uses any more). Attributed to PYD206 when build packages move out of the final image (their runtime libraries, such as `libpq5` for `libpq-dev`, are installed instead), otherwise to the rule of the tool that leaves the final image, or to PYD101 (the builder may stay on the full image while the final image becomes slim). The builder uses the same Python minor and Debian release as the final image, so a finding about that image (an end-of-life Python, PYD103; a Debian release without support, PYD104) is then reported on both `FROM` lines: the same problem, not a new one. Refused, with the reason, when a precondition cannot be proven.',
    codes: ['PYD206', 'PYD101', 'PYD213', 'PYD210', 'PYD214'],
    phase: 3,
    defaultOn: true,
    rank: RANK.multiStage,
  },
  {
    id: 'slim-runtime',
    title: 'Use the `-slim` variant for the final image',
    explanation:
      'The full python image adds compilers, -dev libraries and VCS tools: about 1.11 GB on disk / 410.9 MB compressed against about 119 MB / 43.2 MB for `-slim` (python 3.12, Aug 2026). Builds that compile packages need those tools: with the multi-stage rewrite they stay in the builder. When that rewrite is ticked but refused, the switch is not made either while the final stage still installs Python dependencies, which might be built from source; tick `slim-runtime` without `multi-stage` to make it anyway.',
    codes: ['PYD101'],
    phase: 4,
    defaultOn: true,
    rank: RANK.base,
  },
  {
    id: 'pin-codename',
    title: 'Pin the Debian release in python image tags',
    explanation:
      'A tag without a release (`3.12-slim`) moves to the next Debian release when it comes out, changing glibc and package names under a rebuild. Pinning to what the tag resolves to today (`3.12-slim-trixie`) builds the same image now and keeps doing so.',
    codes: ['PYD102'],
    phase: 4,
    defaultOn: true,
    rank: RANK.base + 1,
  },
  {
    id: 'non-root',
    title: 'Run the final image as an unprivileged user with a numeric UID',
    explanation:
      'Creates a system user (UID 10001 unless configured) and switches to it with a numeric `USER`, which Kubernetes `runAsNonRoot` can verify. Files stay root-owned and read-only for the app: an app that writes into its own directory at run time needs `--chown` on those paths. The new user cannot write `__pycache__` next to root-owned sources: on the official python image the sources are precompiled (PYD406), on other images PYD406 then reports them as a hint, since `python` may not be the interpreter\'s name there.',
    codes: ['PYD501', 'PYD502'],
    phase: 5,
    defaultOn: true,
    rank: RANK.runtime,
  },
  {
    id: 'gunicorn-env',
    title: 'Move gunicorn options from the command into `ENV GUNICORN_CMD_ARGS`',
    explanation:
      'Options written into the command can only change with a rebuild; gunicorn also reads `GUNICORN_CMD_ARGS`, which `docker run -e` or the orchestrator can override. Gunicorn starts with the same options.',
    codes: ['PYD407'],
    phase: 5,
    defaultOn: true,
    rank: RANK.runtime + 1,
  },
  {
    id: 'healthcheck',
    title: 'Add a `HEALTHCHECK` that probes the exposed port with Python',
    explanation:
      'Lets Docker, Compose, Swarm and ECS see a hung service (Kubernetes uses its own probes). The probe requests `/` on the exposed port: if your service answers an error there, the container is marked unhealthy, so it is not ticked by default; change the path after applying.',
    codes: ['PYD415'],
    phase: 5,
    defaultOn: false,
    rank: RANK.runtime + 2,
  },
  {
    id: 'dockerignore',
    title: 'Create a `.dockerignore` with Python defaults',
    explanation:
      'Keeps `.git`, virtual environments, caches and build output out of the build context, so they are neither sent to the builder nor copied into the image, and do not bust the cache.',
    codes: ['PYD311'],
    phase: 1,
    defaultOn: true,
    rank: RANK.phase12 + 2,
  },
];

/** Codes whose unsafe fix is a named decision rather than `fix:<code>`. */
const NAMED_BY_CODE = new Map<string, DecisionSpec>();
for (const spec of NAMED_DECISIONS) {
  if (spec.id === MULTI_STAGE) continue;
  for (const code of spec.codes) NAMED_BY_CODE.set(code, spec);
}

/** Catalogue §4.3 phase 2: reordering, merging and manifest edits; every other fix is phase 1 unless listed below. */
const PHASE_TWO_CODES: ReadonlySet<string> = new Set(['PYD202', 'PYD301', 'PYD307', 'PYD309']);

/** The phase in which a code's fixes run (safe ones included): phase-1 fixes come before any reordering. */
export function codePhase(code: string): DecisionSpec['phase'] {
  return FIX_PHASE[code] ?? (PHASE_TWO_CODES.has(code) ? 2 : 1);
}

/** Rank from which decisions run after the safe fixes of phase 2. */
export const PHASE_TWO_RANK = RANK.phase2;

/** Catalogue §4.3 phase of the unsafe rule fixes beyond phase 2. */
const FIX_PHASE: Readonly<Record<string, DecisionSpec['phase']>> = {
  PYD204: 3,
  PYD205: 3,
  PYD206: 3,
  PYD310: 3,
  PYD406: 3,
  PYD213: 3,
  PYD106: 4,
  PYD107: 4,
  PYD108: 4,
  PYD403: 5,
  PYD404: 5,
  PYD408: 5,
  PYD410: 5,
};

/** Unsafe fixes that are prerequisites of phase 3: they run before its preconditions are checked. */
const PREP_CODES = new Set(['PYD108', 'PYD204', 'PYD205']);

/**
 * Unsafe fixes applied after the runtime decisions (`non-root`), in their phase's gate: PYD406
 * removes `PYTHONDONTWRITEBYTECODE` only for an image that runs as root, which is known once
 * `non-root` had its turn (otherwise the variable goes and the new user still cannot write).
 */
const AFTER_RUNTIME_CODES = new Set(['PYD406']);

/**
 * Unsafe fixes that are not ticked by default, with the reason (shown in the explanation):
 * they change more than their finding suggests.
 */
const DEFAULT_OFF: Readonly<Record<string, string>> = {
  PYD206: 'removing the build packages with `--auto-remove` in the same RUN can also remove libraries the compiled packages need at run time (such as `libpq5`); the multi-stage rewrite moves them safely',
  PYD304: 'a program can silently depend on a recommended package',
  PYD216: 'switching an index to `https://` breaks the build when the mirror does not serve HTTPS',
  PYD003: 'the instruction a misspelt keyword was meant to be is a guess',
};

/**
 * Decision titles for codes whose unsafe fixes do less than, or something else than, the
 * rule's title says: the title is what the user ticks, so it names the edit that happens.
 */
const FIX_TITLES: Readonly<Record<string, string>> = {
  // The rule's title says "pin"; the unsafe fixes delete a lone `pip install --upgrade pip`
  // (official python images) or pin to the version a lock file of the project names.
  PYD202: 'Remove lone `pip install --upgrade pip` commands and pin packages to the versions the project locks',
  // The compile step is a safe fix (applied without asking); the unsafe one removes the variable.
  PYD406: 'Remove `PYTHONDONTWRITEBYTECODE` where nothing precompiles the code',
  // The rule's title offers two choices, but one checkbox takes the first fix the finding
  // has: the ENV line when the directory is a plain absolute path, else the removal.
  PYD209: 'Put each unused virtual environment on PATH with ENV (or remove its creation when it cannot be)',
};

/** ENV-removing fixes: the keys they remove may disappear from the final image. */
const ENV_REMOVING = new Set(['PYD406', 'PYD410']);

/** The spec of `fix:<code>` for an unsafe rule fix without a named decision. */
export function fixDecision(code: string): DecisionSpec {
  const rule = ruleByCode(code);
  const phase = codePhase(code);
  const off = DEFAULT_OFF[code];
  const title = rule ? `${FIX_TITLES[code] ?? rule.title} (${code})` : `Apply the unsafe fixes of ${code}`;
  const safety = rule?.docs.fixSafety ?? 'This fix may change how the image builds or behaves.';
  const rank = PREP_CODES.has(code) ? RANK.prep : AFTER_RUNTIME_CODES.has(code) ? RANK.late : phase === 1 ? RANK.phase12 + 10 : phase === 2 ? RANK.phase2 : phase === 3 ? RANK.multiStage + 10 : phase === 4 ? RANK.base + 10 : RANK.late;
  return {
    id: `fix:${code}`,
    title,
    explanation: off ? `${safety} Not ticked by default: ${off}.` : safety,
    codes: [code],
    phase,
    defaultOn: off === undefined,
    rank: rank + Number(code.slice(3)) / 1000,
    ...(ENV_REMOVING.has(code) ? { removesEnv: 'flagged' as const } : {}),
  };
}

/** The decision that applies the unsafe fixes of a code. */
export function decisionForCode(code: string): DecisionSpec {
  return NAMED_BY_CODE.get(code) ?? fixDecision(code);
}

/** A decision spec by id (named, or `fix:PYDnnn`), or undefined for an id we do not know. */
export function decisionById(id: string): DecisionSpec | undefined {
  const named = NAMED_DECISIONS.find((d) => d.id === id);
  if (named) return named;
  const m = /^fix:(PYD\d{3})$/.exec(id);
  if (!m) return undefined;
  const code = m[1] as string;
  // A code with a named decision is ticked under that name only.
  return NAMED_BY_CODE.has(code) ? undefined : fixDecision(code);
}

/** Whether a decision is ticked: explicit ids win, else `unsafe` ticks the default-on ones. */
export function isTicked(spec: DecisionSpec, options: { unsafe?: boolean; decisions?: readonly string[] }): boolean {
  if (options.decisions !== undefined) return options.decisions.includes(spec.id);
  return options.unsafe === true && spec.defaultOn;
}
