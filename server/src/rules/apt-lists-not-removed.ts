// PYD303: `apt-get update` + install in a RUN that leaves the downloaded package lists in the layer.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { Word } from '../shell/lexer';
import { aptCommand, isAptUpdate, mayUseAptIndex, usesAptIndex } from '../shell/apt';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { effectiveWords, fullyUnderstood } from '../shell/query';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { execFormArgs, mountCovers, rmClears } from './layer-helpers';
import { parsedRuns, scriptAppendOffset } from './run-scripts';

const LISTS = '/var/lib/apt/lists';
const CLEANUP = 'rm -rf /var/lib/apt/lists/*';
/** Text that might run apt in an instruction we cannot parse: an apt tool, a shell or a script. */
const MAY_USE_APT_TEXT_RE = /(^|[^\w/.-])(apt|apt-get|apt-cache|aptitude|install_packages)(?![\w-])|\.sh\b|\b(ba|da|z|k|a)?sh\b/;

/** Whether a command (after the RUN's last apt command) empties the lists or might. */
function cleansLists(cmd: SimpleCommand): boolean {
  if (rmClears(cmd, LISTS)) return true;
  if (aptCommand(cmd)?.sub === 'dist-clean') return true;
  // `find /var/lib/apt/lists -delete`, a helper script given the path, …: assume it cleans.
  return cmd.words.some((w) => w.value.includes('/var/lib/apt'));
}

/** Whether the RUN removes the lists after its last apt command, or might in a part we cannot read. */
function listsRemoved(model: DocumentModel, script: ShellScript): boolean {
  const aptIndexes = script.commands.filter((c) => aptCommand(c) !== null && aptCommand(c)?.sub !== 'dist-clean').map((c) => c.index);
  const last = Math.max(...aptIndexes);
  if (script.commands.some((c) => c.index > last && cleansLists(c))) return true;
  return script.opaque.some((o) => /\/var\/lib\/apt|dist-clean/.test(model.content.slice(o.start, o.end)));
}

/** How a later instruction relates to the lists: needs them, refreshes them first, or neither. */
type ListUse = 'needs' | 'refreshes' | null;

function listUseIn(model: DocumentModel, info: InstructionInfo): ListUse {
  const text = model.content.slice(info.start, info.end);
  if (info.keyword === 'ONBUILD') return MAY_USE_APT_TEXT_RE.test(text) ? 'needs' : null;
  if (info.keyword !== 'RUN') return null;
  const argv = execFormArgs(model, info);
  if (argv) {
    // Exec form runs one program: apt itself, a shell or a script might read the lists.
    const program = argv[0] ?? '';
    return MAY_USE_APT_TEXT_RE.test(program) || program.startsWith('./') || program.startsWith('../') ? 'needs' : null;
  }
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) return MAY_USE_APT_TEXT_RE.test(text) ? 'needs' : null;
  for (const command of script.commands) {
    if (isAptUpdate(command)) return 'refreshes';
    if (usesAptIndex(command) || mayUseAptIndex(command)) return 'needs';
  }
  return null;
}

/**
 * Whether something after `from` (in its stage, then in the stages built on it) may read the
 * package lists before refreshing them: removing them would then break that install.
 */
function listsNeededLater(model: DocumentModel, stage: Stage, from: number): boolean {
  for (const info of stage.instructions) {
    if (info.index <= from) continue;
    const use = listUseIn(model, info);
    if (use === 'needs') return true;
    if (use === 'refreshes') return false;
  }
  return model.stages.some((child) => child.parent === stage && listsNeededLater(model, child, -1));
}

/**
 * Where the cleanup goes: right after the last character the shell sees (before a trailing
 * `;`). Null when text appended there could be swallowed by a shell comment or a heredoc, or
 * would follow a background `&`.
 */
function appendOffset(model: DocumentModel, info: InstructionInfo, script: ShellScript): number | null {
  if ((script.comments ?? []).length > 0) return null;
  // A heredoc's body follows its line: text appended at the end could land in the body or
  // after its terminator, and the parser cannot tell which.
  if (script.opaque.some((o) => o.reason === 'heredoc')) return null;
  return scriptAppendOffset(model, script.start, info.end);
}

/**
 * The cleanup text in the RUN's own layout: on the same line for one-line RUNs; on a new
 * continuation line starting with `&&` when the RUN's lines do (` \` + `&& rm …`); after a
 * trailing `&& \` when the RUN chains that way; otherwise on the last line.
 */
function cleanupText(model: DocumentModel, info: InstructionInfo, offset: number): string {
  const first = info.range.start.line;
  const last = model.text.positionAt(offset).line;
  const esc = model.escapeChar;
  const lines: string[] = [];
  for (let line = first; line <= last; line++) lines.push(model.text.lineText(line));
  const leading = lines.slice(1).filter((l) => /^\s*&&/.test(l)).pop();
  if (leading !== undefined) return ` ${esc}${model.eol}${/^\s*/.exec(leading)?.[0] ?? ''}&& ${CLEANUP}`;
  const trailing = lines.slice(0, -1).map((l, k) => ({ l: l.trimEnd(), k })).filter(({ l }) => l.endsWith(`&& ${esc}`) || l.endsWith(`&&${esc}`)).pop();
  if (trailing !== undefined) {
    const next = lines[trailing.k + 1] ?? '';
    return ` && ${esc}${model.eol}${/^\s*/.exec(next)?.[0] ?? ''}${CLEANUP}`;
  }
  return ` && ${CLEANUP}`;
}

function cleanupFix(model: DocumentModel, stage: Stage, info: InstructionInfo, script: ShellScript): Fix | null {
  const offset = appendOffset(model, info, script);
  if (offset === null) return null;
  const edit: TextEdit = insertAt(model, offset, cleanupText(model, info, offset));
  const applicability = listsNeededLater(model, stage, info.index) ? 'unsafe' : 'safe';
  return { title: `Append \`${CLEANUP}\``, applicability, edits: [edit] };
}

export default defineRule({
  code: 'PYD303',
  name: 'apt-lists-not-removed',
  title: 'Remove the apt package lists in the `RUN` that downloads them',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL3009'],
  docs: {
    whatItDoes:
      'Flags `apt-get update` (also `apt update` and `aptitude update`) in a `RUN` that then installs or otherwise reads the index, when the same `RUN` does not delete `/var/lib/apt/lists/*` afterwards (or run `apt-get dist-clean`) and has no cache or tmpfs mount on `/var/lib/apt/lists` or a parent. ' +
      'Only stages that ship are checked, like hadolint: the final stage and the stages it is built on. A lone update without an install is PYD302\'s business.',
    whyItMatters:
      'The lists that `apt-get update` downloads take tens of megabytes and are useless once the packages are installed. A later `RUN rm` cannot take them out of the earlier layer, so they must be removed in the same `RUN`. ' +
      'Package-manager smells were the most size-impactful class in Durieux et al.\'s study of Dockerfiles (affected images were on average 48 MB, 4.6 %, larger), and the official python images clean up the same way (`apt-get dist-clean`).',
    example: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*',
    fixSafety:
      'The fix appends ` && rm -rf /var/lib/apt/lists/*` at the end of the `RUN`, on a continuation line of its own when the `RUN` already spans several lines. ' +
      'It is safe when nothing later in the stage, or in a stage built on it, reads the package index without running `apt-get update` first: such an install would fail with "Unable to locate package" once the lists are gone. ' +
      'When a later instruction might (an install without an update, a script, an exec-form or heredoc `RUN` that mentions apt, an `ONBUILD`), the same edit is offered as unsafe. No fix is offered when the `RUN` contains a shell comment (the appended text would be commented out) or ends with a background `&`.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/docker-library/python/blob/master/3.12/slim-bookworm/Dockerfile',
      'https://github.com/hadolint/hadolint/wiki/DL3009',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const { stage, info, script } of parsedRuns(model)) {
      if (!stage.ships) continue;
      const update = script.commands.find(isAptUpdate);
      if (!update || !script.commands.some(usesAptIndex)) continue;
      if (listsRemoved(model, script) || mountCovers(info, LISTS)) continue;
      const apt = aptCommand(update);
      const tool = effectiveWords(update)[0] as Word;
      const fix = cleanupFix(model, stage, info, script);
      ctx.report({
        range: model.text.rangeOf(tool.start, apt?.subWord?.end ?? update.end),
        message: `\`${apt?.tool ?? 'apt-get'} update\` leaves its package lists in the layer: remove \`${LISTS}/*\` at the end of the same \`RUN\``,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
});
