// PYD302: `apt-get update` in a RUN that installs nothing, so its index layer is cached apart.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import { aptCommand, isAptUpdate, loneAptUpdate, mayUseAptIndex, usesAptIndex } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { fullyUnderstood } from '../shell/query';
import type { TextEdit } from '../model/text';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { insertAt, removeCommandEdit, removeInstruction, replaceSpan } from './edit-helpers';
import { flagKey, parsedRuns } from './run-scripts';

/** What the instructions after a lone update do with the package index. */
type NextUse =
  /** Nothing reads the index any more. */
  | { kind: 'none' }
  /** A later RUN refreshes the index itself before reading it. */
  | { kind: 'refreshed' }
  /** The first command that reads the index, where the update can be moved. */
  | { kind: 'use'; info: InstructionInfo; command: SimpleCommand }
  /** Something may read the index and the update cannot be moved in front of it. */
  | { kind: 'unsure' };

/**
 * Text that might run apt in an instruction we could not parse (exec form, heredoc, compound
 * commands): an apt tool, a shell or a script.
 */
const MAY_USE_APT_TEXT_RE = /(^|[^\w/.-])(apt|apt-get|apt-cache|aptitude|install_packages)(?![\w-])|\.sh\b|\b(ba|da|z|k|a)?sh\b/;

/** How one instruction relates to the index; null when it neither reads nor refreshes it. */
function indexUseIn(model: DocumentModel, info: InstructionInfo): NextUse | null {
  if (info.keyword === 'ONBUILD') return MAY_USE_APT_TEXT_RE.test(instructionText(model, info)) ? { kind: 'unsure' } : null;
  if (info.keyword !== 'RUN') return null;
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) {
    return MAY_USE_APT_TEXT_RE.test(instructionText(model, info)) ? { kind: 'unsure' } : null;
  }
  for (const command of script.commands) {
    if (isAptUpdate(command)) return { kind: 'refreshed' };
    if (usesAptIndex(command)) return canPrefix(script, command) ? { kind: 'use', info, command } : { kind: 'unsure' };
    if (mayUseAptIndex(command)) return { kind: 'unsure' };
  }
  return null;
}

function instructionText(model: DocumentModel, info: InstructionInfo): string {
  return model.content.slice(info.start, info.end);
}

/**
 * Whether `<update> && ` can go in front of a command without changing what runs: it must
 * start a top-level `&&`/`;` list element (after `|` or `||` the update would join the wrong
 * pipeline or be skipped) and must not be negated.
 */
function canPrefix(script: ShellScript, command: SimpleCommand): boolean {
  if (command.depth !== 0 || command.negated) return false;
  const prev = script.commands[command.index - 1];
  return prev === undefined || (prev.depth === 0 && (prev.connector === '&&' || prev.connector === ';'));
}

/**
 * The next use of the index after `from` in its stage. A USER or SHELL change in between makes
 * moving the update unsafe (it would run as another user or in another shell).
 */
function nextUseInStage(model: DocumentModel, stage: Stage, from: InstructionInfo): NextUse {
  let crossedContextChange = false;
  for (const info of stage.instructions) {
    if (info.index <= from.index) continue;
    if (info.keyword === 'USER' || info.keyword === 'SHELL') crossedContextChange = true;
    const use = indexUseIn(model, info);
    if (use === null) continue;
    if (use.kind === 'use' && crossedContextChange) return { kind: 'unsure' };
    return use;
  }
  return { kind: 'none' };
}

/** Whether a stage built on `stage` (directly or through others) may read its index. */
function descendantMayUseIndex(model: DocumentModel, stage: Stage): boolean {
  return model.stages.some((s) => {
    if (s.index <= stage.index || !descendsFrom(s, stage)) return false;
    for (const info of s.instructions) {
      const use = indexUseIn(model, info);
      if (use === null) continue;
      return use.kind !== 'refreshed';
    }
    return false;
  });
}

function descendsFrom(stage: Stage, ancestor: Stage): boolean {
  for (let s = stage.parent; s; s = s.parent) if (s === ancestor) return true;
  return false;
}

/**
 * The update command as one line of shell. Its options (`-qq`, `-o Acquire::Retries=3`),
 * wrappers and inline variables move with it.
 */
function updateText(model: DocumentModel, command: SimpleCommand): string {
  const source = model.content.slice(command.start, command.end);
  if (!/[\r\n]/.test(source)) return source;
  const parts = [...command.assignments, ...command.words].map((w) => w.raw);
  for (const r of command.redirects) parts.push(`${r.op.fd ?? ''}${r.op.op}${r.target ? ' ' + r.target.raw : ''}`);
  return parts.join(' ');
}

/**
 * Removes a whole RUN. On the last line of a file without a final line break, the line break
 * before it goes instead, so the file does not gain an empty last line.
 */
function removeRun(model: DocumentModel, info: InstructionInfo): TextEdit {
  const line = info.range.end.line;
  const lineEnd = model.text.lineStart(line) + model.text.lineText(line).length;
  const first = info.range.start.line;
  if (lineEnd < model.content.length || first === 0) return removeInstruction(model, info);
  const previousEnd = model.text.lineStart(first - 1) + model.text.lineText(first - 1).length;
  return replaceSpan(model, previousEnd, lineEnd, '');
}

/** The fix for a lone update, or none when moving or removing it is not provably harmless. */
function fixesFor(model: DocumentModel, stage: Stage, info: InstructionInfo, script: ShellScript, update: SimpleCommand): Fix[] {
  const removal = script.commands.length === 1 ? removeRun(model, info) : removeCommandEdit(model, script, update.index);
  if (!removal) return [];
  const written = `\`${aptCommand(update)?.tool ?? 'apt-get'} update\``;
  const next = nextUseInStage(model, stage, info);
  switch (next.kind) {
    case 'unsure':
      return [];
    case 'refreshed':
      return [{ title: `Remove the redundant ${written}`, applicability: 'safe', edits: [removal] }];
    case 'none':
      if (descendantMayUseIndex(model, stage)) return [];
      return [{ title: `Remove the unused ${written}`, applicability: 'safe', edits: [removal] }];
    case 'use': {
      // Mounts or network settings of the update's RUN (a secret with repository credentials,
      // say) must also be present where it moves to.
      const ownFlags = flagKey(info);
      if (ownFlags !== '' && ownFlags !== flagKey(next.info)) return [];
      const prefix = insertAt(model, next.command.start, `${updateText(model, update)} && `);
      return [{ title: `Move ${written} into the \`RUN\` that installs`, applicability: 'safe', edits: [removal, prefix] }];
    }
  }
}

export default defineRule({
  code: 'PYD302',
  name: 'apt-get-update-alone',
  title: 'Run `apt-get update` in the same `RUN` as the install',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags `apt-get update` (also `apt update` and `aptitude update`) in a `RUN` that does not install, upgrade or otherwise read the package index in the same `RUN`. The fix removes the update and puts it in front of the next install in the stage; when nothing reads the index afterwards, it only removes it. Scripts, shells and compound commands that might use apt keep the rule silent.',
    whyItMatters:
      'The update is a layer of its own, and Docker caches it independently of the install that needs it. When the install line changes later, the build reuses the cached, possibly weeks-old package index: `apt-get install` then fails with 404 errors for superseded package versions or silently installs outdated ones. Docker\'s best practices say to always combine `apt-get update` with `apt-get install` in the same `RUN` statement. S000 shows `RUN apt-get update` alone with no install at all, and S004 splits update and install into two RUNs.',
    example: 'FROM python:3.12-slim-bookworm\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends libpq5',
    useInstead:
      'FROM python:3.12-slim-bookworm\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://docs.docker.com/build/cache/',
      'https://manpages.debian.org/bookworm/apt/apt-get.8.en.html',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const { stage, info, script } of parsedRuns(model)) {
      const update = loneAptUpdate(script);
      if (!update) continue;
      const written = `${aptCommand(update)?.tool ?? 'apt-get'} update`;
      ctx.report({
        range: model.text.rangeOf(update.start, update.end),
        message: `\`${written}\` runs without an install in the same \`RUN\`, so a cached layer can serve a stale package index`,
        fixes: fixesFor(model, stage, info, script, update),
      });
    }
  },
});
