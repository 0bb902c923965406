// Memoization shared by the model and the rules: values per document model or stage, answers per string.
import type { DocumentModel } from './document-model';
import type { Stage } from './stages';

/**
 * Returns a lookup that gives each model its own value, made by `create` on first use and kept
 * in a WeakMap (so it goes with its model). Rules ask about the same model thousands of times
 * in a row, so the model asked last is answered without the WeakMap lookup; that one model
 * stays reachable until another is asked about.
 */
export function perModelMemo<T>(create: () => T): (model: DocumentModel) => T {
  const memo = new WeakMap<DocumentModel, T>();
  let lastModel: DocumentModel | undefined;
  let lastValue: T | undefined;
  return (model) => {
    if (model === lastModel) return lastValue as T;
    let value = memo.get(model);
    if (value === undefined) {
      value = create();
      memo.set(model, value);
    }
    lastModel = model;
    lastValue = value;
    return value;
  };
}

/**
 * `compute` remembered per key for the life of the process. Rules ask the same few questions
 * (`PATH`, `requirements.txt`, the default ignore patterns) for every file; a long-running server
 * also sees ever new keys, so the memo is emptied once it holds `limit` of them.
 */
export function boundedMemo<T>(compute: (key: string) => T, limit: number): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (memo.size >= limit) memo.clear();
    const value = compute(key);
    memo.set(key, value);
    return value;
  };
}

/**
 * Returns a lookup that reads a value once per stage and keeps it in a WeakMap (so it goes with
 * its model); `context`, if any, must be the same for a stage (its model). Rules ask about the
 * final stage many times in a row, so the stage asked last is answered without the WeakMap
 * lookup; that one stage stays reachable until another is asked about.
 */
export function perStageMemo<T, C = void>(read: (stage: Stage, context: C) => T): (stage: Stage, context: C) => T {
  const memo = new WeakMap<Stage, T>();
  let lastStage: Stage | undefined;
  let lastValue: T | undefined;
  return (stage, context) => {
    if (stage === lastStage) return lastValue as T;
    let value = memo.get(stage);
    // Values are null rather than undefined when there is nothing (undefined would be read again).
    if (value === undefined) {
      value = read(stage, context);
      memo.set(stage, value);
    }
    lastStage = stage;
    lastValue = value;
    return value;
  };
}
