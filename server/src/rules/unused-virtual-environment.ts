// PYD209: a virtual environment is created but nothing ever runs from it.
import type { DocumentModel } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { baseName, effectiveWords, fullyUnderstood, programName } from '../shell/query';
import type { Fix, LintEnvironment } from './types';
import { defineRule } from './define-rule';
import { runCommands, type CommandSite } from './helpers';
import { removeCommandEdit, removeInstruction } from './edit-helpers';
import { insertLinesBelow } from './python-env-helpers';
import { lastSegment } from './copy-paths';
import { isActivatePath, venvCreateDir } from './venv-activation-in-run';
import { resolveRunPath } from './run-scripts';

/** Tools that pick up a project-local `.venv` on their own (uv always; Poetry and Pipenv when configured). */
const PROJECT_VENV_TOOLS = new Set(['uv', 'uvx', 'poetry', 'pipenv', 'pdm', 'hatch']);

/** A venv-creating command and where the venv lives. */
interface VenvCreation {
  site: CommandSite;
  /** The directory as written in the command. */
  written: string;
  /** The absolute directory. */
  dir: string;
}

/**
 * Commands that touch `activate` without any lasting effect (PYD208's no-ops): executing it,
 * `chmod` on it, or sourcing it as the last command of a RUN. They do not count as a use.
 */
function isActivationNoOp(script: ShellScript, command: SimpleCommand): boolean {
  const words = effectiveWords(command);
  const first = words[0];
  if (!first) return false;
  if (isActivatePath(first.value)) return true;
  if (baseName(first) === 'chmod') {
    const files = words.slice(1).filter((w) => !w.value.startsWith('-'));
    return files.length > 1 && files.slice(1).every((w) => isActivatePath(w.value));
  }
  if ((first.value === '.' || first.value === 'source') && words[1] && isActivatePath(words[1].value)) {
    return command.index === script.commands.length - 1 && script.opaque.every((o) => o.start < command.end);
  }
  return false;
}

/** Escapes a string for use in a regular expression. */
function escapeRe(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * A matcher for text that mentions the venv: its absolute path, or (for a venv created with a
 * relative name) that name as a path component, as in `.venv/bin/python` or `VIRTUAL_ENV=venv`.
 * Deliberately generous: a mention we misread as a use only costs a missed finding.
 */
function mentionMatcher(venv: VenvCreation): RegExp {
  const relative = venv.written.replace(/^\.\//, '').replace(/\/+$/, '');
  const names = [escapeRe(venv.dir)];
  if (!venv.written.startsWith('/') && relative !== '' && relative !== '.') names.push(`(?:\\./)?${escapeRe(relative)}`);
  return new RegExp(`(^|[\\s=:"'\\[,(])(${names.join('|')})(?=$|[/\\s:"'\\],)])`);
}

/** Whether a RUN command (after the creation) uses the venv. */
function commandUses(script: ShellScript, command: SimpleCommand, mentions: RegExp, projectVenv: boolean): boolean {
  if (isActivationNoOp(script, command)) return false;
  if (projectVenv && PROJECT_VENV_TOOLS.has(programName(command))) return true;
  // Asked of every command after the creation: test the words where they are, without a combined list.
  for (const w of command.assignments) if (mentions.test(w.value)) return true;
  for (const w of command.words) if (mentions.test(w.value)) return true;
  for (const r of command.redirects) if (r.target && mentions.test(r.target.value)) return true;
  return false;
}

/** Whether the venv is used anywhere after its creation (see the docs for what counts). */
function isUsed(model: DocumentModel, venv: VenvCreation): boolean {
  const mentions = mentionMatcher(venv);
  const projectVenv = /(^|\/)\.venv$/.test(venv.dir);
  for (const info of model.instructions) {
    if (info.index < venv.site.info.index) continue;
    if (info.keyword === 'RUN') {
      const script = model.shellOf(info);
      if (!script || !fullyUnderstood(script)) {
        // Exec form, heredocs and shell we cannot parse: any mention counts as a use.
        if (info !== venv.site.info && mentions.test(model.content.slice(info.start, info.end))) return true;
        if (info === venv.site.info) return true;
        continue;
      }
      const after = info === venv.site.info ? script.commands.filter((c) => c.index > venv.site.command.index) : script.commands;
      if (after.some((c) => commandUses(script, c, mentions, projectVenv))) return true;
      continue;
    }
    if (info.index === venv.site.info.index) continue;
    if (mentions.test(model.content.slice(info.start, info.end))) return true;
  }
  return false;
}

/** Instructions whose `*.sh` words may name a script of the build context (COPY/ADD name it by its context path). */
const SCRIPT_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'COPY', 'ADD']);

/**
 * Whether a shell script copied or run by a later instruction (`COPY docker/entrypoint.sh /`,
 * `ENTRYPOINT ["./entrypoint.sh"]`, `RUN sh setup.sh`) mentions the venv. The script is looked
 * up in the build context by the path as written and by its file name; without context access
 * nothing can be seen.
 */
function scriptMentions(model: DocumentModel, env: LintEnvironment, venv: VenvCreation, mentions: RegExp): boolean {
  const read = env.readContextFile;
  if (!read) return false;
  for (const info of model.instructions) {
    if (info.index < venv.site.info.index || !SCRIPT_KEYWORDS.has(info.keyword)) continue;
    for (const token of model.content.slice(info.start, info.end).match(/[^\s"'[\],;&|]+\.sh\b/g) ?? []) {
      for (const candidate of new Set([token.replace(/^\.?\/+/, ''), lastSegment(token)])) {
        const content = read(candidate);
        if (content !== undefined && mentions.test(content)) return true;
      }
    }
  }
  return false;
}

/** Whether some ENV already puts the venv on PATH (inserting another one would duplicate it). */
function stageHasVenvPath(stage: Stage, dir: string): boolean {
  return stage.instructions.some((i) => i.keyword === 'ENV' && i.node.getArgumentsContent()?.includes(`${dir}/bin`) === true);
}

/** The CONFIRM fixes: put the venv on PATH after the creating RUN, or remove the creating command. */
function fixesFor(model: DocumentModel, venv: VenvCreation): Fix[] {
  const fixes: Fix[] = [];
  const { info, script, command } = venv.site;
  if (/^\/[A-Za-z0-9._/-]*$/.test(venv.dir) && info.stage && !stageHasVenvPath(info.stage, venv.dir)) {
    fixes.push({
      title: `Put \`${venv.dir}\` on PATH with ENV after the RUN that creates it`,
      applicability: 'unsafe',
      edits: [insertLinesBelow(model, info, [`ENV VIRTUAL_ENV=${venv.dir} PATH="${venv.dir}/bin:$PATH"`])],
    });
  }
  if (fullyUnderstood(script)) {
    const edit = script.commands.length === 1 ? removeInstruction(model, info) : removeCommandEdit(model, script, command.index);
    if (edit) fixes.push({ title: 'Remove the command that creates the unused virtual environment', applicability: 'unsafe', edits: [edit] });
  }
  return fixes;
}

/** Every venv creation with a resolvable directory. */
function creations(model: DocumentModel): VenvCreation[] {
  const found: VenvCreation[] = [];
  for (const site of runCommands(model)) {
    const written = venvCreateDir(site.command);
    if (written === null || written.includes('$')) continue;
    const dir = resolveRunPath(model, site, written);
    if (dir !== null && dir !== '/') found.push({ site, written, dir });
  }
  return found;
}

export default defineRule({
  code: 'PYD209',
  name: 'unused-virtual-environment',
  title: 'Use the virtual environment you create, or do not create it',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags `python -m venv DIR`, `python -m virtualenv DIR`, `virtualenv DIR` and `uv venv [DIR]` when nothing after it uses DIR: no ENV puts `DIR/bin` on PATH (or sets `VIRTUAL_ENV`), no command runs a program from `DIR/bin/` or sources `DIR/bin/activate` before other commands, no `COPY --from` takes it to another stage, and no CMD, ENTRYPOINT or HEALTHCHECK mentions it. ' +
      'For a `.venv` directory, later `uv`, `poetry`, `pipenv`, `pdm` or `hatch` commands count as users, since those tools find a project-local `.venv` by themselves. ' +
      'When the build context can be read, a shell script copied or run by a later instruction (`COPY docker/entrypoint.sh /`, `ENTRYPOINT ["./entrypoint.sh"]`) that mentions the directory counts too; without it, such scripts are invisible and the finding may need an ignore pragma. ' +
      'Executing `activate`, `chmod` on it, or sourcing it as the last command of a RUN do not count: they have no effect (see PYD208). When the directory contains a variable or the working directory is unknown, the rule stays silent.',
    whyItMatters:
      'The environment becomes a layer holding a second, unused copy of pip (plus setuptools on older Pythons), and the Dockerfile looks as if dependencies were isolated while every `pip install` silently lands in the system site-packages. ' +
      'Whoever later copies "the venv" to a runtime stage copies an empty environment.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nRUN python -m venv .venv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nRUN python -m venv .venv\nENV VIRTUAL_ENV=/app/.venv PATH="/app/.venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'Two choices are offered. Putting the environment on PATH (`ENV VIRTUAL_ENV=<dir> PATH="<dir>/bin:$PATH"` right after the RUN that creates it) changes which `pip` and `python` every later instruction and the container use: packages move from the system site-packages into the environment, and code that relied on system packages installed earlier may no longer find them. ' +
      'Removing the creating command is unsafe because a use the rule cannot see — an entry script, a `--python` option pointing into the environment — would break.',
    references: [
      'https://docs.python.org/3/library/venv.html#how-venvs-work',
      'https://docs.docker.com/reference/dockerfile/#env',
      'https://pythonspeed.com/articles/activate-virtualenv-dockerfile/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const venv of creations(model)) {
      if (isUsed(model, venv) || scriptMentions(model, ctx.env, venv, mentionMatcher(venv))) continue;
      const fixes = fixesFor(model, venv);
      ctx.report({
        range: model.text.rangeOf(venv.site.command.start, venv.site.command.end),
        message: `The virtual environment \`${venv.dir}\` is never used: no ENV puts it on PATH and nothing runs from it, so packages go to the system site-packages`,
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  },
});

