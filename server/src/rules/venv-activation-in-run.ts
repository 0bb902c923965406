// PYD208: "activating" a virtual environment inside RUN, which cannot outlive that RUN.
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { stageChainInstructions } from '../model/stages';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood, programInitial } from '../shell/query';
import { venvCreate } from '../shell/tools';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { runCommands, type CommandSite } from './helpers';
import { insertLinesAfter, removeCommandEdit, removeInstruction } from './edit-helpers';
import { parsedRuns, resolveRunPath } from './run-scripts';

type UseKind = 'sourced' | 'executed' | 'chmod';

/** One flagged command and what it does with an `activate` script. */
interface ActivationUse {
  site: CommandSite;
  kind: UseKind;
  /** The `activate` path as written. */
  path: Word;
  /** False for a `chmod` that also changes other files: deleting it would lose that. */
  deletable: boolean;
}

const ACTIVATE_RE = /(^|\/)bin\/activate$/;

/**
 * Whether a path names a venv's `activate` script (`…/bin/activate`). Asked of the first words
 * of every command here and in PYD209: the suffix settles most of them without the regex.
 */
export function isActivatePath(value: string): boolean {
  return value.endsWith('bin/activate') && ACTIVATE_RE.test(value);
}

const CHMOD_FLAG_RE = /^-[RvcfH]+$/;

/** Classifies a command that sources, executes or chmods a venv `activate` script. */
function activationUse(site: CommandSite): Omit<ActivationUse, 'site'> | null {
  const words = effectiveWords(site.command);
  const first = words[0];
  if (!first) return null;
  const second = words[1];
  if ((first.value === 'source' || first.value === '.') && second && isActivatePath(second.value)) {
    const script = site.script;
    const last = site.command.index === script.commands.length - 1 && !script.opaque.some((o) => o.start >= site.command.end);
    return last ? { kind: 'sourced', path: second, deletable: true } : null;
  }
  if (isActivatePath(first.value)) return { kind: 'executed', path: first, deletable: true };
  if (baseName(first) === 'chmod') {
    const files = chmodFiles(words.slice(1));
    const activate = files.find((f) => isActivatePath(f.value));
    if (activate) return { kind: 'chmod', path: activate, deletable: files.every((f) => isActivatePath(f.value)) };
  }
  return null;
}

/** The file operands of `chmod`: every word after the options and the mode (none with `--reference`). */
function chmodFiles(args: Word[]): Word[] {
  const operands = args.filter((w) => !w.value.startsWith('--') && !CHMOD_FLAG_RE.test(w.value));
  return args.some((w) => w.value.startsWith('--reference')) ? operands : operands.slice(1);
}

/** Initials of the programs that create venvs: `python…`, `uv`, `virtualenv`. */
const P = 0x70;
const U = 0x75;
const V = 0x76;

/** The directory a venv-creating command creates, as written, or null for other commands. */
export function venvCreateDir(cmd: SimpleCommand): string | null {
  // Asked of every RUN command by PYD209: one character settles most of them.
  const initial = programInitial(effectiveWords(cmd)[0]);
  if (initial !== P && initial !== U && initial !== V) return null;
  return venvCreate(cmd)?.dir ?? null;
}

/** The RUN (up to the activation) that creates the virtual environment at `dir`, if any. */
function creatingRun(model: DocumentModel, use: ActivationUse, dir: string): InstructionInfo | null {
  const stage = use.site.info.stage;
  if (!stage) return null;
  let found: InstructionInfo | null = null;
  for (const { info, script } of parsedRuns(model, stageChainInstructions(stage))) {
    if (info.index > use.site.info.index) break;
    for (const cmd of script.commands) {
      if (info === use.site.info && cmd.index >= use.site.command.index) break;
      const created = venvCreateDir(cmd);
      if (created !== null && resolveRunPath(model, { info, script, command: cmd }, created) === dir) found = info;
    }
  }
  return found;
}

/** Whether some ENV already puts the venv on PATH (so inserting another would duplicate it). */
function pathAlreadySet(model: DocumentModel, dir: string): boolean {
  return model.byKeyword('ENV').some((info) =>
    propertiesOf(info).some((p) => {
      const value = p.getValue() ?? '';
      return p.getName() === 'PATH' && (value.includes(`${dir}/bin`) || value.includes('VIRTUAL_ENV'));
    }),
  );
}

/** The CONFIRM alternative: put the venv on PATH with ENV right after the RUN that created it. */
function envFix(model: DocumentModel, use: ActivationUse): Fix | null {
  const written = use.path.value.replace(ACTIVATE_RE, '') || '.';
  if (use.path.hasExpansion) return null;
  const dir = resolveRunPath(model, use.site, written);
  if (dir === null || !/^\/[A-Za-z0-9._\/-]*$/.test(dir) || pathAlreadySet(model, dir)) return null;
  const creator = creatingRun(model, use, dir);
  if (!creator) return null;
  return {
    title: `Put \`${dir}\` on PATH with ENV after the RUN that creates it`,
    applicability: 'unsafe',
    edits: [insertLinesAfter(model, creator, [`ENV VIRTUAL_ENV=${dir} PATH="${dir}/bin:$PATH"`])],
  };
}

/** The SAFE deletion: the whole RUN when it only holds flagged commands, else just this command. */
function deletionFix(model: DocumentModel, use: ActivationUse, uses: readonly ActivationUse[], chmodSafe: boolean): Fix | null {
  const { info, script, command } = use.site;
  if (!use.deletable || !fullyUnderstood(script)) return null;
  const inRun = uses.filter((u) => u.site.info === info);
  const onlyThese = script.commands.every((c) => inRun.some((u) => u.site.command === c && u.deletable));
  const edit = onlyThese ? removeInstruction(model, info) : removeCommandEdit(model, script, command.index);
  if (!edit) return null;
  const removed = onlyThese ? inRun : [use];
  const safe = chmodSafe || removed.every((u) => u.kind !== 'chmod');
  const title = onlyThese ? 'Remove this RUN: it only pretends to activate the virtual environment' : use.kind === 'chmod' ? 'Remove the `chmod` of `activate`' : 'Remove the no-op `activate`';
  return { title, applicability: safe ? 'safe' : 'unsafe', edits: [edit] };
}

/**
 * Whether an `activate` script may still be executed after the flagged commands are deleted:
 * then its executable bit matters, and removing the `chmod` is no longer purely cosmetic.
 */
function executedElsewhere(model: DocumentModel, deletedExecutions: ReadonlySet<SimpleCommand>): boolean {
  for (const info of model.instructions) {
    if (!['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(info.keyword)) continue;
    if (!model.content.slice(info.start, info.end).includes('bin/activate')) continue;
    const script = model.shellOf(info);
    if (!script || !fullyUnderstood(script)) return true;
    for (const cmd of script.commands) {
      const first = effectiveWords(cmd)[0];
      if (first && isActivatePath(first.value) && !deletedExecutions.has(cmd)) return true;
    }
  }
  return false;
}

const MESSAGES: Record<UseKind, string> = {
  sourced: 'Sourcing `activate` as the last command of a RUN has no effect: the next instruction starts a fresh shell',
  executed: 'Running `activate` as a program does not activate anything: it only works when sourced, and then only within one RUN',
  chmod: 'Making `activate` executable is pointless: a virtual environment is activated by sourcing the script, not running it',
};

export default defineRule({
  code: 'PYD208',
  name: 'venv-activation-in-run',
  title: 'Put the virtual environment on PATH instead of activating it in RUN',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags RUN commands that try to activate a virtual environment in a way that cannot work: sourcing `…/bin/activate` (with `source` or `.`) as the last command of a RUN, executing `…/bin/activate` as a program, and `chmod` on `…/bin/activate`. ' +
      'Sourcing `activate` earlier in a RUN, followed by commands that use it (`. venv/bin/activate && pip install …`), is fine and not reported.',
    whyItMatters:
      'Every RUN starts a new shell, so the variables that `activate` exports (`PATH`, `VIRTUAL_ENV`) vanish when the instruction ends. Running the script instead of sourcing it changes nothing even inside the same RUN. ' +
      'Later `pip install` and `python` commands therefore still use the system interpreter: packages land in the system site-packages and the virtual environment is dead weight in the image. ' +
      'The pattern that works is `ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"`, which applies to every later instruction and to the running container.',
    example: 'FROM python:3.12-slim-bookworm\nRUN python -m venv /opt/venv\nRUN . /opt/venv/bin/activate\nRUN pip install --no-cache-dir flask==3.0.3',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN python -m venv /opt/venv\nENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"\nRUN pip install --no-cache-dir flask==3.0.3',
    fixSafety:
      'Deleting the no-op commands (or a RUN made only of them) is safe: they never influence another instruction. ' +
      'The alternative fix inserts `ENV VIRTUAL_ENV=<dir> PATH="<dir>/bin:$PATH"` right after the RUN that creates the environment. It is unsafe because it changes which `pip` and `python` every later instruction and the container use: packages that used to land in the system site-packages now go into the virtual environment, and commands that relied on the system interpreter may behave differently.',
    references: [
      'https://docs.python.org/3/library/venv.html#how-venvs-work',
      'https://docs.docker.com/reference/dockerfile/#run',
      'https://docs.docker.com/reference/dockerfile/#env',
      'https://pythonspeed.com/articles/activate-virtualenv-dockerfile/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const uses: ActivationUse[] = [];
    for (const site of runCommands(model)) {
      const use = activationUse(site);
      if (use) uses.push({ site, ...use });
    }
    if (uses.length === 0) return;
    // Executions we delete ourselves no longer need the executable bit.
    const deletedExecutions = new Set(uses.filter((u) => u.kind === 'executed' && deletionFix(model, u, uses, true)).map((u) => u.site.command));
    const chmodSafe = !executedElsewhere(model, deletedExecutions);
    for (const use of uses) {
      const fixes = [deletionFix(model, use, uses, chmodSafe), envFix(model, use)].filter((f): f is Fix => f !== null);
      ctx.report({
        range: model.text.rangeOf(use.site.command.start, use.site.command.end),
        message: MESSAGES[use.kind],
        unnecessary: use.deletable,
        fixes,
      });
    }
  },
});
