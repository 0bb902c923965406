// Iteration helpers shared by rules: shell commands per stage, ENV/ARG lookups, RUN flags.
import type { Flag, Property } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { ShellScript, SimpleCommand } from '../shell/parser';

export interface CommandSite {
  info: InstructionInfo;
  script: ShellScript;
  command: SimpleCommand;
}

/**
 * Every simple command of every shell-form RUN in a stage (or all stages), skipping scripts
 * that failed to parse: guessing there would produce false positives.
 */
export function* runCommands(model: DocumentModel, stage?: Stage): Generator<CommandSite> {
  const infos = stage ? stage.instructions : model.instructions;
  for (const info of infos) {
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    if (!script || script.error !== undefined) continue;
    for (const command of script.commands) yield { info, script, command };
  }
}

/** Flags of an instruction (`--mount`, `--from`, `--chown`, …), empty when it has none. */
export function flagsOf(info: InstructionInfo): Flag[] {
  const node = info.node as unknown as { getFlags?: () => Flag[] };
  return typeof node.getFlags === 'function' ? node.getFlags() : [];
}

/** Parses `--mount=type=cache,target=/root/.cache/pip` style flags of a RUN. */
export function runMounts(info: InstructionInfo): Map<string, string>[] {
  return flagsOf(info)
    .filter((f) => f.getName() === 'mount')
    .map((f) => {
      const map = new Map<string, string>();
      for (const part of (f.getValue() ?? '').split(',')) {
        const eq = part.indexOf('=');
        // BuildKit accepts quoted values (`target="/var/lib/apt/lists"`), as CSV fields.
        if (eq > 0) map.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
        else if (part.trim() !== '') map.set(part.trim().toLowerCase(), 'true');
      }
      return map;
    });
}

/** Properties of ENV (and ARG with a value) instructions in a stage chain before `before`. */
export function definedVariables(stage: Stage, before: InstructionInfo | null, keywords: readonly string[] = ['ENV', 'ARG']): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  for (const info of stageChainInstructions(stage)) {
    if (before && info.index >= before.index) break;
    if (!keywords.includes(info.keyword)) continue;
    const props = (info.node as unknown as { getProperties(): Property[] }).getProperties();
    for (const p of props) vars.set(p.getName(), p.getValue());
  }
  return vars;
}

/** The instructions of a keyword within a stage. */
export function stageInstructions(stage: Stage, keyword: string): InstructionInfo[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
