// PYD202: `pip install` of packages without a version pin (ad-hoc installs that bypass the lock).
import type { Word } from '../shell/lexer';
import { hasVersionSpecifier, isPathOrUrl, isPinnedVcs, pipInstall, requirementName, type PipInstall } from '../shell/pip';
import { fullyUnderstood, inlineEnv } from '../shell/query';
import { rootStage, type Stage } from '../model/stages';
import type { DocumentModel } from '../model/document-model';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { definedVariable, type CommandSite } from './helpers';
import { toolSites } from './tool-helpers';
import { removeCommandEdit, removeInstruction, replaceSpan } from './edit-helpers';
import type { Workspace } from '../workspace/workspace';
import { requirementsUses } from '../workspace/dockerfile-files';

/** What a `pip install` argument is, as far as pinning goes. */
type SpecKind = 'pinned' | 'unpinned' | 'unpinned-vcs' | 'not-a-name';

const ARCHIVE_RE = /\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|zip)$/i;
const DIRECT_REFERENCE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*(\S+)$/;

/**
 * Classifies one package argument. Anything that is not plainly a distribution name (paths,
 * archives, URLs, `$` expansions, globs) is `not-a-name`: pinning advice would be wrong there.
 */
export function classifySpec(spec: string): SpecKind {
  // Environment markers (`; python_version < "3.11"`) contain operators that are not pins.
  // Cut at the first `;` without splitting: asked for every package of every pip install.
  const semicolon = spec.indexOf(';');
  const s = (semicolon === -1 ? spec : spec.slice(0, semicolon)).trim();
  if (s === '' || s.includes('$') || /[*?`]/.test(s)) return 'not-a-name';
  const direct = DIRECT_REFERENCE_RE.exec(s);
  const target = direct ? (direct[2] as string) : s;
  if (/^(git|hg|svn|bzr)\+/i.test(target)) return isPinnedVcs(target) ? 'pinned' : 'unpinned-vcs';
  if (direct || isPathOrUrl(s) || s.includes('/') || s.startsWith('.') || ARCHIVE_RE.test(s)) return 'not-a-name';
  if (hasVersionSpecifier(s)) return 'pinned';
  return /^[A-Za-z0-9]/.test(s) ? 'unpinned' : 'not-a-name';
}

/**
 * Whether the install is bound to versions decided elsewhere: a constraints file (option or
 * `PIP_CONSTRAINT`/`UV_CONSTRAINT`), or `--no-index` (only a local wheelhouse can satisfy it,
 * and the step that built the wheelhouse is where pinning matters).
 */
function versionsDecidedElsewhere(pip: PipInstall, site: CommandSite, stage: Stage): boolean {
  for (const o of pip.options) if (o.name === '-c' || o.name === '--constraint' || o.name === '--no-index') return true;
  const inline = inlineEnv(site.command);
  if (inline.get('PIP_CONSTRAINT') || inline.get('UV_CONSTRAINT')) return true;
  // Two lookups rather than a copy of every variable of the stage, per pip install.
  return Boolean(definedVariable(stage, site.info, 'PIP_CONSTRAINT') || definedVariable(stage, site.info, 'UV_CONSTRAINT'));
}

/** The first requirements file installed with `-r` anywhere in the stage (not a pipe), if any. */
function stageLockFile(model: DocumentModel, stage: Stage): string | null {
  for (const { command } of toolSites(model, stage)) {
    const files = pipInstall(command)?.values('-r', '--requirement') ?? [];
    const file = files.find((f) => f !== '' && f !== '-' && !f.startsWith('/dev/'));
    if (file !== undefined) return file;
  }
  return null;
}

/** Whether the stage's chain starts from the official python image, which ships a current pip. */
function onOfficialPython(stage: Stage): boolean {
  return rootStage(stage).image?.isPython === true;
}

/**
 * The only fix: deleting `pip install --upgrade pip` when pip is the sole package and nothing
 * else (requirements, editable projects, target directories) rides on the same command.
 * Only on the official python image: elsewhere pip comes from the distribution or a vendor
 * image (Ubuntu's `python3-pip`, CUDA or TensorFlow images) and can be too old for today's
 * wheels, so the upgrade may be what makes the later installs work.
 */
function selfUpgradeRemoval(model: DocumentModel, stage: Stage, pip: PipInstall, site: CommandSite, word: Word): Fix | null {
  if (pip.packages.length !== 1 || requirementName(word.value) !== 'pip' || word.value.trim().toLowerCase() !== 'pip') return null;
  if (!onOfficialPython(stage)) return null;
  if (!pip.has('-U', '--upgrade')) return null;
  if (pip.has('-r', '--requirement', '-e', '--editable', '-t', '--target', '--prefix', '--root')) return null;
  // Removing text next to a compound command or a heredoc could swallow it.
  if (!fullyUnderstood(site.script)) return null;
  const edit = site.script.commands.length === 1 ? removeInstruction(model, site.info) : removeCommandEdit(model, site.script, site.command.index);
  return edit ? { title: 'Remove the pip self-upgrade', applicability: 'unsafe', edits: [edit] } : null;
}

/**
 * The requirements files whose pins count as the project's lock for a stage: the ones the
 * Dockerfile installs in that stage, then `requirements*.txt` at the root of the context.
 */
function lockRequirementFiles(model: DocumentModel, workspace: Workspace, stage: Stage): string[] {
  const files = requirementsUses(model)
    .filter((u) => u.stage === stage && u.contextPath !== null)
    .map((u) => u.contextPath as string);
  const root = workspace.list('')?.filter((e) => e.kind === 'file' && /^requirements[^/]*\.txt$/.test(e.name)).map((e) => e.name) ?? ['requirements.txt'];
  return [...new Set([...files, ...root.sort()])];
}

/** `name==version` from a lock file of the workspace, as an unsafe fix; null when no lock pins it. */
function lockPinFix(model: DocumentModel, word: Word, workspace: Workspace | undefined, files: () => string[]): Fix | null {
  // Quoted or escaped words would need their quoting rebuilt: leave them to the user.
  if (!workspace || word.raw !== word.value || !/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]*\])?$/.test(word.value)) return null;
  const locked = workspace.lockedVersion(requirementName(word.value), files());
  if (!locked) return null;
  const pinned = `${word.value}==${locked.version}`;
  return { title: `Pin to \`${pinned}\` (from \`${locked.source}\`)`, applicability: 'unsafe', edits: [replaceSpan(model, word.start, word.end, pinned)] };
}

export default defineRule({
  code: 'PYD202',
  name: 'unpinned-pip-package',
  title: 'Pin the versions of packages installed with `pip install`',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3013'],
  docs: {
    whatItDoes:
      'Flags every package named on a `pip install` command line (also `python -m pip`, `uv pip`, `poetry run pip`, `pipenv run pip`) that has no version specifier (`==`, `~=`, `>=`, …), in every stage, including `pip install --upgrade pip` and tool installs such as `pip install poetry`. Unpinned VCS URLs (`git+https://…` without `@<ref>`) are flagged too. ' +
      'It stays silent for local paths, archives and wheels, URLs, pinned VCS references, arguments containing `$` expansions, requirements files (`-r`), and commands whose versions are decided elsewhere: a constraints file (`-c`, `PIP_CONSTRAINT`) or `--no-index` (a local wheelhouse). ' +
      'When the same stage also installs a requirements file, the message says that the package bypasses it.',
    whyItMatters:
      'Each rebuild silently picks up whatever release is newest that day, so two builds of the same Dockerfile can ship different code, and a broken upstream release breaks your build without any change on your side. ' +
      'Reproducible images need pinned, locked dependencies (pip-tools, Poetry, Pipenv, uv or conda-lock) that you update on a regular cadence. ' +
      'A package installed next to a requirements file is invisible to that lock and to the tools that audit it. ' +
      'An unpinned `pip install --upgrade pip` in its own layer adds churn for little gain: the official python images already ship a current pip, refreshed with every image rebuild.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn',
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\n# gunicorn==23.0.0 is listed in requirements.txt\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'The only automatic fix removes a `pip install --upgrade pip` command (or its whole RUN when it is alone), in stages built on the official python image; other base images (distribution `python3-pip`, vendor images) may ship a pip too old for current wheels, so their upgrade is left alone. It is unsafe: the image then keeps the pip version of the base image, and a build that relies on a newer pip feature or resolver behaviour could change. When the project locks the package (`poetry.lock`, `uv.lock`, `Pipfile.lock`, `pdm.lock`, or an exact `==` pin in a requirements file the stage installs or a `requirements*.txt` of the build context), a fix pins it to that version: unsafe, because the locked version may differ from what the unpinned install picks today, and it is only as current as your lock. Otherwise pinning needs a version only you can choose, so it is not offered as an edit.',
    references: [
      'https://pip.pypa.io/en/stable/topics/repeatable-installs/',
      'https://pip.pypa.io/en/stable/user_guide/#constraints-files',
      'https://pip.pypa.io/en/stable/reference/requirement-specifiers/',
      'https://github.com/hadolint/hadolint/wiki/DL3013',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      let lockFile: string | null | undefined;
      let lockFiles: string[] | undefined;
      const filesForPins = (): string[] => (lockFiles ??= ctx.workspace ? lockRequirementFiles(model, ctx.workspace, stage) : []);
      // `pipInstall` is null for commands that run no Python tool: walk only those that do.
      for (const site of toolSites(model, stage)) {
        const pip = pipInstall(site.command);
        if (!pip || pip.packages.length === 0) continue;
        if (versionsDecidedElsewhere(pip, site, stage)) continue;
        for (const word of pip.packages) {
          if (word.hasExpansion) continue;
          const kind = classifySpec(word.value);
          if (kind === 'pinned' || kind === 'not-a-name') continue;
          if (lockFile === undefined) lockFile = stageLockFile(model, stage);
          const what = kind === 'unpinned-vcs' ? `\`${word.value}\` is installed without a pinned tag or commit` : `\`${word.value}\` is installed without a version pin`;
          const pin = kind === 'unpinned' ? lockPinFix(model, word, ctx.workspace, filesForPins) : null;
          const removal = selfUpgradeRemoval(model, stage, pip, site, word);
          const range = model.text.rangeOf(word.start, word.end);
          const message = lockFile !== null ? `${what} and bypasses the lock file \`${lockFile}\`` : what;
          // Literals rather than a filtered array and a spread per finding (hundreds on large files).
          if (pin === null && removal === null) ctx.report({ range, message });
          else ctx.report({ range, message, fixes: pin === null ? [removal as Fix] : removal === null ? [pin] : [pin, removal] });
        }
      }
    }
  },
});
