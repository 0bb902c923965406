// PYD306: `apk add` without `--no-cache`, which leaves the package index in the layer.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import { apkCommand, type ApkCommand } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood } from '../shell/query';
import type { Fix, RuleContext } from './types';
import { defineRule } from './define-rule';
import { insertAt, removeCommandEdit, removeInstruction } from './edit-helpers';
import { mountCovers, rmClears } from './layer-helpers';
import { parsedRuns } from './run-scripts';

/** Where apk keeps downloaded indexes (and packages, when a cache is configured). */
const APK_CACHE_DIRS = ['/var/cache/apk', '/etc/apk/cache'];
/** apk subcommands that only change installed packages, never read the index. */
const INDEX_FREE = new Set(['del', 'update', 'cache', 'info']);

/** The apk commands of a script, in order. */
function apkCommands(script: ShellScript): ApkCommand[] {
  return script.commands.map(apkCommand).filter((a): a is ApkCommand => a !== null);
}

/** Whether the script removes the apk cache directory's content (`rm -rf /var/cache/apk/*`). */
function clearsCache(script: ShellScript): boolean {
  return script.commands.some((c) => APK_CACHE_DIRS.some((dir) => rmClears(c, dir)));
}

/**
 * The `apk update` that `--no-cache` makes pointless, if it can go: exactly one update before
 * the first `add`, and nothing after it other than `add`/`del` that would read its index.
 */
function removableUpdate(model: DocumentModel, script: ShellScript, apks: readonly ApkCommand[]): TextEdit | null {
  const firstAdd = apks.find((a) => a.sub === 'add');
  if (!firstAdd) return null;
  const updates = apks.filter((a) => a.sub === 'update');
  const update = updates[0];
  if (updates.length !== 1 || !update || update.command.index > firstAdd.command.index) return null;
  const later = apks.filter((a) => a.command.index > update.command.index);
  if (!later.every((a) => a.sub === 'add' || (a.sub !== null && INDEX_FREE.has(a.sub) && a.sub !== 'update'))) return null;
  return removeCommandEdit(model, script, update.command.index);
}

/** Whether an apk command names its own cache directory. */
function hasCacheDir(apk: ApkCommand): boolean {
  return apk.options.some((o) => o.value === '--cache-dir' || o.value.startsWith('--cache-dir='));
}

/** One fix per RUN: `--no-cache` on every `apk add` lacking it, and the pointless update dropped. */
function runFix(model: DocumentModel, script: ShellScript, apks: readonly ApkCommand[]): Fix {
  const adds = apks.filter((a) => a.sub === 'add');
  const edits: TextEdit[] = adds.filter((a) => !a.noCache && !hasCacheDir(a) && a.subWord).map((a) => insertAt(model, (a.subWord as Word).end, ' --no-cache'));
  const update = adds.some(hasCacheDir) ? null : removableUpdate(model, script, apks);
  if (update) edits.push(update);
  return { title: update ? 'Add `--no-cache` and drop the `apk update`' : 'Add `--no-cache`', applicability: 'safe', edits };
}

/** Programs that run code we cannot see, which might call apk. */
const INDIRECT_RUNNERS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox', 'eval', 'source', '.', 'xargs']);
/** apk named as a command inside an argument (`sh -c "apk upgrade"`); paths like `/etc/apk/…` do not count. */
const APK_MENTION_RE = /(^|[\s;&|(`'"/])apk(\s|$|[;&|)`'"])/;

/**
 * How a command that runs after an `apk update` relates to the index it stored: `fetches` for
 * `apk add --no-cache` (which downloads its own index), `ignores` for commands that never read
 * it (`apk del`, anything that is not apk), `unsure` for every other apk command and for
 * shells, scripts and arguments naming apk, whose use of the index we cannot rule out.
 */
function afterUpdate(cmd: SimpleCommand): 'fetches' | 'ignores' | 'unsure' {
  const apk = apkCommand(cmd);
  if (apk) {
    if (apk.sub === 'add' && apk.noCache && !hasCacheDir(apk)) return 'fetches';
    return apk.sub === 'del' ? 'ignores' : 'unsure';
  }
  const words = effectiveWords(cmd);
  const program = words[0]?.value ?? '';
  if (INDIRECT_RUNNERS.has(baseName(words[0])) || program.startsWith('./') || program.startsWith('../') || program.endsWith('.sh')) return 'unsure';
  return cmd.words.some((w) => APK_MENTION_RE.test(w.value)) ? 'unsure' : 'ignores';
}

/**
 * Whether `child` is, or may be, built `FROM` `stage`: by name, or through an ARG that names it
 * or that we cannot resolve (the model links parents by the written name only).
 */
function mayBuildOn(model: DocumentModel, child: Stage, stage: Stage): boolean {
  if (child.parent === stage) return true;
  const written = child.from.getImage() ?? '';
  if (!written.includes('$') || stage.alias === null) return false;
  const resolved = model.resolveGlobal(written).toLowerCase();
  return resolved === stage.alias || resolved.includes('$');
}

/**
 * Whether nothing needs the index an `apk update` (command `update` of the RUN `info`) stores:
 * at least one `apk add --no-cache` follows it in its stage and nothing else that might read
 * the index does; the stage has no child stage (`FROM <this stage>`, which inherits the index)
 * and no ONBUILD (images built on it may run apk); the update's RUN does not clear or mount
 * the cache directory, in which case nothing is left in the layer to save.
 */
function unusedUpdate(model: DocumentModel, stage: Stage, info: InstructionInfo, script: ShellScript, update: ApkCommand): boolean {
  if (update.noCache || hasCacheDir(update)) return false;
  if (!fullyUnderstood(script) || APK_CACHE_DIRS.some((dir) => mountCovers(info, dir))) return false;
  const later = script.commands.filter((c) => c.index > update.command.index);
  if (later.some((c) => APK_CACHE_DIRS.some((dir) => rmClears(c, dir)))) return false;
  if (model.stages.some((s) => s.index > stage.index && mayBuildOn(model, s, stage))) return false;
  if (stage.instructions.some((i) => i.keyword === 'ONBUILD')) return false;
  for (const next of stage.instructions) {
    if (next.index <= info.index || next.keyword !== 'RUN') continue;
    const nextScript = model.shellOf(next);
    // Exec form, a heredoc, a script that failed to parse: it may run apk in a way we cannot read.
    if (!nextScript || !fullyUnderstood(nextScript)) return false;
    later.push(...nextScript.commands);
  }
  const uses = later.map(afterUpdate);
  return uses.includes('fetches') && !uses.includes('unsure');
}

/** Removes the `apk update` command, or its whole RUN when it is the only command; null when neither can be done safely. */
function updateRemoval(model: DocumentModel, info: InstructionInfo, script: ShellScript, update: ApkCommand): TextEdit | null {
  if (script.commands.length === 1) return removeInstruction(model, info);
  return removeCommandEdit(model, script, update.command.index);
}

/** Reports each `apk update` whose index no later command reads (see {@link unusedUpdate}). */
function reportUnusedUpdates(ctx: RuleContext): void {
  const { model } = ctx;
  for (const { stage, info, script } of parsedRuns(model)) {
    for (const apk of apkCommands(script)) {
      if (apk.sub !== 'update' || !apk.subWord || !unusedUpdate(model, stage, info, script, apk)) continue;
      const tool = effectiveWords(apk.command)[0] as Word;
      const edit = updateRemoval(model, info, script, apk);
      ctx.report({
        range: model.text.rangeOf(tool.start, apk.subWord.end),
        message: stage.ships
          ? '`apk update` stores the package index in the layer, and the `apk add --no-cache` after it fetches its own'
          : '`apk update` stores the package index in this builder layer (only copied files ship), and the `apk add --no-cache` after it fetches its own',
        severity: stage.ships ? 'warning' : 'hint',
        fixes: edit ? [{ title: 'Remove the unneeded `apk update`', applicability: 'safe', edits: [edit] }] : [],
      });
    }
  }
}

/** Whether the RUN keeps the apk cache out of the layer in another way. */
function cacheHandled(info: InstructionInfo, script: ShellScript, apk: ApkCommand): boolean {
  if (hasCacheDir(apk)) return true;
  return clearsCache(script) || APK_CACHE_DIRS.some((dir) => mountCovers(info, dir));
}

export default defineRule({
  code: 'PYD306',
  name: 'apk-add-with-cache',
  title: 'Add `--no-cache` to `apk add`',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL3019'],
  docs: {
    whatItDoes:
      'Flags `apk add` without `--no-cache` when the same `RUN` does not delete `/var/cache/apk/*` and has no cache or tmpfs mount on it. ' +
      'The fix adds `--no-cache` to every `apk add` of that `RUN` and removes a preceding `apk update`, which `--no-cache` makes unnecessary. ' +
      'It also flags an `apk update` (in its own `RUN` or beside other commands) whose index nothing reads: an `apk add` follows it in the stage, every later `apk` command of the stage is `apk add --no-cache` or `apk del`, ' +
      'its `RUN` does not delete `/var/cache/apk/*` after it or mount a cache there, no stage is built `FROM` this one and the stage has no `ONBUILD`. Any other `apk` command, a shell or script that might run apk, or a `RUN` the parser cannot read (exec form, heredoc, `if`) keeps it quiet. ' +
      'In stages that do not ship, the findings are only hints.',
    whyItMatters:
      'Without `--no-cache`, apk stores the package indexes it downloads under `/var/cache/apk`, and they stay in the layer for good: the same waste as apt\'s package lists (PYD303). ' +
      'Package-manager smells were the most size-impactful class in Durieux et al.\'s study of Dockerfiles: affected images were on average 48 MB (4.6 %) larger. With `--no-cache`, apk fetches a fresh index for the command and keeps nothing.',
    fixSafety:
      'Adding `--no-cache` and removing the `apk update` change no installed package: `apk add --no-cache` downloads a fresh index for itself and keeps none, so the image ends up with the same packages and without the index. ' +
      'The update is removed with its `&&` or `;` (or the whole `RUN` when it is the only command); when that could change what the other commands do (`apk update || true`, a subshell, a pipe), the finding comes without a fix.',
    example: 'FROM python:3.12-alpine3.20\nRUN apk update && apk add libpq',
    useInstead: 'FROM python:3.12-alpine3.20\nRUN apk add --no-cache libpq',
    references: [
      'https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper',
      'https://docs.docker.com/build/building/best-practices/#run',
      'https://github.com/hadolint/hadolint/wiki/DL3019',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const { stage, info, script } of parsedRuns(model)) {
      const apks = apkCommands(script);
      const flagged = apks.filter((a) => a.sub === 'add' && a.subWord && !a.noCache && !cacheHandled(info, script, a));
      if (flagged.length === 0) continue;
      const fix = runFix(model, script, apks);
      for (const apk of flagged) {
        const tool = effectiveWords(apk.command)[0] as Word;
        ctx.report({
          range: model.text.rangeOf(tool.start, (apk.subWord as Word).end),
          message: stage.ships
            ? '`apk add` without `--no-cache` leaves the package index in the layer'
            : '`apk add` without `--no-cache` leaves the package index in this builder layer (only copied files ship)',
          severity: stage.ships ? 'warning' : 'hint',
          fixes: [fix],
        });
      }
    }
    reportUnusedUpdates(ctx);
  },
});
