// How many worker threads a large `check` starts: from the cores that sat idle meanwhile, or
// from the load average when the window is too short to tell.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WORKERS, MIN_WINDOW_MS, SPARE_FROM, idleCores, spareCores, type CpuSample } from '../../server/src/cli/spare-cores';

/** A sample of cores whose busy and idle milliseconds are given per core. */
function sample(atMs: number, cores: readonly [busy: number, idle: number][]): CpuSample {
  return { atMs, cpus: cores.map(([busy, idle]) => ({ times: { user: busy, nice: 0, sys: 0, idle, irq: 0 } })) };
}

describe('idle cores between two samples', () => {
  it('counts a second core left idle while this thread worked as one idle core', () => {
    const before = sample(0, [[1000, 5000], [1000, 5000]]);
    const after = sample(50, [[1050, 5000], [1000, 5050]]);
    assert.equal(idleCores(before, after), 1);
  });

  it('counts nothing idle when another process kept the other core busy', () => {
    const before = sample(0, [[1000, 5000], [1000, 5000]]);
    const after = sample(50, [[1050, 5000], [1050, 5000]]);
    assert.equal(idleCores(before, after), 0);
  });

  it('cannot tell from a window shorter than the minimum, changed cores or no ticks', () => {
    const before = sample(0, [[1000, 5000], [1000, 5000]]);
    assert.equal(idleCores(before, sample(MIN_WINDOW_MS - 1, [[1010, 5000], [1000, 5010]])), undefined);
    assert.equal(idleCores(before, sample(100, [[1100, 5000]])), undefined);
    assert.equal(idleCores(before, before), undefined);
    assert.equal(idleCores(sample(0, []), sample(100, [])), undefined);
  });
});

describe('spare cores for worker threads', () => {
  const before = sample(0, [[0, 0], [0, 0], [0, 0], [0, 0]]);

  it('starts one worker per idle core-equivalent, counting a core from SPARE_FROM of it idle, at most MAX_WORKERS', () => {
    // Four cores over 100 ms: this thread busy on one, the others idle for the given share.
    const after = (idleShare: number): CpuSample => sample(100, [[100, 0], ...Array.from({ length: 3 }, (): [number, number] => [100 * (1 - idleShare), 100 * idleShare])]);
    assert.equal(spareCores(before, after(0), 0), 0);
    assert.equal(spareCores(before, after(0.1), 0), 0);
    // 1.5 idle core-equivalents: one spare core, and half of one.
    assert.equal(spareCores(before, after(0.5), 0), 1);
    // 1.8: the second counts from SPARE_FROM.
    assert.equal(spareCores(before, after(0.6), 0), 2);
    assert.equal(spareCores(before, after(1), 0), 3);
    const eight = sample(100, [[100, 0], ...Array.from({ length: 7 }, (): [number, number] => [0, 100])]);
    assert.equal(spareCores(sample(0, Array.from({ length: 8 }, (): [number, number] => [0, 0])), eight, 0), MAX_WORKERS);
  });

  it('needs SPARE_FROM of a core idle for it to count', () => {
    const twoCores = (idle: number): CpuSample => sample(100, [[100, 0], [100 - idle, idle]]);
    const zero = sample(0, [[0, 0], [0, 0]]);
    assert.equal(spareCores(zero, twoCores(Math.ceil(SPARE_FROM * 100) - 10), 0), 0);
    assert.equal(spareCores(zero, twoCores(Math.ceil(SPARE_FROM * 100) + 10), 0), 1);
  });

  it('ignores the load average when the idle share could be measured', () => {
    const twoIdle = sample(100, [[100, 0], [0, 100]]);
    assert.equal(spareCores(sample(0, [[0, 0], [0, 0]]), twoIdle, 5), 1);
  });

  it('falls back to the load average (cores besides this thread, minus the load) when it could not', () => {
    const short = sample(MIN_WINDOW_MS - 1, [[0, 0], [0, 0], [0, 0], [0, 0]]);
    assert.equal(spareCores(before, short, 0), 3);
    assert.equal(spareCores(before, short, 1.7), 2);
    assert.equal(spareCores(before, short, 9), 0);
  });
});
