// ENV settings in effect in a stage chain, and the edits runtime rules make around them: removing
// one ENV key, inserting lines above an instruction without detaching its comments and pragmas.
import type { Property } from 'dockerfile-ast';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { perStageMemo } from '../model/memo';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import { insertAt, removeInstruction, replaceSpan } from './edit-helpers';
import { blockStartLine } from './layer-helpers';

/** One `KEY=value` (or legacy `KEY value`) of an ENV instruction. */
export interface EnvSetting {
  info: InstructionInfo;
  property: Property;
  name: string;
  /** The value with quotes removed, as dockerfile-ast reads it; null when missing. */
  value: string | null;
}

/** Every ENV key set in a stage and the stages it is built `FROM`, oldest first. */
export function envSettings(stage: Stage): EnvSetting[] {
  const settings: EnvSetting[] = [];
  for (const info of stageChainInstructions(stage)) {
    if (info.keyword !== 'ENV') continue;
    for (const property of propertiesOf(info)) {
      settings.push({ info, property, name: property.getName(), value: property.getValue() });
    }
  }
  return settings;
}

/** The last ENV setting of `name` in a stage chain (the one in effect at its end), if any. */
export function lastEnvSetting(stage: Stage, name: string): EnvSetting | undefined {
  return envSettings(stage)
    .filter((s) => s.name === name)
    .pop();
}

/**
 * Removes one key from its ENV instruction, or the whole instruction when it sets only that
 * key. Returns null when the removal would also swallow a comment line inside the instruction.
 */
export function removeEnvKeyEdit(model: DocumentModel, setting: EnvSetting): TextEdit | null {
  const props = propertiesOf(setting.info);
  const offset = (p: Property, end: boolean): number => model.text.offsetAt(end ? p.getRange().end : p.getRange().start);
  const target = offset(setting.property, false);
  const index = props.findIndex((p) => offset(p, false) === target);
  if (index < 0) return null;
  if (props.length === 1) return removeInstruction(model, setting.info);
  const next = props[index + 1];
  const prev = props[index - 1];
  // Take the blanks (and continuation) after the key, or before it when it is the last one.
  const start = next ? target : offset(prev as Property, true);
  const end = next ? offset(next, false) : offset(setting.property, true);
  if (/\n[ \t]*#/.test(model.content.slice(start, end))) return null;
  return replaceSpan(model, start, end, '');
}

/**
 * Inserts whole lines above an instruction and the comment block attached to it, so that an
 * ignore pragma written for the instruction keeps applying to it. Uses the instruction's
 * indentation and the file's line ending.
 */
export function insertLinesAbove(model: DocumentModel, info: InstructionInfo, lines: string[]): TextEdit {
  const indent = /^[ \t]*/.exec(model.text.lineText(info.range.start.line))?.[0] ?? '';
  return insertAt(model, model.text.lineStart(blockStartLine(model, info)), lines.map((l) => indent + l + model.eol).join(''));
}

export interface ChainEnv {
  /** Every setting, oldest first, as `envSettings` lists them. */
  settings: readonly EnvSetting[];
  /** The last setting of each key: the one in effect at the end of the chain. */
  last: ReadonlyMap<string, EnvSetting>;
}

/**
 * {@link ChainEnv} of a stage, read once per stage (shared: do not change it): five runtime
 * rules ask about the final stage's ENV in every lint.
 */
export const chainEnv: (stage: Stage) => ChainEnv = perStageMemo((stage) => {
  const settings = envSettings(stage);
  const last = new Map<string, EnvSetting>();
  for (const setting of settings) last.set(setting.name, setting);
  return { settings, last };
});
