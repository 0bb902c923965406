// PYD306: `apk add` without `--no-cache`, which leaves the package index in the layer.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import { apkCommand, type ApkCommand } from '../shell/apt';
import type { ShellScript } from '../shell/parser';
import { effectiveWords } from '../shell/query';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { insertAt, removeCommandEdit } from './edit-helpers';
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
  fix: { availability: 'always', applicability: 'safe' },
  hadolint: ['DL3019'],
  docs: {
    whatItDoes:
      'Flags `apk add` without `--no-cache` when the same `RUN` does not delete `/var/cache/apk/*` and has no cache or tmpfs mount on it. ' +
      'The fix adds `--no-cache` to every `apk add` of that `RUN` and removes a preceding `apk update`, which `--no-cache` makes unnecessary. In stages that do not ship, the finding is only a hint.',
    whyItMatters:
      'Without `--no-cache`, apk stores the package indexes it downloads under `/var/cache/apk`, and they stay in the layer for good: the same waste as apt\'s package lists (PYD303). ' +
      'Package-manager smells were the most size-impactful class in Durieux et al.\'s study of Dockerfiles: affected images were on average 48 MB (4.6 %) larger. With `--no-cache`, apk fetches a fresh index for the command and keeps nothing.',
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
  },
});
