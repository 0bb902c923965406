// The language server's heap policy: a young generation kept small for many small documents,
// allowed to grow while a large text is linted and collected back once the editor is quiet,
// and collections after bursts of opened documents.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { COLLECT_AFTER_BURST_MS, COLLECT_EVERY_DOCUMENTS, LARGE_TEXT_CHARS, SHRINK_AFTER_QUIET_MS, SHRINK_ATTEMPTS, heapPolicy, type HeapEffects } from '../../server/src/heap-policy';

const MB = 1024 * 1024;

/** Effects that record what the policy does, with a young generation and timers we control. */
function fakeHeap(options: { collector?: boolean } = {}) {
  const flags: string[] = [];
  let collections = 0;
  let young = 1 * MB;
  let timers: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const effects: HeapEffects = {
    setFlag: (flag) => flags.push(flag),
    collect:
      options.collector === false
        ? undefined
        : () => {
            collections++;
          },
    youngGenerationBytes: () => young,
    later: (ms, run) => {
      const timer = { ms, run, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
  return {
    effects,
    flags,
    collections: () => collections,
    setYoung: (bytes: number) => {
      young = bytes;
    },
    pending: () => timers.filter((t) => !t.cancelled),
    /** Fires every pending timer of `ms` (the ones pending now; timers they set wait for the next call). */
    fire: (ms: number) => {
      const due = timers.filter((t) => !t.cancelled && t.ms === ms);
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) t.run();
      return due.length;
    },
  };
}

describe('heap policy: young generation', () => {
  it('keeps the young generation at its size from the start, and for a typical document', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    assert.deepEqual(heap.flags, ['--semi-space-growth-factor=1']);
    assert.equal(policy.aroundLint(3000, () => 'findings'), 'findings');
    assert.deepEqual(heap.flags, ['--semi-space-growth-factor=1'], 'a small lint changes no flag');
    assert.equal(heap.pending().length, 0, 'and schedules no collection');
  });

  it('lets it grow while a large text is linted, and fixes it again afterwards', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    let flagDuringLint: string | undefined;
    policy.aroundLint(LARGE_TEXT_CHARS, () => {
      flagDuringLint = heap.flags.at(-1);
    });
    assert.equal(flagDuringLint, '--semi-space-growth-factor=2');
    assert.equal(heap.flags.at(-1), '--semi-space-growth-factor=1');
  });

  it('fixes it again when the lint throws', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    assert.throws(() =>
      policy.aroundLint(LARGE_TEXT_CHARS * 2, () => {
        throw new Error('rule bug');
      }),
    );
    assert.equal(heap.flags.at(-1), '--semi-space-growth-factor=1');
  });

  it('collects once the editor has been quiet after a large lint, and stops when it shrank', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    policy.aroundLint(LARGE_TEXT_CHARS, () => heap.setYoung(32 * MB));
    assert.equal(heap.collections(), 0, 'nothing is collected while the user may still be typing');
    heap.setYoung(1 * MB); // what V8 does in a collection after a quiet spell
    assert.equal(heap.fire(SHRINK_AFTER_QUIET_MS), 1);
    assert.equal(heap.collections(), 1);
    assert.equal(heap.pending().length, 0, 'no further collection once it is back to its size');
  });

  it('waits again for quiet after every lint, small ones included', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    policy.aroundLint(LARGE_TEXT_CHARS, () => heap.setYoung(32 * MB));
    const first = heap.pending();
    policy.aroundLint(100, () => undefined);
    assert.ok(first.every((t) => heap.pending().includes(t) === false), 'the earlier timer was cancelled');
    assert.equal(heap.pending().length, 1, 'one new timer');
    assert.equal(heap.collections(), 0);
  });

  it('tries a few times when the young generation stays large, then gives up until the next large lint', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    policy.aroundLint(LARGE_TEXT_CHARS, () => heap.setYoung(32 * MB));
    let fired = 0;
    while (heap.fire(SHRINK_AFTER_QUIET_MS) > 0) fired++;
    assert.equal(fired, SHRINK_ATTEMPTS);
    assert.equal(heap.collections(), SHRINK_ATTEMPTS);
    policy.aroundLint(10, () => undefined);
    assert.equal(heap.pending().length, 0, 'a small lint does not restart the attempts');
    policy.aroundLint(LARGE_TEXT_CHARS, () => undefined);
    assert.equal(heap.pending().length, 1, 'a large one does');
  });

  it('only toggles the flag where no collection can be had', () => {
    const heap = fakeHeap({ collector: false });
    const policy = heapPolicy(heap.effects);
    policy.aroundLint(LARGE_TEXT_CHARS, () => heap.setYoung(32 * MB));
    assert.deepEqual(heap.flags, ['--semi-space-growth-factor=1', '--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
    assert.equal(heap.pending().length, 0);
    policy.documentOpenedOrClosed();
    assert.equal(heap.pending().length, 0);
  });
});

describe('heap policy: bursts of opened documents', () => {
  it('collects every so many documents during a burst and once after it', () => {
    const heap = fakeHeap();
    const policy = heapPolicy(heap.effects);
    for (let i = 0; i < COLLECT_EVERY_DOCUMENTS - 1; i++) policy.documentOpenedOrClosed();
    assert.equal(heap.collections(), 0);
    assert.equal(heap.pending().length, 1, 'one timer, restarted by each document');
    policy.documentOpenedOrClosed();
    assert.equal(heap.collections(), 1);
    assert.equal(heap.fire(COLLECT_AFTER_BURST_MS), 1);
    assert.equal(heap.collections(), 2);
    policy.documentOpenedOrClosed();
    assert.equal(heap.collections(), 2, 'the count starts again after the quiet collection');
  });
});

describe('heap policy: on this V8', () => {
  // The policy relies on how this Node.js's V8 sizes its young generation: it grows under the
  // default growth factor, stays put under factor 1 set at run time, and shrinks in a collection
  // once allocation has been low for a while (in Node.js 20: from the second collection of a
  // quiet spell). A child process runs the real policy, so a Node.js that behaves otherwise fails
  // here instead of silently keeping 30 MB or linting large files more slowly.
  it('lets the young generation grow for a large lint and gives it back once quiet', { timeout: 60000 }, () => {
    const script = `
      const { startHeapPolicy, youngGenerationBytes, LARGE_TEXT_CHARS } = require(${JSON.stringify(require.resolve('../../server/src/heap-policy'))});
      let keep;
      const work = () => { for (let round = 0; round < 4; round++) { const live = []; for (let i = 0; i < 300000; i++) live.push({ i, s: 'x' + i }); keep = live; } };
      const policy = startHeapPolicy();
      const start = youngGenerationBytes();
      policy.aroundLint(100, work);
      const small = youngGenerationBytes();
      policy.aroundLint(LARGE_TEXT_CHARS, work);
      const grown = youngGenerationBytes();
      keep = undefined;
      const since = Date.now();
      const poll = setInterval(() => {
        const now = youngGenerationBytes();
        if (now < 4 * start || Date.now() - since > 50000) {
          clearInterval(poll);
          console.log(JSON.stringify({ start, small, grown, after: now, afterMs: Date.now() - since }));
        }
      }, 250);
    `;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const sizes = JSON.parse(result.stdout) as { start: number; small: number; grown: number; after: number; afterMs: number };
    const shown = JSON.stringify(sizes);
    assert.ok(sizes.small < 4 * sizes.start, `a typical lint keeps it small: ${shown}`);
    assert.ok(sizes.grown >= 8 * sizes.start, `a large lint lets it grow: ${shown}`);
    assert.ok(sizes.after < 4 * sizes.start, `a quiet spell gives it back: ${shown}`);
    assert.ok(sizes.afterMs <= SHRINK_ATTEMPTS * SHRINK_AFTER_QUIET_MS + 1000, `within the policy's attempts: ${shown}`);
  });
});
