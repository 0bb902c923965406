// The client's crash cap (client/src/restart-policy.ts): a crashing server is restarted a few
// times, then the client stops and tells the user instead of looping.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaveUpReason, MAX_RESTARTS, RestartPolicy, RESTART_WINDOW_MS } from '../../client/src/restart-policy';

describe('crash restart policy', () => {
  it('restarts up to the cap within the window, then gives up', () => {
    let now = 0;
    const policy = new RestartPolicy(MAX_RESTARTS, RESTART_WINDOW_MS, () => now);
    for (let attempt = 1; attempt <= MAX_RESTARTS; attempt++) {
      now += 1000;
      assert.deepEqual(policy.crashed(), { restart: true, attempt });
    }
    now += 1000;
    assert.deepEqual(policy.crashed(), { restart: false, crashes: MAX_RESTARTS + 1 });
  });

  it('forgets crashes older than the window, so a server that crashes rarely is always restarted', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 60_000, () => now);
    for (let i = 0; i < 10; i++) {
      now += 40_000;
      assert.equal(policy.crashed().restart, true, `crash ${i + 1}, 40 s after the previous one`);
    }
  });

  it('starts counting afresh after the user restarts the server', () => {
    let now = 0;
    const policy = new RestartPolicy(1, 60_000, () => now);
    assert.equal(policy.crashed().restart, true);
    assert.equal(policy.crashed().restart, false);
    policy.reset();
    assert.equal(policy.crashed().restart, true);
  });

  it('explains why the server is not running, to follow "not running: " and "Server failed: "', () => {
    assert.equal(gaveUpReason(5), 'it crashed 5 times in the last 3 minutes, so it was not restarted again');
  });
});
