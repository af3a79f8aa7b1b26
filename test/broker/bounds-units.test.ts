// The pure parts of the resource limits: byte budgets (property-based: the count is the sum of what
// holders took and did not give back, at every level), the resource alarm's events, the
// max.connections.per.ip.overrides format, and the response queue's write-completion callbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteBudget, SMALL_FRAME } from '../../src/broker/limits/byte-budget.js';
import { ResourceAlarm } from '../../src/broker/limits/resource-alarm.js';
import { normaliseAddress, parseOverrides } from '../../src/broker/config/connection-overrides.js';
import { ResponseQueue } from '../../src/broker/server/response-queue.js';

type Op = { kind: 'admit' | 'take' | 'force' | 'release'; child: number; n: number };

test('budgets: used is what holders hold, at every level; admit and takeUpTo respect capacity', () => {
  const op = fc.record({ kind: fc.constantFrom('admit', 'take', 'force', 'release'), child: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 0, max: 5000 }) }) as fc.Arbitrary<Op>;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 10_000 }), fc.array(op, { maxLength: 60 }), (rootCap, childCap, ops) => {
      const root = new ByteBudget(rootCap);
      const children = [0, 1, 2].map(() => new ByteBudget(childCap, root));
      const held = [0, 0, 0];
      for (const o of ops) {
        const c = children[o.child]!;
        if (o.kind === 'admit') {
          const wasExhausted = c.exhausted;
          const idleSmall = c.used === 0 && o.n <= SMALL_FRAME;
          const ok = c.admit(o.n);
          assert.equal(ok, !wasExhausted || idleSmall);
          if (ok) held[o.child]! += o.n;
        } else if (o.kind === 'take') {
          const room = c.available;
          const got = c.takeUpTo(o.n);
          assert.equal(got, Math.min(o.n, room));
          held[o.child]! += got;
        } else if (o.kind === 'force') {
          c.force(o.n);
          held[o.child]! += o.n;
        } else {
          const n = Math.min(o.n, held[o.child]!);
          c.release(n);
          held[o.child]! -= n;
        }
        children.forEach((ch, i) => assert.equal(ch.used, held[i]));
        assert.equal(root.used, held[0]! + held[1]! + held[2]!);
      }
    }),
  );
});

test('budgets: a release anywhere wakes listeners subscribed on any child', () => {
  const root = new ByteBudget(10);
  const a = new ByteBudget(10, root);
  const b = new ByteBudget(10, root);
  a.force(8);
  let woken = 0;
  const off = b.onRelease(() => woken++);
  a.release(4);
  assert.equal(woken, 1);
  off();
  a.release(4);
  assert.equal(woken, 1);
});

test('the resource alarm: raised while any resource is, one event per change', () => {
  const alarm = new ResourceAlarm();
  const events: string[] = [];
  alarm.subscribe((s) => events.push(`${s.active}:${[...s.resources.keys()].join(',')}`));
  alarm.raise('memory', 'memory high');
  alarm.raise('memory', 'memory still high');
  alarm.raise('disk', 'disk low');
  assert.equal(alarm.reason, 'memory still high; disk low');
  alarm.clear('memory');
  alarm.clear('memory');
  alarm.clear('disk');
  assert.deepEqual(events, ['true:memory', 'true:memory,disk', 'true:disk', 'false:']);
});

test('max.connections.per.ip.overrides parses Kafka\'s host:count list and refuses anything else', () => {
  const p = parseOverrides(' 127.0.0.1:5, [::1]:7,broker.example:9,::ffff:10.0.0.1:3 ');
  assert.deepEqual([...p.byAddress], [['127.0.0.1', 5], ['::1', 7], ['10.0.0.1', 3]]);
  assert.deepEqual([...p.hosts], [['broker.example', 9]]);
  assert.equal(parseOverrides('').byAddress.size, 0);
  for (const bad of ['nocount', 'host:', ':5', 'host:-1', 'host:1.5']) assert.throws(() => parseOverrides(bad), /host:count/);
  assert.equal(normaliseAddress('::ffff:127.0.0.1'), '127.0.0.1');
});

test('the response queue reports each response written once the sink has taken its last chunk', () => {
  const callbacks: (() => void)[] = [];
  const q = new ResponseQueue({ cork() {}, uncork() {}, write: (_c: Buffer, cb?: () => void) => (cb && callbacks.push(cb), true) });
  const written: number[] = [];
  const first = q.reserve(() => written.push(1));
  const second = q.reserve(() => written.push(2));
  const third = q.reserve(() => written.push(3));
  second([Buffer.from('b1'), Buffer.from('b2')]);
  assert.deepEqual(written, []);
  first(null);
  assert.deepEqual(written, [1], 'a response with no bytes is written at once');
  assert.equal(callbacks.length, 1, 'one callback, on the last chunk');
  callbacks[0]!();
  assert.deepEqual(written, [1, 2]);
  q.close();
  assert.deepEqual(written, [1, 2, 3], 'closing reports what never went out');
  third([Buffer.from('late')]);
  assert.deepEqual(written, [1, 2, 3]);
});
