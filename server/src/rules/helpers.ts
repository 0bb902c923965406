// Iteration helpers shared by rules: shell commands per stage, ENV/ARG lookups, RUN flags.
import type { Flag } from 'dockerfile-ast';
import { propertiesOf, type DocumentModel, type InstructionInfo } from '../model/document-model';
import { perModelMemo } from '../model/memo';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { ShellScript, SimpleCommand } from '../shell/parser';

export interface CommandSite {
  readonly info: InstructionInfo;
  readonly script: ShellScript;
  readonly command: SimpleCommand;
}

/**
 * Every simple command of every shell-form RUN in a stage (or all stages), skipping scripts
 * that failed to parse: guessing there would produce false positives.
 */
export function runCommands(model: DocumentModel, stage?: Stage): readonly CommandSite[] {
  // The shared list itself (read-only): a generator over it cost more than most rules' loops.
  return commandSites(model, stage);
}

/**
 * The sites {@link runCommands} yields, listed once per model and stage: most rules walk all
 * of them, so forty rules re-filtering the instructions cost more than the walk itself.
 */
function commandSites(model: DocumentModel, stage: Stage | undefined): readonly CommandSite[] {
  const perModel = sitesOf(model);
  const key = stage ?? model;
  const infos = stage ? stage.instructions : model.instructions;
  const known = perModel.get(key);
  // Stages are built once; the count guards against one changed after the list was made.
  if (known && known.count === infos.length) return known.sites;
  const sites: CommandSite[] = [];
  for (const info of infos) {
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    if (!script || script.error !== undefined) continue;
    for (const command of script.commands) sites.push({ info, script, command });
  }
  perModel.set(key, { count: infos.length, sites });
  return sites;
}

const sitesOf = perModelMemo(() => new Map<Stage | DocumentModel, { count: number; sites: CommandSite[] }>());

/** Flags of an instruction (`--mount`, `--from`, `--chown`, …), empty when it has none. */
export function flagsOf(info: InstructionInfo): Flag[] {
  const node = info.node as unknown as { getFlags?: () => Flag[] };
  return typeof node.getFlags === 'function' ? node.getFlags() : [];
}

/**
 * Parses `--mount=type=cache,target=/root/.cache/pip` style flags of a RUN (read-only, shared).
 * Memoized per instruction: about ten rules ask for the mounts of every RUN.
 */
export function runMounts(info: InstructionInfo): readonly ReadonlyMap<string, string>[] {
  const flags = flagsOf(info);
  // Most RUNs have no flags at all: no memo entry for them.
  if (flags.length === 0) return NO_MOUNTS;
  let known = mountsMemo.get(info);
  if (known === undefined) {
    known = readMounts(flags);
    mountsMemo.set(info, known);
  }
  return known;
}

const NO_MOUNTS: readonly ReadonlyMap<string, string>[] = Object.freeze([]);
const mountsMemo = new WeakMap<InstructionInfo, readonly ReadonlyMap<string, string>[]>();

function readMounts(flags: readonly Flag[]): ReadonlyMap<string, string>[] {
  return flags
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

/** The default keyword set of the variable lookups: one shared array, with its memo key precomputed. */
const ENV_AND_ARG: readonly string[] = Object.freeze(['ENV', 'ARG']);
const ENV_AND_ARG_KEY = ENV_AND_ARG.join(' ');

/** Properties of ENV (and ARG with a value) instructions in a stage chain before `before`. */
export function definedVariables(stage: Stage, before: InstructionInfo | null, keywords: readonly string[] = ENV_AND_ARG): Map<string, string | null> {
  // `before` in an ancestor stage: walk the chain as written (never the case for a stage's own instructions).
  if (before && before.index <= stage.fromInfo.index) return definedInChain(stage, before, keywords);
  const scan = definitionScan(stage, keywords);
  // Replaying the stage's own definitions on a copy of its entry state gives the same map, in
  // the same insertion order, as walking the whole chain; rules ask this per RUN.
  const vars = new Map<string, string | null>(scan.entry);
  for (const d of scan.own) {
    if (before && d.at >= before.index) break;
    vars.set(d.name, d.value);
  }
  return vars;
}

/**
 * The value of one variable defined before `before`: what `definedVariables(...).get(name)`
 * returns, without copying the stage's map (rules ask this per RUN command).
 */
export function definedVariable(stage: Stage, before: InstructionInfo | null, name: string, keywords: readonly string[] = ENV_AND_ARG): string | null | undefined {
  if (before && before.index <= stage.fromInfo.index) return definedInChain(stage, before, keywords).get(name);
  const scan = definitionScan(stage, keywords);
  // The last own definition before `before` wins, as in the replayed map; else the entry state.
  for (let i = scan.own.length - 1; i >= 0; i--) {
    const d = scan.own[i] as DefinitionScan['own'][number];
    if (before && d.at >= before.index) continue;
    if (d.name === name) return d.value;
  }
  return scan.entry.get(name);
}

function definedInChain(stage: Stage, before: InstructionInfo, keywords: readonly string[]): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  for (const info of stageChainInstructions(stage)) {
    if (info.index >= before.index) break;
    if (!keywords.includes(info.keyword)) continue;
    const props = propertiesOf(info);
    for (const p of props) vars.set(p.getName(), p.getValue());
  }
  return vars;
}

/** The definitions of one stage for one keyword set, on top of those of its parent chain. */
interface DefinitionScan {
  count: number;
  parent: Stage | null;
  /** Definitions of the parent chain (all of them: a parent's instructions come first). */
  entry: ReadonlyMap<string, string | null>;
  /** Everything defined by the end of the stage. */
  final: ReadonlyMap<string, string | null>;
  own: { at: number; name: string; value: string | null }[];
}

const definitionScans = new WeakMap<Stage, Map<string, DefinitionScan>>();

function definitionScan(stage: Stage, keywords: readonly string[]): DefinitionScan {
  let perStage = definitionScans.get(stage);
  if (!perStage) {
    perStage = new Map();
    definitionScans.set(stage, perStage);
  }
  const key = keywords === ENV_AND_ARG ? ENV_AND_ARG_KEY : keywords.join(' ');
  const known = perStage.get(key);
  if (known && known.count === stage.instructions.length && known.parent === stage.parent) return known;
  const entry: ReadonlyMap<string, string | null> = stage.parent ? definitionScan(stage.parent, keywords).final : new Map();
  const final = new Map(entry);
  const own: DefinitionScan['own'] = [];
  for (const info of stage.instructions) {
    if (!keywords.includes(info.keyword)) continue;
    const props = propertiesOf(info);
    for (const p of props) {
      own.push({ at: info.index, name: p.getName(), value: p.getValue() });
      final.set(p.getName(), p.getValue());
    }
  }
  const scan: DefinitionScan = { count: stage.instructions.length, parent: stage.parent, entry, final, own };
  perStage.set(key, scan);
  return scan;
}

/** The instructions of a keyword within a stage. */
export function stageInstructions(stage: Stage, keyword: string): InstructionInfo[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
