// The stage graph: FROM image references, aliases, parents, and which stages ship or feed others.
import type { Copy, Flag, From } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from './document-model';
import { parseImageRef, type ImageRef } from './image-ref';

export interface Stage {
  index: number;
  fromInfo: InstructionInfo;
  from: From;
  /** `AS name`, lower-cased as Docker compares it, or null. */
  alias: string | null;
  /** The image named by this FROM (ARGs resolved), or null when it names another stage. */
  image: ImageRef | null;
  /** The stage this one builds on (`FROM <stage-name>`), or null. */
  parent: Stage | null;
  /** Instructions after the FROM, up to the next FROM. */
  instructions: InstructionInfo[];
  isFinal: boolean;
  /** The final stage or one of its ancestors: its content ends up in the image. */
  ships: boolean;
  /** Some other stage copies from it (`COPY --from`, `RUN --mount=from=`). */
  feeds: boolean;
}

/** Builds the stage list and assigns every instruction its stage. */
export function buildStages(model: DocumentModel): Stage[] {
  const stages: Stage[] = [];
  // The latest stage per alias: a FROM names the nearest earlier stage of that name.
  const byAlias = new Map<string, Stage>();
  let current: Stage | null = null;
  for (const info of model.instructions) {
    if (info.keyword === 'FROM') {
      const from = info.node as From;
      const aliasText = from.getBuildStage();
      const imageText = from.getImage();
      const parentAlias = imageText ? imageText.toLowerCase() : null;
      const parent = parentAlias ? byAlias.get(parentAlias) ?? null : null;
      current = {
        index: stages.length,
        fromInfo: info,
        from,
        alias: aliasText ? aliasText.toLowerCase() : null,
        image: parent || !imageText ? null : parseImageRef(model.resolveGlobal(imageText)),
        parent,
        instructions: [],
        isFinal: false,
        ships: false,
        feeds: false,
      };
      stages.push(current);
      if (current.alias !== null) byAlias.set(current.alias, current);
      info.stage = current;
      continue;
    }
    if (current) {
      current.instructions.push(info);
      info.stage = current;
    }
  }
  const final = stages[stages.length - 1];
  if (final) {
    final.isFinal = true;
    for (let s: Stage | null = final; s; s = s.parent) s.ships = true;
  }
  for (const stage of stages) {
    for (const ref of stageReferences(stage)) {
      const target = resolveStageRef(stages, ref, stage.index);
      if (target) target.feeds = true;
    }
    if (stage.parent) stage.parent.feeds = true;
  }
  return stages;
}

/** Names/indices referenced by `COPY --from=` and `RUN --mount=…,from=` in a stage. */
export function stageReferences(stage: Stage): string[] {
  const refs: string[] = [];
  for (const info of stage.instructions) {
    if (info.keyword === 'COPY') {
      const value = copyFromFlag(info)?.getValue();
      if (value) refs.push(value);
    }
    if (info.keyword === 'RUN') {
      for (const flag of (info.node as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags()) {
        if (flag.getName() !== 'mount') continue;
        const m = /(?:^|,)from=([^,]+)/.exec(flag.getValue() ?? '');
        if (m && m[1]) refs.push(m[1]);
      }
    }
  }
  return refs;
}

/**
 * The `--from` flag of a COPY, wherever it stands among the flags. dockerfile-ast's
 * `Copy.getFromFlag()` only finds it when it is the sole flag (`--chown=… --from=…` is missed).
 */
export function copyFromFlag(info: InstructionInfo): Flag | null {
  if (info.keyword !== 'COPY') return null;
  return (info.node as Copy).getFlags().find((f) => f.getName().toLowerCase() === 'from') ?? null;
}

/** Finds the stage named by alias or index among the stages before `beforeIndex`. */
export function resolveStageRef(stages: Stage[], ref: string, beforeIndex: number): Stage | null {
  if (/^\d+$/.test(ref)) {
    const idx = Number(ref);
    return idx < beforeIndex ? stages[idx] ?? null : null;
  }
  const lower = ref.toLowerCase();
  // Walk back in place: copying and reversing the list per reference made this quadratic.
  for (let i = Math.min(beforeIndex, stages.length) - 1; i >= 0; i--) {
    const stage = stages[i];
    if (stage && stage.alias === lower) return stage;
  }
  return null;
}

/** Whether `member` is `stage` or one of the stages it is built on through `FROM <stage>` (never for no stage). */
export function inStageChain(member: Stage | null, stage: Stage): boolean {
  for (let s: Stage | null = stage; s; s = s.parent) if (s === member) return true;
  return false;
}

/** The first ancestor that names a real image (`imageOf` in the catalogue). */
export function rootStage(stage: Stage): Stage {
  let s = stage;
  while (s.parent) s = s.parent;
  return s;
}

/** Instructions of a stage and all its ancestors, oldest first (one shared, read-only list per stage). */
export function stageChainInstructions(stage: Stage): readonly InstructionInfo[] {
  let chain = chainCache.get(stage);
  if (!chain || !sameChain(chain, stage)) {
    chain = { parents: [], instructions: [] };
    const stages: Stage[] = [];
    for (let s: Stage | null = stage; s; s = s.parent) stages.unshift(s);
    chain.parents = stages.map((s) => ({ stage: s, count: s.instructions.length }));
    chain.instructions = stages.flatMap((s) => s.instructions);
    chainCache.set(stage, chain);
  }
  // The shared list, read-only (callers filter or walk it): a copy per call cost more than most walks.
  return chain.instructions;
}

/** A computed chain and what it was computed from, so a changed stage is never served stale. */
interface StageChain {
  parents: { stage: Stage; count: number }[];
  instructions: InstructionInfo[];
}

// Rules ask for the chain once per instruction; stages are immutable once built, so memoize.
const chainCache = new WeakMap<Stage, StageChain>();

function sameChain(chain: StageChain, stage: Stage): boolean {
  let s: Stage | null = stage;
  for (let i = chain.parents.length - 1; i >= 0; i--) {
    const link = chain.parents[i];
    if (!s || !link || link.stage !== s || link.count !== s.instructions.length) return false;
    s = s.parent;
  }
  return s === null;
}
