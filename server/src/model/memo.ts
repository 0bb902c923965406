// Memoization shared by the model and the rules: values per document model, answers per string.
import type { DocumentModel } from './document-model';

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
