// PYD214: uv in Dockerfiles: unpinned uv, unlocked or editable syncs, cache mounts without copy mode, no bytecode, kept cache.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { parseImageRef, type ImageRef } from '../model/image-ref';
import { copyFromFlag, resolveStageRef, type Stage } from '../model/stages';
import type { Range } from '../model/text';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { hasVersionSpecifier } from '../shell/pip';
import { baseName, effectiveWords } from '../shell/query';
import { compileStep, toolCommand, uvPipInstall, uvSync, type ToolCommand } from '../shell/tools';
import type { Fix, RuleContext, Severity } from './types';
import { defineRule } from './define-rule';
import { flagsOf, runCommands, runMounts, type CommandSite } from './helpers';
import { insertAt, insertLinesBefore } from './edit-helpers';
import { substitute, variableLookupBefore } from './copy-paths';
import { copiedStages, isTruthy, stagesReachingImage, toolInstall, toolSites, variableAt, type ToolInstall } from './tool-helpers';
import { optionValue } from './run-scripts';

/** A uv command that installs packages, with what fixes need to know about it. */
interface UvInstall {
  kind: 'sync' | 'pip install' | 'pip sync' | 'other';
  has(...names: string[]): boolean;
  values(...names: string[]): string[];
  /** The last subcommand word: options are added right after it. */
  anchor: Word;
}

/** Subcommands (after `uv`) that install into an environment and use the cache. */
const CACHE_USING = ['sync', 'pip', 'tool', 'run', 'add', 'remove'];

/** Recognises uv commands that install packages (`uv sync`, `uv pip install|sync`, `uv tool install`, `uv run`, …). */
function uvInstall(command: SimpleCommand): UvInstall | null {
  const sync = uvSync(command);
  if (sync) return { kind: 'sync', has: sync.has, values: sync.values, anchor: sync.subcommandWord };
  const pip = uvPipInstall(command);
  if (pip) return { kind: 'pip install', has: pip.has, values: pip.values, anchor: pip.installWord };
  for (const sub of CACHE_USING) {
    const cmd: ToolCommand | null = toolCommand(command, 'uv', sub);
    if (!cmd) continue;
    const next = cmd.operands[0];
    if (sub === 'pip' && next?.value === 'sync') return { kind: 'pip sync', has: cmd.has, values: cmd.values, anchor: next };
    if (sub === 'pip' && next?.value !== 'install') return null;
    if (sub === 'tool' && next?.value !== 'install') return null;
    return { kind: 'other', has: cmd.has, values: cmd.values, anchor: cmd.subcommandWord };
  }
  return null;
}

/** uv's image (`ghcr.io/astral-sh/uv`), any tag. */
function isUvImage(ref: ImageRef | null): ref is ImageRef {
  return ref !== null && ref.registry?.toLowerCase() === 'ghcr.io' && ref.name === 'astral-sh/uv';
}

/** Pinned: a digest, or a tag that starts with a uv version (`0.8.4`, `0.8.4-python3.12-bookworm`). */
function isPinnedUvImage(ref: ImageRef): boolean {
  return (ref.digest !== null && ref.digest !== '') || /^\d+\.\d+/.test(ref.tag ?? '');
}

/** uv's installer script without a version in its URL (`https://astral.sh/uv/0.8.4/install.sh` is pinned). */
const UNPINNED_INSTALLER_RE = /^https?:\/\/astral\.sh\/uv\/install\.sh$/;

/** Whether a word is {@link UNPINNED_INSTALLER_RE}; the suffix settles almost every word without the regex. */
function isUnpinnedInstaller(value: string): boolean {
  return value.endsWith('/uv/install.sh') && UNPINNED_INSTALLER_RE.test(value);
}

/**
 * A mount target that holds uv's cache: `~/.cache/uv` or `~/.cache` itself, or the configured
 * `UV_CACHE_DIR`/`--cache-dir`.
 */
function isUvCacheTarget(target: string, configured: readonly string[]): boolean {
  const norm = target.replace(/\/+$/, '');
  return /(^|\/)\.cache(\/uv)?$/.test(norm) || configured.some((c) => c.replace(/\/+$/, '') === norm);
}

/** The cache directories configured for a uv command (`--cache-dir`, `UV_CACHE_DIR`). */
function configuredCacheDirs(site: CommandSite, uv: UvInstall): string[] {
  const env = variableAt(site, 'UV_CACHE_DIR');
  return [...uv.values('--cache-dir'), ...(typeof env === 'string' && env !== '' ? [env] : [])];
}

/** The `--mount=type=cache` flag of a RUN whose target is uv's cache, with its range. */
function uvCacheMount(info: InstructionInfo, configured: readonly string[], types: readonly string[] = ['cache']): Range | null {
  const mountFlags = flagsOf(info).filter((f) => f.getName() === 'mount');
  const mounts = runMounts(info);
  for (let i = 0; i < mounts.length; i++) {
    const m = mounts[i] as Map<string, string>;
    const target = m.get('target') ?? m.get('dst') ?? m.get('destination') ?? '';
    if (types.includes(m.get('type') ?? 'bind') && isUvCacheTarget(target, configured)) return mountFlags[i]?.getRange() ?? info.range;
  }
  return null;
}

/** Whether a later command of the RUN throws uv's cache away (`uv cache clean`, `rm -rf ~/.cache/uv`). */
function cacheRemovedLater(site: CommandSite): boolean {
  return site.script.commands.some((c) => {
    if (c.index <= site.command.index) return false;
    const words = effectiveWords(c);
    const program = baseName(words[0]);
    if (program === 'uv') return words.some((w, i) => w.value === 'cache' && ['clean', 'prune'].includes(words[i + 1]?.value ?? ''));
    return program === "rm" && words.some((w) => /\.cache|uv/.test(w.value));
  });
}

/** An environment setting as a command sees it: true/false, or null when it cannot be known. */
function envFlag(site: CommandSite, name: string): boolean | null {
  const value = variableAt(site, name);
  if (value === null) return null;
  return value !== undefined && isTruthy(value);
}

interface Finding {
  range: Range;
  message: string;
  severity: Severity;
  fixes: Fix[];
}

export default defineRule({
  code: 'PYD214',
  name: 'uv-integration-pitfalls',
  title: 'Use uv in Docker the way its guide describes: pinned, locked, non-editable, cache-aware',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags six uv patterns. Warnings: (a) uv taken from `ghcr.io/astral-sh/uv` without a version tag or digest (in `COPY --from=` or `RUN --mount=from=`, directly or through a stage alias), installed with an unpinned `pip install uv`/`pipx install uv`, or fetched with the unversioned installer `https://astral.sh/uv/install.sh`; ' +
      '(b) `uv sync` without `--locked` or `--frozen` (or `UV_LOCKED`/`UV_FROZEN`); (d) `uv sync` without `--no-editable` (or `UV_NO_EDITABLE`) in a stage that another stage copies files from, unless it skips the project (`--no-install-project`, `--only-group`) or the build context\'s `pyproject.toml` has no `[build-system]` (uv does not install such projects). ' +
      'Information: (c) a RUN with a cache mount on uv\'s cache directory whose uv commands do not use `UV_LINK_MODE=copy` (or `--link-mode copy`); (f) `uv sync`/`uv pip install`/`uv pip sync` in a stage that ships with neither a cache mount, nor `--no-cache`/`UV_NO_CACHE`, nor a later `uv cache clean` in the same RUN. ' +
      'Hint: (e) installs whose files reach the image without bytecode compilation (`UV_COMPILE_BYTECODE=1`, `--compile-bytecode`, or a `python -m compileall` of the environment).',
    whyItMatters:
      'uv\'s Docker integration guide recommends each of these. A floating uv image or installer means two builds of the same Dockerfile may resolve and install differently; pin a version tag (or a sha256 digest). ' +
      '`--locked` asserts that `uv.lock` matches `pyproject.toml` and fails instead of silently re-locking. An editable install leaves only a link to the source tree in the environment, so copying the environment alone into the runtime stage breaks imports; `--no-editable` installs the project itself. ' +
      'A cache mount lives on a different filesystem, so uv cannot hard-link from it and warns on every build; `UV_LINK_MODE=copy` states the mode that is used anyway. Compiling bytecode at build time trades a larger image for faster container start-up. ' +
      'Without a cache mount, uv\'s cache stays in the layer: `--no-cache` (or `UV_NO_CACHE=1`) keeps the downloaded wheels out of the image.',
    example:
      'FROM python:3.12-slim-bookworm\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev',
    useInstead:
      'FROM python:3.12-slim-bookworm\nCOPY --from=ghcr.io/astral-sh/uv:0.8.4 /uv /uvx /bin/\nENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-dev',
    fixSafety:
      'Two fixes are safe: inserting `ENV UV_LINK_MODE=copy` (c) only names the mode uv falls back to across filesystems, and adding `--no-cache` (f) makes uv use a temporary cache that is removed afterwards, with the same installed files. ' +
      'The others are unsafe: `--locked` (b) makes the build fail while `uv.lock` is out of date; `--no-editable` (d) installs a copy of the project, so a later step that edits the sources in place no longer affects the installed package; `ENV UV_COMPILE_BYTECODE=1` (e) makes the build slower and the image larger. ' +
      'Pinning uv (a) needs a version only you can choose, so it is not offered as an edit.',
    references: [
      'https://docs.astral.sh/uv/guides/integration/docker/',
      'https://docs.astral.sh/uv/guides/integration/docker/#caching',
      'https://docs.astral.sh/uv/guides/integration/docker/#compiling-bytecode',
      'https://docs.astral.sh/uv/guides/integration/docker/#non-editable-installs',
      'https://docs.astral.sh/uv/concepts/projects/sync/',
      'https://github.com/astral-sh/uv-docker-example',
    ],
  },
  check(ctx) {
    const findings: Finding[] = [...unpinnedUv(ctx)];
    findings.push(...installFindings(ctx));
    for (const f of findings) ctx.report({ range: f.range, message: f.message, severity: f.severity, fixes: f.fixes });
  },
});

/** (a) uv images, pip/pipx installs and installer scripts that do not pin uv. */
function unpinnedUv(ctx: RuleContext): Finding[] {
  const { model } = ctx;
  const findings: Finding[] = [];
  const reportedStages = new Set<Stage>();
  const imageFinding = (ref: ImageRef, range: Range): Finding => ({
    range,
    message: `\`${ref.raw}\` does not pin a uv version: pin a version tag or a digest`,
    severity: 'warning',
    fixes: [],
  });
  /** A `from` reference: a stage built on uv's image, or the image itself. */
  const checkFrom = (info: InstructionInfo, value: string, range: Range): void => {
    if (!info.stage) return;
    // Without a `$` there is nothing to substitute (most `--from` values name a stage).
    const resolved = value.includes('$') ? substitute(value, variableLookupBefore(model, info)) : value;
    if (resolved.includes('$')) return;
    const stage = resolveStageRef(model.stages, resolved, info.stage.index);
    if (stage) {
      if (!isUvImage(stage.image) || isPinnedUvImage(stage.image) || reportedStages.has(stage)) return;
      reportedStages.add(stage);
      const imageRange = stage.from.getImageRange();
      findings.push(imageFinding(stage.image, imageRange ?? stage.fromInfo.range));
      return;
    }
    const ref = parseImageRef(resolved);
    if (isUvImage(ref) && !isPinnedUvImage(ref)) findings.push(imageFinding(ref, range));
  };
  for (const info of model.instructions) {
    if (info.keyword === 'COPY') {
      const flag = copyFromFlag(info);
      const value = flag?.getValue();
      if (flag && value) checkFrom(info, value, flag.getValueRange() ?? flag.getRange());
    }
    if (info.keyword !== 'RUN') continue;
    const mounts = runMounts(info);
    // Only a `from=` mount can name uv's image: most are cache mounts, with no flag list needed.
    if (!mounts.some((m) => m.has('from'))) continue;
    const mountFlags = flagsOf(info).filter((f) => f.getName() === 'mount');
    mounts.forEach((m, i) => {
      const from = m.get('from');
      const flag = mountFlags[i];
      if (from && flag) checkFrom(info, from, flag.getRange());
    });
  }
  // The installer URL is looked for in every command (curl, wget), a uv install only in the
  // commands that may run a Python tool: `toolSites` lists those, in the same order.
  const tools = toolSites(model);
  let nextTool = 0;
  for (const site of runCommands(model)) {
    let tool: ToolInstall | null = null;
    if (tools[nextTool] === site) {
      nextTool++;
      tool = toolInstall(site, 'uv');
    }
    if (tool && !hasVersionSpecifier(tool.word.value) && !tool.pip?.has('-c', '--constraint')) {
      findings.push({
        range: model.text.rangeOf(tool.word.start, tool.word.end),
        message: '`uv` is installed without a version pin: every build may get a different uv',
        severity: 'warning',
        fixes: [],
      });
      continue;
    }
    for (const word of site.command.words) {
      if (!isUnpinnedInstaller(word.value)) continue;
      findings.push({
        range: model.text.rangeOf(word.start, word.end),
        message: 'The uv installer URL has no version: use `https://astral.sh/uv/<version>/install.sh`',
        severity: 'warning',
        fixes: [],
      });
    }
  }
  return findings;
}

/** Whether the build context's `pyproject.toml` shows a project uv does not install (no build system). */
function virtualProject(ctx: RuleContext, uv: UvInstall): boolean {
  if (uv.has('--directory', '--project')) return false;
  const text = ctx.env.readContextFile?.('pyproject.toml');
  if (text === undefined) return false;
  return !/^\s*\[\s*build-system\s*\]/m.test(text) && !/^\s*package\s*=\s*true\b/m.test(text);
}

/**
 * Whether some compile step in a stage that reaches the image compiles the installed packages:
 * `compileall` without targets (it walks sys.path), of a venv or site-packages, or `compile_path`.
 */
function compilesEnvironments(model: DocumentModel, reaching: ReadonlySet<Stage>): boolean {
  // Compile steps run python, uv or poetry.
  for (const site of toolSites(model)) {
    if (!site.info.stage || !reaching.has(site.info.stage)) continue;
    const step = compileStep(site.command);
    if (!step) continue;
    if (step.kind === 'compile-path') return true;
    if (step.kind === 'compileall' && (step.targets.length === 0 || step.targets.some((t) => /venv|site-packages|dist-packages/.test(t.value)))) return true;
  }
  return false;
}

/** (b)–(f): findings on uv install commands and their RUNs. */
function installFindings(ctx: RuleContext): Finding[] {
  const { model } = ctx;
  const findings: Finding[] = [];
  // Read on the first uv install: most files have none.
  let facts: { copied: ReturnType<typeof copiedStages>; reaching: ReturnType<typeof stagesReachingImage>; compiled: boolean } | undefined;
  const stageFacts = (): NonNullable<typeof facts> => {
    if (!facts) {
      const reaching = stagesReachingImage(model);
      facts = { copied: copiedStages(model), reaching, compiled: compilesEnvironments(model, reaching) };
    }
    return facts;
  };
  /** Per stage, the first RUN that gets an ENV inserted before it: all findings share one edit. */
  const linkModeRun = new Map<Stage, InstructionInfo>();
  const bytecodeRun = new Map<Stage, InstructionInfo>();
  const linkModeFindings: { stage: Stage; finding: Finding; fixable: boolean }[] = [];
  const bytecodeFindings: { stage: Stage; finding: Finding }[] = [];
  const mountsChecked = new Set<InstructionInfo>();

  // Every uv model is null for commands that run no Python tool.
  for (const site of toolSites(model)) {
    const stage = site.info.stage;
    const uv = uvInstall(site.command);
    if (!stage || !uv) continue;
    const { copied, reaching, compiled } = stageFacts();
    // From the program word: inline assignments such as `UV_LINK_MODE=copy` are not the problem.
    const range = model.text.rangeOf(effectiveWords(site.command)[0]?.start ?? site.command.start, uv.anchor.end);
    const configured = configuredCacheDirs(site, uv);

    // (b) not locked.
    if (uv.kind === 'sync' && !uv.has('--locked', '--frozen')) {
      const locked = envFlag(site, 'UV_LOCKED');
      const frozen = envFlag(site, 'UV_FROZEN');
      if (locked === false && frozen === false) {
        findings.push({
          range,
          message: '`uv sync` without `--locked` may update `uv.lock` during the build instead of failing when it is out of date',
          severity: 'warning',
          fixes: [{ title: 'Add `--locked`', applicability: 'unsafe', edits: [insertAt(model, uv.anchor.end, ' --locked')] }],
        });
      }
    }

    // (d) editable project in a stage others copy from.
    if (uv.kind === 'sync' && copied.has(stage) && !uv.has('--no-editable', '--no-install-project', '--only-group') && envFlag(site, 'UV_NO_EDITABLE') === false && !virtualProject(ctx, uv)) {
      findings.push({
        range,
        message: '`uv sync` installs the project as editable in a stage that others copy from: the copied environment only links to the sources',
        severity: 'warning',
        fixes: [{ title: 'Add `--no-editable`', applicability: 'unsafe', edits: [insertAt(model, uv.anchor.end, ' --no-editable')] }],
      });
    }

    // (c) cache mount without copy link mode: one finding per RUN.
    const mount = uvCacheMount(site.info, configured);
    if (mount && !mountsChecked.has(site.info)) {
      const mode = optionValue(effectiveWords(site.command), ['--link-mode']) ?? variableAt(site, 'UV_LINK_MODE');
      if (mode !== null && mode !== 'copy') {
        mountsChecked.add(site.info);
        if (!linkModeRun.has(stage)) linkModeRun.set(stage, site.info);
        linkModeFindings.push({
          stage,
          fixable: mode === undefined,
          finding: {
            range: mount,
            message:
              mode === undefined
                ? 'uv cannot hard-link from a cache mount (another filesystem) and warns on every build: set `UV_LINK_MODE=copy`'
                : `\`UV_LINK_MODE=${mode}\` with a cache mount: uv cannot hard-link or symlink into a mount that disappears after the RUN, use \`copy\``,
            severity: 'info',
            fixes: [],
          },
        });
      }
    }

    if (uv.kind === 'other') continue;

    // (e) no bytecode compilation for files that reach the image.
    if (reaching.has(stage) && !compiled && !compileStep(site.command) && envFlag(site, 'UV_COMPILE_BYTECODE') === false) {
      if (!bytecodeRun.has(stage)) bytecodeRun.set(stage, site.info);
      bytecodeFindings.push({
        stage,
        finding: {
          range,
          message: 'Packages are installed without bytecode compilation, so every container start compiles them again: set `UV_COMPILE_BYTECODE=1`',
          severity: 'hint',
          fixes: [],
        },
      });
    }

    // (f) the uv cache stays in a shipped layer.
    if (stage.ships && !uv.has('--no-cache', '-n') && envFlag(site, 'UV_NO_CACHE') === false && !uvCacheMount(site.info, configured, ['cache', 'tmpfs', 'bind']) && !cacheRemovedLater(site)) {
      findings.push({
        range,
        message: `\`uv ${uv.kind}\` keeps its download cache in the image layer`,
        severity: 'info',
        fixes: [{ title: 'Add `--no-cache`', applicability: 'safe', edits: [insertAt(model, uv.anchor.end, ' --no-cache')] }],
      });
    }
  }

  for (const { stage, finding, fixable } of linkModeFindings) {
    const run = linkModeRun.get(stage);
    if (fixable && run) finding.fixes.push({ title: 'Set `UV_LINK_MODE=copy` with ENV', applicability: 'safe', edits: [insertLinesBefore(model, run, ['ENV UV_LINK_MODE=copy'])] });
    findings.push(finding);
  }
  for (const { stage, finding } of bytecodeFindings) {
    const run = bytecodeRun.get(stage);
    if (run) finding.fixes.push({ title: 'Set `UV_COMPILE_BYTECODE=1` with ENV', applicability: 'unsafe', edits: [insertLinesBefore(model, run, ['ENV UV_COMPILE_BYTECODE=1'])] });
    findings.push(finding);
  }
  return findings;
}
