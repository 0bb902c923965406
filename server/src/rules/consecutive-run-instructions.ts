// PYD307: short RUN instructions in a row, each adding a layer that one RUN could hold.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { rootStage, stageChainInstructions, type Stage } from '../model/stages';
import { loneAptUpdate } from '../shell/apt';
import type { ShellScript } from '../shell/parser';
import { fullyUnderstood, hasStatefulBuiltin } from '../shell/query';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { keywordRange, replaceSpan } from './edit-helpers';
import { flagsOf } from './helpers';
import { flagKey, scriptAppendOffset } from './run-scripts';

/** Like hadolint DL3059: RUNs chaining more commands than this were split on purpose. */
const MAX_COMMANDS = 2;
/** Indentation of the joined RUN's continuation line. */
const INDENT = '    ';
/** Shells whose syntax our parser models; `&&` means something else (or nothing) elsewhere. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);
const PRAGMA_RE = /^#\s*(pydockerfile|hadolint)\s+(global\s+)?ignore\s*=/i;

/** A RUN that can take part in a merge. */
interface Candidate {
  info: InstructionInfo;
  script: ShellScript;
  flags: string;
}

/** What one stage's candidates share, read once per stage and check. */
interface StageShells {
  stage: Stage;
  /** The SHELL instructions of the stage chain. */
  shells: readonly InstructionInfo[];
  /** The answer for RUNs after no SHELL (it depends on the base image only), once asked. */
  posixDefault?: boolean;
}

/**
 * Whether RUNs of the stage run in a POSIX shell: no SHELL switching to PowerShell or cmd,
 * and not a Windows base image (whose default shell is cmd).
 */
function runsPosixShell(ctx: StageShells, info: InstructionInfo): boolean {
  let last: InstructionInfo | undefined;
  for (const i of ctx.shells) if (i.index < info.index) last = i;
  if (last) {
    const program = /^\s*\[\s*"([^"]*)"/.exec(last.node.getRawArgumentsContent() ?? '')?.[1] ?? '';
    return POSIX_SHELLS.has(program.split('/').pop() ?? '');
  }
  return (ctx.posixDefault ??= !/windows|nanoserver|servercore/i.test(rootStage(ctx.stage).image?.raw ?? ''));
}

/**
 * A shell-form RUN with one or two fully parsed commands. Exec form, heredocs, compound
 * commands and parse errors never take part, and neither does a lone `apt-get update`:
 * PYD302 folds that one into its install instead.
 */
function candidate(model: DocumentModel, shells: StageShells, info: InstructionInfo): Candidate | null {
  if (info.keyword !== 'RUN') return null;
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script)) return null;
  const count = script.commands.length;
  if (count === 0 || count > MAX_COMMANDS) return null;
  if (loneAptUpdate(script) || !runsPosixShell(shells, info)) return null;
  // Most RUNs have no flags: their key is empty, with no list to map, sort and join.
  return { info, script, flags: flagsOf(info).length === 0 ? '' : flagKey(info) };
}

/**
 * Whether `<previous> && <current>` runs exactly what the two RUNs ran: the previous script
 * leaves no shell state behind and starts no background job, and the current one is a plain
 * `&&`/pipe chain (after `x && a; b` or `x && a || b`, `b` would run even when `x` failed).
 */
function mergeIsSafe(prev: Candidate, cur: Candidate): boolean {
  if (hasStatefulBuiltin(prev.script) || prev.script.commands.some((c) => c.connector === '&' || c.connector === '|&')) return false;
  const commands = cur.script.commands;
  return commands.every((c, k) => c.depth === 0 && (k === commands.length - 1 ? c.connector !== '&' : c.connector === '&&' || c.connector === '|' || c.connector === '|&'));
}

/**
 * Joins `cur` onto `prev` with ` && <escape>`: the comment lines between them move into the
 * continuation (Docker strips them), blank lines are dropped, and `cur`'s keyword and flags
 * give way to a four-space indent. Null when joining could change the script's meaning.
 */
function mergeFix(model: DocumentModel, prev: Candidate, cur: Candidate): Fix | null {
  // A shell comment in the previous RUN would swallow everything appended after it.
  if ((prev.script.comments ?? []).length > 0) return null;
  // The joining ` && <escape>` goes where text appended to the previous RUN's script would.
  const join = scriptAppendOffset(model, prev.script.start, prev.info.end);
  if (join === null) return null;
  const comments: string[] = [];
  for (let line = model.text.positionAt(join).line + 1; line < cur.info.range.start.line; line++) {
    const text = model.text.lineText(line);
    if (text.trim() === '') continue;
    // An ignore pragma would end up inside the joined RUN and stop applying.
    if (PRAGMA_RE.test(text.trim())) return null;
    comments.push(text + model.eol);
  }
  return {
    title: 'Merge with the previous `RUN`',
    applicability: mergeIsSafe(prev, cur) ? 'safe' : 'unsafe',
    edits: [replaceSpan(model, join, cur.script.start, ` && ${model.escapeChar}${model.eol}${comments.join('')}${INDENT}`)],
  };
}

export default defineRule({
  code: 'PYD307',
  name: 'consecutive-run-instructions',
  title: 'Merge consecutive short `RUN` instructions',
  category: 'layers-and-cache',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3059'],
  docs: {
    whatItDoes:
      'Flags a `RUN` that directly follows another `RUN` (comment lines between them are allowed) when both have the same flags and each runs at most two commands, like hadolint\'s DL3059. Longer chains were split on purpose and are left alone, and so are exec-form, heredoc and compound-command RUNs. A lone `apt-get update` is PYD302\'s business. In stages that do not ship, the finding is only a hint.',
    whyItMatters:
      'Every `RUN` adds a layer to the image. Files that one `RUN` creates and a later one deletes still take space in the earlier layer, and each extra layer adds metadata and pull overhead. S000\'s first Dockerfile has seven consecutive RUNs; joining related steps with `&&` keeps the image smaller and the build easier to read. Merging is a trade-off with cache granularity, which is why the rule is informational.',
    example: 'FROM python:3.12-slim-bookworm\nRUN python -m venv /opt/venv\nRUN /opt/venv/bin/pip install --no-cache-dir gunicorn==23.0.0',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN python -m venv /opt/venv \\\n    && /opt/venv/bin/pip install --no-cache-dir gunicorn==23.0.0',
    fixSafety:
      'The fix joins the `RUN` onto the previous one with ` && \\`. It is safe when the previous `RUN` leaves no shell state behind (`cd`, `export`, `set`, `source`, `umask`, `exit`, `exec`, …) and starts no background job, and the merged `RUN` is a plain `&&`/pipe chain. Otherwise it is offered as unsafe: `cd /src` in the first `RUN` would change the directory of the second, and `a; b` behind `&&` would run `b` even when the first `RUN` failed. No fix is offered when the previous `RUN` contains a shell comment (Docker joins the continuation lines first, so the comment would swallow the merged text), ends with a background `&`, or when an ignore pragma sits between the two RUNs (it would stop applying).',
    references: [
      'https://docs.docker.com/build/building/best-practices/#run',
      'https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/',
      'https://github.com/hadolint/hadolint/wiki/DL3059',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      let prev: Candidate | null = null;
      const infos = stage.instructions;
      // The SHELL instructions of the chain, found once per stage (each candidate RUN asks which shell runs it).
      let shells: StageShells | undefined;
      for (let k = 0; k < infos.length; k++) {
        const info = infos[k] as InstructionInfo;
        // Only a RUN right before or after another RUN can pair up: skip reading the rest.
        const paired = info.keyword === 'RUN' && (infos[k - 1]?.keyword === 'RUN' || infos[k + 1]?.keyword === 'RUN');
        const cur = paired ? candidate(model, (shells ??= { stage, shells: stageChainInstructions(stage).filter((i) => i.keyword === 'SHELL') }), info) : null;
        if (prev && cur && prev.flags === cur.flags) {
          const fix = mergeFix(model, prev, cur);
          const range = keywordRange(info);
          const message = stage.ships
            ? 'This `RUN` follows another short `RUN` and adds a layer of its own'
            : 'This `RUN` follows another short `RUN` and adds a layer to this builder stage (only copied files ship)';
          const severity = stage.ships ? 'info' : 'hint';
          // Literals rather than a spread of a fresh object per finding (hundreds on large files).
          ctx.report(fix ? { range, message, severity, fixes: [fix] } : { range, message, severity });
        }
        prev = cur;
      }
    }
  },
});
