// PYD205: `pip install --user` environments that end up unusable (under /root, or scripts off PATH).
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { inStageChain, rootStage, stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import { pipInstall, type PipInstall } from '../shell/pip';
import { effectiveWords, inlineEnv } from '../shell/query';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { definedVariable, type CommandSite } from './helpers';
import { toolSites } from './tool-helpers';
import { insertLinesBefore, replaceSpan } from './edit-helpers';
import { joinPath, normalizePath, relativeWithin } from './copy-paths';
import { copiesFrom, describeStage, insertLinesBelow, isRootUser, removeWordsEdit, userBefore, type StageCopy } from './python-env-helpers';

const ROOT_USER_BASE = '/root/.local';
const VENV = '/opt/venv';
const TRUE_RE = /^(1|true|yes|on)$/i;

/** One `pip install --user` and how it goes wrong. */
interface UserInstall {
  site: CommandSite;
  pip: PipInstall;
  /** The `--user` word, or null when `PIP_USER` turned user installs on. */
  userWord: Word | null;
}

/** The `--user` word of a pip command, if written as a plain option. */
function userOption(pip: PipInstall): Word | null {
  return pip.options.find((o) => o.name === '--user')?.word ?? null;
}

/** Every pip install in a stage that installs into the user site. */
function userInstalls(model: DocumentModel, stage: Stage): UserInstall[] {
  const found: UserInstall[] = [];
  // `pipInstall` is null for commands that run no Python tool: walk only those that do.
  for (const site of toolSites(model, stage)) {
    const pip = pipInstall(site.command);
    // uv has no user site, and pip refuses `--user` next to `--target`/`--prefix`/`--root`.
    if (!pip || pip.runner === 'uv' || pip.has('-t', '--target', '--prefix', '--root')) continue;
    const word = userOption(pip);
    // `PIP_USER` is only looked up when the option is absent (nearly every install).
    if (word || pipUserSet(stage, site)) found.push({ site, pip, userWord: word });
  }
  return found;
}

/** Whether `PIP_USER` turns user installs on for a command (inline, or ENV/ARG before its RUN). */
function pipUserSet(stage: Stage, site: CommandSite): boolean {
  return TRUE_RE.test(inlineEnv(site.command).get('PIP_USER') ?? '') || TRUE_RE.test(definedVariable(stage, site.info, 'PIP_USER') ?? '');
}

/** Whether a stage runs the install as root: an explicit root `USER`, or none on an official python base. */
function runsAsRoot(stage: Stage, info: InstructionInfo): boolean | null {
  const user = userBefore(info);
  if (user === null) return rootStage(stage).image?.isPython ? true : null;
  if (user.includes('$')) return null;
  return isRootUser(user);
}

/** Whether a COPY source path (absolute in the source stage) holds `/root/.local` or part of it. */
function copiesUserBase(source: string): boolean {
  if (source.includes('$')) return false;
  const path = joinPath('/', source);
  return path !== '/' && (relativeWithin(path, ROOT_USER_BASE) !== null || relativeWithin(ROOT_USER_BASE, path) !== null);
}

/** The values of PATH set by ENV instructions. */
function pathValues(info: InstructionInfo): string[] {
  if (info.keyword !== 'ENV') return [];
  const props = propertiesOf(info);
  return props.filter((p) => p.getName() === 'PATH').map((p) => p.getValue() ?? '');
}

/** Whether `stage` descends from `ancestor` through `FROM <stage>`. */
function descendsFrom(stage: Stage, ancestor: Stage): boolean {
  return stage.parent !== null && inStageChain(ancestor, stage.parent);
}

/** The first non-root USER set after `info` in the chain of the final stage, when `info` ships. */
function laterNonRootUser(model: DocumentModel, stage: Stage, info: InstructionInfo): string | null {
  const final = model.finalStage;
  if (!final || !stage.ships) return null;
  let user: string | null = null;
  for (const i of stageChainInstructions(final)) {
    if (i.index <= info.index || i.keyword !== 'USER') continue;
    user = i.node.getArgumentsContent()?.trim() ?? null;
  }
  return user !== null && !user.includes('$') && !isRootUser(user) ? user : null;
}

/** The argument range of a COPY from its first source to its destination. */
function operandSpan(info: InstructionInfo): { start: TextEdit['range']['start']; end: TextEdit['range']['end'] } | null {
  const args = info.node.getArguments();
  const first = args[0];
  const last = args[args.length - 1];
  return first && last && args.length === 2 ? { start: first.getRange().start, end: last.getRange().end } : null;
}

/**
 * The CONFIRM conversion to the venv recipe: create `/opt/venv` in the builder and put it on
 * PATH, drop `--user`, copy `/opt/venv` instead of `/root/.local`, and point PATH at it.
 * Offered only for the plain pattern (`COPY --from=X /root/.local /root/.local`), an official
 * python builder, `--user` written as an option of a `pip` found on PATH, and no `/opt/venv` yet.
 */
function venvFix(model: DocumentModel, stage: Stage, installs: UserInstall[], copies: StageCopy[]): Fix | null {
  if (!rootStage(stage).image?.isPython || model.content.includes(VENV)) return null;
  const edits: TextEdit[] = [];
  for (const install of installs) {
    const program = effectiveWords(install.site.command)[0]?.value ?? '';
    if (!install.userWord || install.userWord.value !== '--user' || program.includes('/')) return null;
    const edit = removeWordsEdit(model, install.site.command, install.userWord, install.userWord);
    if (!edit) return null;
    edits.push(edit);
  }
  const first = installs[0];
  if (!first) return null;
  edits.push(insertLinesBefore(model, first.site.info, [`RUN python -m venv ${VENV}`, `ENV PATH="${VENV}/bin:$PATH"`]));
  const touched = new Set<Stage>([stage]);
  for (const copy of copies) {
    const dest = copy.workdir ? joinPath(copy.workdir.dir, copy.op.dest) : null;
    const span = operandSpan(copy.info);
    if (copy.op.sources.length !== 1 || normalizePath(copy.op.sources[0] as string) !== ROOT_USER_BASE || dest !== ROOT_USER_BASE || !span) return null;
    edits.push({ range: span, newText: `${VENV} ${VENV}` });
    touched.add(copy.consumer);
  }
  for (const target of touched) {
    let onPath = target === stage;
    for (const info of target.instructions) {
      if (!pathValues(info).some((v) => v.includes(`${ROOT_USER_BASE}/bin`))) continue;
      const text = model.content.slice(info.start, info.end);
      for (let at = text.indexOf(`${ROOT_USER_BASE}/bin`); at >= 0; at = text.indexOf(`${ROOT_USER_BASE}/bin`, at + 1)) {
        edits.push(replaceSpan(model, info.start + at, info.start + at + ROOT_USER_BASE.length, VENV));
      }
      onPath = true;
    }
    const copy = copies.find((c) => c.consumer === target);
    if (!onPath && copy) edits.push(insertLinesBelow(model, copy.info, [`ENV PATH="${VENV}/bin:$PATH"`]));
  }
  return { title: `Install into a virtual environment at \`${VENV}\` and copy it instead of \`${ROOT_USER_BASE}\``, applicability: 'unsafe', edits };
}

/** Findings for root installs into `/root/.local` that other stages or a later USER rely on. */
function checkRootInstalls(model: DocumentModel, stage: Stage, installs: UserInstall[], report: (install: UserInstall, message: string, fix: Fix | null) => void): void {
  const copies = copiesFrom(model, stage).filter((c) => c.op.sources.some(copiesUserBase));
  const fix = copies.length > 0 ? venvFix(model, stage, installs, copies) : null;
  const pathStage = model.stages.find((s) => s.index > stage.index && descendsFrom(s, stage) && s.instructions.some((i) => pathValues(i).some((v) => v.includes(`${ROOT_USER_BASE}/bin`))));
  for (const install of installs) {
    const copy = copies[0];
    if (copy) {
      const user = laterNonRootUser(model, copy.consumer, copy.info);
      const who = user ? `, and it runs as \`${user}\`` : '';
      report(install, `\`pip install --user\` runs as root and ${describeStage(copy.consumer)} copies \`${ROOT_USER_BASE}\`${who}: packages under \`/root\` (mode 700) are unusable for any other user`, fix);
      continue;
    }
    if (pathStage) {
      report(install, `\`pip install --user\` runs as root and ${describeStage(pathStage)} puts \`${ROOT_USER_BASE}/bin\` on PATH: packages under \`/root\` (mode 700) are unusable for any other user`, null);
      continue;
    }
    const later = laterNonRootUser(model, stage, install.site.info);
    if (later) report(install, `\`pip install --user\` runs as root, but the image later switches to \`USER ${later}\`: that user cannot see packages in \`${ROOT_USER_BASE}\``, null);
  }
}

/** Whether the final image puts some `~/.local/bin` on PATH. */
function userBinOnPath(model: DocumentModel): boolean {
  const final = model.finalStage;
  return final !== null && stageChainInstructions(final).some((i) => pathValues(i).some((v) => /\.local\/bin/.test(v)));
}

export default defineRule({
  code: 'PYD205',
  name: 'pip-install-user',
  title: 'Install into a virtual environment instead of `pip install --user`',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags `pip install --user` (or `PIP_USER=1`) when the resulting user site cannot serve the container: ' +
      'run as root in a stage whose `/root/.local` another stage copies, or whose descendant stage puts `/root/.local/bin` on PATH, or in the final image before a `USER` switch to another account; ' +
      'and, in the final image, run as a non-root `USER` while no `…/.local/bin` is on PATH. ' +
      'A root `--user` install that stays in a single stage running as root is left alone.',
    whyItMatters:
      '`--user` installs go to `~/.local` of whoever runs pip. For root that is `/root/.local`, and `/root` is mode 700 in Debian-based images, so a non-root runtime user cannot import the packages; the user site of another account is not even on its `sys.path`. ' +
      'Console scripts land in `~/.local/bin`, which is not on PATH by default, so `gunicorn` or your own entry point is "not found". ' +
      'A virtual environment at a neutral path such as `/opt/venv`, put on PATH with ENV and copied to the same path in the runtime stage, avoids both problems and works for any UID.',
    example:
      'FROM python:3.12-slim-bookworm AS build\nCOPY requirements.txt .\nRUN pip install --no-cache-dir --user -r requirements.txt\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCMD ["gunicorn", "app:app"]',
    useInstead:
      'FROM python:3.12-slim-bookworm AS build\nRUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.12-slim-bookworm\nCOPY --from=build /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCMD ["gunicorn", "app:app"]',
    fixSafety:
      'The fix rewrites the builder to create `/opt/venv` and put it on PATH before the first `--user` install, removes `--user`, copies `/opt/venv` instead of `/root/.local` and points PATH at it. ' +
      'Later `pip` and `python` commands of the builder then use the virtual environment, which does not see packages installed earlier into the system site-packages, and anything else the build put under `/root/.local` is no longer copied. ' +
      'It is only offered for the plain `COPY --from=<stage> /root/.local /root/.local` pattern on an official python image; other layouts (a non-root user, other destinations) need a manual change.',
    references: [
      'https://pip.pypa.io/en/stable/user_guide/#user-installs',
      'https://docs.python.org/3/library/site.html#site.USER_BASE',
      'https://docs.python.org/3/library/venv.html',
      'https://pythonspeed.com/articles/multi-stage-docker-python/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const report = (install: UserInstall, message: string, fix: Fix | null): void => {
      const { command } = install.site;
      ctx.report({ range: model.text.rangeOf(command.start, command.end), message, ...(fix ? { fixes: [fix] } : {}) });
    };
    for (const stage of model.stages) {
      const installs = userInstalls(model, stage);
      const asRoot = installs.filter((i) => runsAsRoot(stage, i.site.info) === true);
      if (asRoot.length > 0) checkRootInstalls(model, stage, asRoot, report);
      // The PATH question is asked last: it walks the final stage's chain, and most stages have no `--user` install.
      if (!stage.ships || installs.length === 0 || userBinOnPath(model)) continue;
      for (const install of installs) {
        if (runsAsRoot(stage, install.site.info) !== false) continue;
        const user = userBefore(install.site.info) ?? '';
        report(install, `\`pip install --user\` as \`${user}\` puts console scripts in \`~/.local/bin\`, which is not on PATH`, null);
      }
    }
  },
});
