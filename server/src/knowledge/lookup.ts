// Knowledge hovers: the env-var or package-flag entry for the word under the cursor.
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { apkCommand, aptCommand } from '../shell/apt';
import type { Word } from '../shell/lexer';
import type { SimpleCommand } from '../shell/parser';
import { pipInstall } from '../shell/pip';
import { describeEnvVar, envVarInfo } from './env-vars';
import { describePackageFlag, packageFlagInfo, type PackageTool } from './package-flags';

/** Short options that take a value, per tool: in a cluster (`-rFILE`, `-qr FILE`) they end the flags. */
const SHORT_VALUE: Record<PackageTool, string> = { pip: 'rceitfC', 'apt-get': 'otc', apk: 'tXp' };

/**
 * Markdown about what is under `offset`: an ENV/ARG key (or a `NAME=` assignment in a RUN) that
 * Python, pip, Poetry, uv or Pipenv read, or an option of `pip install`, `apt-get` or `apk` in
 * a shell-form RUN. Null when there is nothing known there.
 */
export function knowledgeAt(model: DocumentModel, offset: number): string | null {
  const info = model.instructions.find((i) => i.start <= offset && offset <= i.end);
  if (!info) return null;
  if (info.keyword === 'ENV' || info.keyword === 'ARG') return propertyKnowledge(model, info, offset);
  if (info.keyword !== 'RUN') return null;
  const script = model.shellOf(info);
  if (!script || script.error !== undefined) return null;
  const command = script.commands.find((c) => c.start <= offset && offset <= c.end);
  return command ? commandKnowledge(command, offset) : null;
}

function propertyKnowledge(model: DocumentModel, info: InstructionInfo, offset: number): string | null {
  const props = propertiesOf(info);
  for (const prop of props) {
    const range = prop.getNameRange();
    if (model.text.offsetAt(range.start) <= offset && offset <= model.text.offsetAt(range.end)) return envMarkdown(prop.getName());
  }
  return null;
}

function envMarkdown(name: string): string | null {
  const entry = envVarInfo(name);
  return entry ? describeEnvVar(entry) : null;
}

/** Whether `offset` is on the word (its start up to and including its end). */
function onWord(word: Word, offset: number): boolean {
  return word.start <= offset && offset <= word.end;
}

function commandKnowledge(command: SimpleCommand, offset: number): string | null {
  // `PIP_NO_CACHE_DIR=1 pip install …` and `env UV_LINK_MODE=copy uv sync`.
  for (const word of [...command.assignments, ...command.words]) {
    if (!onWord(word, offset)) continue;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.raw);
    if (assignment && offset <= word.start + (assignment[1] as string).length) {
      const markdown = envMarkdown(assignment[1] as string);
      if (markdown) return markdown;
    }
  }
  const word = command.words.find((w) => onWord(w, offset));
  if (!word || !word.value.startsWith('-') || word.value.length < 2) return null;
  const pip = pipInstall(command);
  // uv's options look like pip's but are its own; the table describes pip.
  if (pip && pip.runner !== 'uv') {
    if (!pip.options.some((o) => o.word === word)) return null;
    return flagMarkdown('pip', word, offset);
  }
  const apt = aptCommand(command);
  // `apt` shares apt-get's options; aptitude has its own.
  if (apt) return apt.tool !== 'aptitude' && apt.options.includes(word) ? flagMarkdown('apt-get', word, offset) : null;
  const apk = apkCommand(command);
  if (apk && apk.options.includes(word)) return flagMarkdown('apk', word, offset);
  return null;
}

function flagMarkdown(tool: PackageTool, word: Word, offset: number): string | null {
  const flag = flagAt(word, offset, SHORT_VALUE[tool]);
  const entry = flag === null ? null : packageFlagInfo(tool, flag);
  return entry ? describePackageFlag(entry) : null;
}

/**
 * The option under the cursor in an option word: `--name` of `--name=value`, or the letter of
 * a short cluster (`-qU`) under the cursor; a letter that takes a value covers the rest of the
 * word (`-rrequirements.txt`). Quoted words are only read as a whole.
 */
export function flagAt(word: Word, offset: number, shortValue: string): string | null {
  const v = word.value;
  if (v.startsWith('--')) {
    const eq = v.indexOf('=');
    const name = eq >= 0 ? v.slice(0, eq) : v;
    if (eq >= 0 && word.raw === v && offset > word.start + eq) return null;
    return name;
  }
  if (word.raw !== v) return v.length === 2 ? v : null;
  const index = Math.max(1, Math.min(offset - word.start, v.length - 1));
  for (let k = 1; k < v.length; k++) {
    const c = v[k] as string;
    if (k === index || shortValue.includes(c)) return `-${c}`;
  }
  return null;
}
