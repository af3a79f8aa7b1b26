// The pace publisher flow control reads (src/broker/amqp/drain-pace.ts), on an explicit clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainPace, FLOW_DRAIN_MS, FLOW_MIN_PACE } from '../../src/broker/amqp/drain-pace.js';

const T0 = 1_765_000_000_000; // a wall-clock time in ms, as the queue's hooks.now() gives

test('counts what consumers took over the last FLOW_DRAIN_MS and forgets older takes', () => {
  const pace = new DrainPace();
  assert.equal(pace.recent(T0), 0);
  pace.took(100, T0);
  pace.took(50, T0 + FLOW_DRAIN_MS / 2);
  assert.equal(pace.recent(T0 + FLOW_DRAIN_MS / 2), 150);
  // The first take's bucket has left the window, the second's has not.
  assert.equal(pace.recent(T0 + FLOW_DRAIN_MS + FLOW_DRAIN_MS / 4), 50);
  assert.equal(pace.recent(T0 + 2 * FLOW_DRAIN_MS), 0);
  // A long quiet clears everything, then counting starts again.
  pace.took(7, T0 + 3_600_000);
  assert.equal(pace.recent(T0 + 3_600_000), 7);
});

test('streaming: consumers that took FLOW_MIN_PACE messages within the window, not a slow worker', () => {
  const pace = new DrainPace();
  const step = FLOW_DRAIN_MS / 10;
  for (let i = 0; i < 10; i++) pace.took(FLOW_MIN_PACE / 10, T0 + i * step);
  assert.ok(pace.streaming(T0 + 9 * step));
  // A quarter of the window later the first takes have left it.
  assert.ok(!pace.streaming(T0 + 9 * step + FLOW_DRAIN_MS / 4 + step));
  // A worker taking a message every 20 ms never streams.
  const slow = new DrainPace();
  for (let t = 0; t < 1_000; t += 20) slow.took(1, T0 + t);
  assert.ok(!slow.streaming(T0 + 1_000));
});

test('a clock that steps back counts into the current bucket', () => {
  const pace = new DrainPace();
  pace.took(5, T0 + 1_000);
  pace.took(5, T0);
  assert.equal(pace.recent(T0 + 1_000), 10);
});
