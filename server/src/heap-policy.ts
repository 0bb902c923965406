// How the language server sizes V8's heap: a small young generation for the many small
// documents an editor keeps open, a large one while a large document is linted, and full
// collections when a burst of work is over. Pure policy over injected effects, so the
// decisions are unit-tested without depending on when V8 happens to collect.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Texts at least this long are linted with a growing young generation: a lint of 1,000 lines
 * (about 40,000 characters) allocates several megabytes, far more than the 1 MB semi-space the
 * server keeps, and with it every scavenge copies the half-built model again. A typical
 * Dockerfile is a few kilobytes.
 */
export const LARGE_TEXT_CHARS = 64 * 1024;
/**
 * V8 gives a grown young generation back only in a collection that finds the allocation rate of
 * the last five seconds low. After this long without a lint, the server runs that collection.
 */
export const SHRINK_AFTER_QUIET_MS = 6000;
/** Collections tried while the young generation stays large (each waits for a quiet spell). */
export const SHRINK_ATTEMPTS = 3;
/** Quiet time after documents were opened or closed before the garbage of that burst is collected. */
export const COLLECT_AFTER_BURST_MS = 250;
/** Documents opened or closed between two collections during a burst. */
export const COLLECT_EVERY_DOCUMENTS = 20;

/** V8's growth factor of the young generation: its default, and the one that keeps it at its size. */
const GROWING = '--semi-space-growth-factor=2';
const FIXED = '--semi-space-growth-factor=1';

/** What the policy does to the process; `startHeapPolicy` wires the real ones. */
export interface HeapEffects {
  setFlag(flag: string): void;
  /** A full collection, or undefined where one cannot be had. */
  collect: (() => void) | undefined;
  /** Bytes the young generation reserves now. */
  youngGenerationBytes(): number;
  /** One-shot timer that never keeps the process alive; returns its cancel function. */
  later(ms: number, run: () => void): () => void;
}

export interface HeapPolicy {
  /** Runs a lint of a text of `textLength` characters under the right young-generation sizing. */
  aroundLint<T>(textLength: number, lint: () => T): T;
  /** To call on every document opened or closed (see COLLECT_EVERY_DOCUMENTS). */
  documentOpenedOrClosed(): void;
}

/**
 * The server's heap policy:
 * - The young generation stays at its starting size. By default it grows to 32 MB as soon as a
 *   few lints have run and never shrinks, which made a third of the resident memory of a server
 *   with many small documents, and at its starting size their lints are as fast.
 * - While a large text is linted it may grow as V8 sees fit: a 5,000-line lint spends a third of
 *   its time in scavenges with 1 MB semi-spaces, half that when they grow. Once no lint ran for
 *   SHRINK_AFTER_QUIET_MS, a full collection lets V8 shrink it again.
 * - An editor opens many files at once (restored tabs, a search result); V8 grows its heap for the
 *   garbage of linting them all and keeps the pages, a tenth of the server's memory after a
 *   hundred files. A full collection every COLLECT_EVERY_DOCUMENTS documents and once such a
 *   burst has been quiet for COLLECT_AFTER_BURST_MS costs a few milliseconds against the tens
 *   the lints take.
 */
export function heapPolicy(effects: HeapEffects): HeapPolicy {
  effects.setFlag(FIXED);
  const baseline = effects.youngGenerationBytes();
  let shrinkAttempts = 0;
  let cancelShrink: (() => void) | undefined;
  let cancelBurst: (() => void) | undefined;
  let documentsSinceCollection = 0;

  const scheduleShrink = (): void => {
    cancelShrink?.();
    cancelShrink = effects.later(SHRINK_AFTER_QUIET_MS, () => {
      cancelShrink = undefined;
      effects.collect?.();
      // Still large: the last five seconds were not quiet enough for V8; try again later.
      if (effects.youngGenerationBytes() > baseline && --shrinkAttempts > 0) scheduleShrink();
    });
  };

  return {
    aroundLint<T>(textLength: number, lint: () => T): T {
      if (textLength < LARGE_TEXT_CHARS) {
        // Any lint allocates: a pending shrink waits for the next quiet spell.
        if (cancelShrink) scheduleShrink();
        return lint();
      }
      effects.setFlag(GROWING);
      try {
        return lint();
      } finally {
        effects.setFlag(FIXED);
        if (effects.collect) {
          shrinkAttempts = SHRINK_ATTEMPTS;
          scheduleShrink();
        }
      }
    },
    documentOpenedOrClosed(): void {
      const collect = effects.collect;
      if (!collect) return;
      cancelBurst?.();
      if (++documentsSinceCollection >= COLLECT_EVERY_DOCUMENTS) {
        documentsSinceCollection = 0;
        collect();
      }
      cancelBurst = effects.later(COLLECT_AFTER_BURST_MS, () => {
        cancelBurst = undefined;
        documentsSinceCollection = 0;
        collect();
      });
    },
  };
}

/** `gc` of this process, exposed at run time; undefined where V8 refuses. */
function forcedCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Reserved bytes of V8's young generation (its "new_space"), 0 if V8 no longer reports one. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** The policy over this process's V8. Only growth heuristics change, so the flags are safe at run time. */
export function startHeapPolicy(): HeapPolicy {
  return heapPolicy({
    setFlag: (flag) => {
      try {
        setFlagsFromString(flag);
      } catch {
        // Not fatal: the server only uses more memory, or collects more often.
      }
    },
    collect: forcedCollection(),
    youngGenerationBytes,
    later: (ms, run) => {
      const timer = setTimeout(run, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
  });
}
