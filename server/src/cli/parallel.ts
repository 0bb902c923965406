// Spreads independent work items over worker threads while the calling thread works too, and
// stays synchronous: the CLI checks a thousand Dockerfiles on every core without going async.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** What a worker thread is started with (its `workerData`). */
export interface ParallelHandshake {
  kind: 'pydockerfile-parallel';
  /** Which work the worker serves (see the CLI entry). */
  task: string;
  /** Structured-cloneable input of the task, the same for every worker. */
  payload: unknown;
  count: number;
  /** Int32[1]: the next item index to claim; every thread claims from it. */
  next: SharedArrayBuffer;
  /** Int32[2]: items finished by this worker (a heartbeat) and 1 once it stops. */
  status: SharedArrayBuffer;
  port: MessagePort;
}

/** Whether `data` is a {@link ParallelHandshake} (the worker side of the CLI entry asks). */
export function isParallelHandshake(data: unknown): data is ParallelHandshake {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'pydockerfile-parallel';
}

/** Options of {@link parallelMap}. */
export interface ParallelOptions {
  /** The script a worker runs: the CLI entry, which serves `task` when started as a worker. */
  script: string;
  task: string;
  payload: unknown;
  /**
   * Worker threads to start besides the calling thread, or a function that tells how many once
   * the calling thread has worked for `decideAfterMs`, given the items still left (it may
   * measure how idle the machine was meanwhile); workers started then claim those items.
   */
  workers: number | ((remaining: number) => number);
  /** With a `workers` function: how long the calling thread works before asking it. */
  decideAfterMs?: number;
  /**
   * How long to wait for a worker that makes no progress before doing its items here
   * (it crashed or hangs). Items take milliseconds; this only matters when something broke.
   */
  patienceMs?: number;
  /** Filled in when given: how many items worker threads did (tests check that they helped). */
  stats?: { byWorkers: number };
}

const FINISHED = 1;
const HEARTBEAT = 0;

/**
 * `work(i)` for every i in [0, count), in index order. The calling thread and `workers` worker
 * threads claim items one at a time from a shared counter, so a slow item does not leave a
 * thread idle. A worker that cannot start or dies leaves its items to the calling thread:
 * the result is the same, only slower.
 */
export function parallelMap<T>(count: number, work: (index: number) => T, options: ParallelOptions): T[] {
  const results = new Map<number, T>();
  const next = new Int32Array(new SharedArrayBuffer(4));
  const started: { worker: Worker; port: MessagePort; status: Int32Array }[] = [];
  const start = (workers: number): void => {
    for (let w = 0; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const status = new Int32Array(new SharedArrayBuffer(8));
      const handshake: ParallelHandshake = { kind: 'pydockerfile-parallel', task: options.task, payload: options.payload, count, next: next.buffer as SharedArrayBuffer, status: status.buffer as SharedArrayBuffer, port: port2 };
      try {
        const worker = new Worker(options.script, { workerData: handshake, transferList: [port2], stdout: true, stderr: true });
        // A worker never keeps the process alive, whatever happens to it.
        worker.unref();
        worker.on('error', () => undefined);
        started.push({ worker, port: port1, status });
      } catch {
        port1.close();
      }
    }
  };
  let decide = typeof options.workers === 'function' ? options.workers : undefined;
  if (typeof options.workers === 'number') start(options.workers);
  const decideAt = performance.now() + (options.decideAfterMs ?? 0);
  for (let i = Atomics.add(next, 0, 1); i < count; i = Atomics.add(next, 0, 1)) {
    results.set(i, work(i));
    if (decide !== undefined && performance.now() >= decideAt) {
      start(decide(count - i - 1));
      decide = undefined;
    }
  }
  for (const { worker, port, status } of started) {
    if (results.size < count) waitForWorker(status, options.patienceMs ?? 60_000);
    for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
      const [index, value] = message.message as [number, T];
      results.set(index, value);
      if (options.stats) options.stats.byWorkers++;
    }
    port.close();
    void worker.terminate();
  }
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(results.has(i) ? (results.get(i) as T) : work(i));
  return out;
}

/** Blocks until the worker says it finished, or has made no progress for `patienceMs`. */
function waitForWorker(status: Int32Array, patienceMs: number): void {
  let beat = Atomics.load(status, HEARTBEAT);
  let quietSince = Date.now();
  while (Atomics.load(status, FINISHED) === 0) {
    Atomics.wait(status, FINISHED, 0, 200);
    const now = Atomics.load(status, HEARTBEAT);
    if (now !== beat) {
      beat = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > patienceMs) {
      return;
    }
  }
}

/**
 * The worker side: claims items until none are left, posts `[index, result]` for each, and
 * always says it finished (even when `work` throws), so the calling thread never waits in vain.
 */
export function serveParallelMap(handshake: ParallelHandshake, work: (index: number) => unknown): void {
  const next = new Int32Array(handshake.next);
  const status = new Int32Array(handshake.status);
  try {
    for (let i = Atomics.add(next, 0, 1); i < handshake.count; i = Atomics.add(next, 0, 1)) {
      handshake.port.postMessage([i, work(i)]);
      Atomics.add(status, HEARTBEAT, 1);
    }
  } finally {
    Atomics.store(status, FINISHED, 1);
    Atomics.notify(status, FINISHED);
    handshake.port.close();
  }
}
