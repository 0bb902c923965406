// PYD314: a pipe in a RUN without `pipefail`, so a failing command before the last one goes unnoticed.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood, programName } from '../shell/query';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { imageFamily, insertLinesAboveBlock, shellBefore, type ImageFamily, type ShellInEffect } from './layer-helpers';

/** Shells that understand `-o pipefail`. */
const PIPEFAIL_SHELLS = new Set(['bash', 'zsh', 'ash', 'ksh', 'mksh', 'busybox']);
/** Shells whose syntax our parser models; other SHELLs (PowerShell, cmd) are not judged. */
const POSIX_SHELLS = new Set(['sh', 'dash', ...PIPEFAIL_SHELLS]);
/** Commands that cannot fail in a way `pipefail` would report, so piping them hides nothing. */
const CANNOT_FAIL = new Set(['echo', 'printf', 'yes', 'true', ':']);

/** One pipeline: the commands joined by `|` (or `|&`). */
interface Pipeline {
  commands: SimpleCommand[];
  /** The first command before the last one that can fail. */
  culprit: SimpleCommand;
}

/** A RUN with a pipe that needs `pipefail`. */
interface Flagged {
  info: InstructionInfo;
  stage: Stage;
  pipeline: Pipeline;
  shell: ShellInEffect;
}

/** The pipelines of a script whose status can hide a failure. */
function riskyPipelines(script: ShellScript): Pipeline[] {
  const out: Pipeline[] = [];
  const cmds = script.commands;
  for (let i = 0; i < cmds.length; i++) {
    let j = i;
    while (j < cmds.length - 1 && isPipe(cmds[j] as SimpleCommand)) j++;
    // `a | b || fallback` handles the pipeline's failure itself: `pipefail` would change nothing visible.
    if (j > i && (cmds[j] as SimpleCommand).connector !== '||') {
      const members = cmds.slice(i, j + 1);
      const culprit = members.slice(0, -1).find((c) => !CANNOT_FAIL.has(programName(c)));
      if (culprit) out.push({ commands: members, culprit });
    }
    i = j;
  }
  return out;
}

function isPipe(cmd: SimpleCommand): boolean {
  return cmd.connector === '|' || cmd.connector === '|&';
}

/** `set -o pipefail`, `set -eo pipefail`, `set -euxo pipefail`, `set -o errexit -o pipefail`. */
function setsPipefail(cmd: SimpleCommand): boolean {
  const words = effectiveWords(cmd);
  if (words[0]?.value !== 'set') return false;
  return words.some((w, k) => /^-[a-zA-Z]*o$/.test(w.value) && words[k + 1]?.value === 'pipefail');
}

/**
 * Whether a SHELL argv asks for `-o pipefail` (also inside a cluster such as `-eo`). A shell
 * that does not know the option (dash) fails the build loudly instead, so it counts as set.
 */
function shellHasPipefail(argv: readonly string[]): boolean {
  return argv.some((a, k) => /^-[a-zA-Z]*o$/.test(a) && argv[k + 1] === 'pipefail');
}

function shellProgram(argv: readonly string[]): string {
  const first = (argv[0] ?? '').split('/').pop() ?? '';
  return first === 'busybox' && argv[1] === 'sh' ? 'ash' : first;
}

/** The pipe that needs `pipefail` in a RUN, or null when there is none or it is handled. */
function flaggedRun(model: DocumentModel, stage: Stage, info: InstructionInfo): Flagged | null {
  if (info.keyword !== 'RUN') return null;
  const script = model.shellOf(info);
  if (!script || script.error !== undefined) return null;
  const pipeline = riskyPipelines(script)[0];
  if (!pipeline) return null;
  const shell = shellBefore(model, stage, info);
  if (!shell.known) return null;
  if (shell.argv !== null) {
    if (!POSIX_SHELLS.has(shellProgram(shell.argv)) || shellHasPipefail(shell.argv)) return null;
  }
  const first = pipeline.commands[0] as SimpleCommand;
  if (script.commands.some((c) => c.index < first.index && setsPipefail(c))) return null;
  return { info, stage, pipeline, shell };
}

// -- Safety of switching the shell -------------------------------------------------------------

/** Raw text that dash and bash read differently: brace expansion and `$'…'` quoting. */
const BASH_ONLY_WORD_RE = /(^|[^$\\])\{[^{}\s]*(,|\.\.)[^{}\s]*\}|\$'/;

/** Whether a command means something else under bash than under dash (Debian's `/bin/sh`). */
function differsUnderBash(cmd: SimpleCommand): boolean {
  const words = effectiveWords(cmd);
  const program = baseName(words[0]);
  if (program === 'echo' && words.slice(1).some((w) => w.value.includes('\\') || /^-[neE]*[eE][neE]*$/.test(w.value))) return true;
  if ((program === '[' || program === 'test') && words.some((w) => w.value === '==')) return true;
  if ([...cmd.assignments, ...cmd.words].some((w) => BASH_ONLY_WORD_RE.test(w.raw))) return true;
  return cmd.redirects.some((r) => r.op.op === '&>' || r.op.op === '&>>') || cmd.connector === '|&';
}

/**
 * Whether a pipeline may now fail where it used to succeed for a harmless reason: `yes` (or any
 * writer) killed by SIGPIPE when the reader stops early (`head`, `grep -q`, `read`).
 */
function sigpipeProne(script: ShellScript): boolean {
  const cmds = script.commands;
  return cmds.some((c, k) => {
    const prev = cmds[k - 1];
    if (!prev || !isPipe(prev)) return isPipe(c) && programName(c) === 'yes';
    const words = effectiveWords(c);
    const program = baseName(words[0]);
    if (program === 'head' || program === 'read' || programName(prev) === 'yes') return true;
    return program === 'grep' && words.some((w) => /^-[a-zA-Z]*[qm]/.test(w.value) || /^--(quiet|silent|max-count)/.test(w.value));
  });
}

/** Instructions after `anchor` whose shell changes with a SHELL inserted before it. */
function affectedInstructions(model: DocumentModel, stage: Stage, fromIndex: number): InstructionInfo[] {
  const out: InstructionInfo[] = [];
  for (const info of stage.instructions) {
    if (info.index < fromIndex) continue;
    if (info.keyword === 'SHELL') return out;
    out.push(info);
  }
  for (const child of model.stages) if (child.parent === stage) out.push(...affectedInstructions(model, child, -1));
  return out;
}

/**
 * Whether inserting `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` provably changes nothing but
 * `pipefail`: every affected shell-form instruction is a RUN we fully understand, none of them
 * relies on dash behaviour (when dash was the shell), and no pipe could now fail on SIGPIPE.
 */
function bashSwitchIsSafe(model: DocumentModel, anchor: Flagged): boolean {
  const wasBash = anchor.shell.argv !== null && shellProgram(anchor.shell.argv) === 'bash';
  for (const info of affectedInstructions(model, anchor.stage, anchor.info.index)) {
    if (info.keyword === 'ONBUILD') return false;
    if (['CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(info.keyword)) {
      // Shell-form CMD/ENTRYPOINT/HEALTHCHECK would start under another shell at run time.
      if (info.keyword === 'HEALTHCHECK' ? /\bCMD\s+[^[\s]/i.test(model.content.slice(info.start, info.end)) : !model.isExecForm(info)) return false;
      continue;
    }
    if (info.keyword !== 'RUN' || model.isExecForm(info)) continue;
    const script = model.shellOf(info);
    if (!script || !fullyUnderstood(script)) return false;
    if (!wasBash && script.commands.some(differsUnderBash)) return false;
    if (sigpipeProne(script)) return false;
  }
  return true;
}

// -- The fix ------------------------------------------------------------------------------------

/** Alpine has no bash by default, but BusyBox ash understands `-o pipefail` too. */
function shellLine(family: ImageFamily): string {
  return family === 'alpine' ? 'SHELL ["/bin/ash", "-o", "pipefail", "-c"]' : 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]';
}

/** The first flagged RUN that shares the SHELL in effect with `flagged`: the fix goes above it. */
function anchorOf(all: ReadonlyMap<number, Flagged>, flagged: Flagged): Flagged {
  const after = flagged.shell.info?.index ?? -1;
  for (const info of stageChainInstructions(flagged.stage)) {
    if (info.index <= after) continue;
    const f = all.get(info.index);
    if (f) return f;
  }
  return flagged;
}

function pipefailFix(model: DocumentModel, anchor: Flagged): Fix {
  const family = imageFamily(anchor.stage);
  const line = shellLine(family);
  const safe = family === 'debian' && bashSwitchIsSafe(model, anchor);
  return {
    title: `Insert \`${line}\` before the first piped \`RUN\``,
    applicability: safe ? 'safe' : 'unsafe',
    edits: [insertLinesAboveBlock(model, anchor.info, [line])],
  };
}

/** How the message names the failing command: the program, plus its subcommand if it has one. */
function commandLabel(cmd: SimpleCommand): string {
  const words = effectiveWords(cmd);
  const program = baseName(words[0]);
  const sub = words[1]?.value ?? '';
  return /^[a-z][a-z-]*$/.test(sub) ? `${program} ${sub}` : program;
}

export default defineRule({
  code: 'PYD314',
  name: 'pipe-without-pipefail',
  title: 'Set `pipefail` before piping in a `RUN`',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  hadolint: ['DL4006'],
  docs: {
    whatItDoes:
      'Flags a shell-form `RUN` with a pipe (`a | b`) when a command before the last one can fail, the `SHELL` in effect for the stage is not a shell started with `-o pipefail`, and the `RUN` does not run `set -o pipefail` (or `set -euxo pipefail`) before the pipe. ' +
      'Pipes fed by `echo`, `printf`, `yes` or `true` are ignored, since those cannot fail, and so are pipes followed by `|| …`, which handle a failure themselves. Exec-form and heredoc RUNs, Windows images and PowerShell or cmd shells are not judged.',
    whyItMatters:
      'A pipeline\'s exit status is that of its last command, so a failing download or export before the pipe is silently ignored and the build stays green. ' +
      'In S001, `poetry export … | pip install -r /dev/stdin` installs nothing when the export fails, and the image ships without its dependencies; S002 runs its CI scripts with `set -euxo pipefail` for the same reason. ' +
      'With `pipefail`, the pipeline fails when any of its commands fails.',
    example: 'FROM python:3.12-slim-bookworm\nRUN poetry export -f requirements.txt | pip install --no-cache-dir -r /dev/stdin',
    useInstead:
      'FROM python:3.12-slim-bookworm\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN poetry export -f requirements.txt | pip install --no-cache-dir -r /dev/stdin',
    fixSafety:
      'The fix inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` above the first piped `RUN` of the stage (above its comments), so every later `RUN` of the stage and of stages built on it runs under bash with `pipefail`. ' +
      'It is safe on Debian and Ubuntu based images (the official python images except `-alpine`, `debian`, `ubuntu`), where bash is installed, provided nothing else changes meaning: every affected `RUN` must be fully understood and free of what dash (Debian\'s `/bin/sh`) and bash read differently (`echo` with backslashes or `-e`, brace expansion, `$\'…\'`, `==` in `[`, `&>`), no pipe may start with `yes` or end in an early reader such as `head` or `grep -q` (the writer would now fail on SIGPIPE), and no shell-form `CMD`, `ENTRYPOINT`, `HEALTHCHECK` or `ONBUILD` may follow (it would start under another shell). ' +
      'Otherwise the edit is offered as unsafe. On Alpine the fix uses BusyBox `/bin/ash`, which supports `pipefail`, and is always unsafe; on other images bash may be missing, so it is unsafe too.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#using-pipes',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://github.com/hadolint/hadolint/wiki/DL4006',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const all = new Map<number, Flagged>();
    for (const stage of model.stages) {
      if (imageFamily(stage) === 'windows') continue;
      for (const info of stage.instructions) {
        const flagged = flaggedRun(model, stage, info);
        if (flagged) all.set(info.index, flagged);
      }
    }
    for (const flagged of all.values()) {
      const { pipeline } = flagged;
      const first = pipeline.commands[0] as SimpleCommand;
      const last = pipeline.commands[pipeline.commands.length - 1] as SimpleCommand;
      const culprit = commandLabel(pipeline.culprit);
      ctx.report({
        range: model.text.rangeOf(first.start, last.end),
        message: `A failure of \`${culprit}\` in this pipe goes unnoticed: without \`pipefail\` only the last command's exit status counts`,
        fixes: [pipefailFix(model, anchorOf(all, flagged))],
      });
    }
  },
});
