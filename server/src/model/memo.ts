// Memoization shared by the model and the rules: values per document model or stage, answers per string.
import type { DocumentModel } from './document-model';
import type { Stage } from './stages';

/**
 * Returns a lookup that reads a value once per key object (a model, a stage) and keeps it in a
 * WeakMap, so it goes with its key; `context`, if any, must be the same for a key (a stage's
 * model). Rules ask about the same model or stage thousands of times in a row, so the key asked
 * last is answered without the WeakMap lookup; that one key stays reachable until another is
 * asked about.
 */
export function perObjectMemo<K extends object, T, C = void>(read: (key: K, context: C) => T): (key: K, context: C) => T {
  const memo = new WeakMap<K, T>();
  let lastKey: K | undefined;
  let lastValue: T | undefined;
  return (key, context) => {
    if (key === lastKey) return lastValue as T;
    let value = memo.get(key);
    // Values are null rather than undefined when there is nothing (undefined would be read again).
    if (value === undefined) {
      value = read(key, context);
      memo.set(key, value);
    }
    lastKey = key;
    lastValue = value;
    return value;
  };
}

/** A value per document model, made by `create` on first use (see `perObjectMemo`). */
export function perModelMemo<T>(create: () => T): (model: DocumentModel) => T {
  return perObjectMemo<DocumentModel, T>(create);
}

/** A value per stage, read from the stage (and its model as `context`) on first use (see `perObjectMemo`). */
export function perStageMemo<T, C = void>(read: (stage: Stage, context: C) => T): (stage: Stage, context: C) => T {
  return perObjectMemo<Stage, T, C>(read);
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
