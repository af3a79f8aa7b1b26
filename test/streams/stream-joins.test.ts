// Stream-stream joins through the TestDriver: windows (before/after/grace), inner, left and outer
// joins with Kafka Streams' spurious-result rules, expiry, and restore of the join buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver, VirtualCluster, joinWindows, string } from '../../src/streams/index.js';

function build(kind: 'join' | 'leftJoin' | 'outerJoin', windows = joinWindows(10)): App {
  const app = new App({ appId: `ss-${kind}` });
  const left = app.stream('left', { key: string, value: string });
  const right = app.stream('right', { key: string, value: string });
  const joiner = (l: string | undefined, r: string | undefined) => `${l ?? '-'}+${r ?? '-'}`;
  if (kind === 'join') left.join(right, joiner, windows).to('out', { value: string });
  else if (kind === 'leftJoin') left.leftJoin(right, joiner, windows).to('out', { value: string });
  else left.outerJoin(right, joiner, windows).to('out', { value: string });
  return app;
}

async function run(app: App, steps: Array<['L' | 'R', string, string, number]>, cluster?: VirtualCluster): Promise<{ d: TestDriver; out: Array<[string | null, string | null, number]> }> {
  const d = await TestDriver.create(app, cluster ? { cluster } : {});
  const l = d.input('left', string, string);
  const r = d.input('right', string, string);
  for (const [side, k, v, ts] of steps) await (side === 'L' ? l : r).pipe(k, v, { timestamp: ts });
  const out = d.output('out', string, string).readRecords().map((x) => [x.key, x.value, x.timestamp] as [string | null, string | null, number]);
  return { d, out };
}

test('inner join: records within [t - before, t + after] join, with the larger timestamp; no spurious results', async () => {
  const { d, out } = await run(build('join'), [
    ['L', 'a', 'l1', 100],
    ['R', 'a', 'r1', 105], // within 10 of l1
    ['R', 'a', 'r2', 111], // 11 after l1: outside
    ['L', 'a', 'l2', 112], // joins r1? 112 - 105 = 7 yes; r2 yes
    ['R', 'b', 'rb', 112], // no partner
  ]);
  assert.deepEqual(out, [
    ['a', 'l1+r1', 105],
    ['a', 'l2+r1', 112],
    ['a', 'l2+r2', 112],
  ]);
  await d.close();
});

test('asymmetric windows: before/after bound where the right side may be', async () => {
  const { d, out } = await run(build('join', joinWindows(0).before(5).after(20)), [
    ['L', 'a', 'l1', 100],
    ['R', 'a', 'r-early', 94], // 6 before: outside before(5)
    ['R', 'a', 'r-ok-before', 95],
    ['R', 'a', 'r-ok-after', 120],
    ['R', 'a', 'r-late', 121],
  ]);
  assert.deepEqual(
    out.map((o) => o[1]),
    ['l1+r-ok-before', 'l1+r-ok-after'],
  );
  await d.close();
});

test('left join: an unmatched left record is emitted only after its window and grace close (spurious-result fix)', async () => {
  const { d, out } = await run(build('leftJoin', joinWindows(10, { grace: 5 })), [
    ['L', 'a', 'l1', 100],
    ['L', 'b', 'lb', 101],
    ['R', 'a', 'r1', 108], // a joins: no (l1, null) will follow
    ['L', 'c', 'lc', 115], // stream time 115: b's window closes at 101 + 10 + 5 = 116, not yet
    ['L', 'c', 'lc2', 117], // 117 > 116: b is emitted unjoined
  ]);
  assert.deepEqual(out, [
    ['a', 'l1+r1', 108],
    ['b', 'lb+-', 101],
  ]);
  await d.close();
});

test('left join: a record whose window already ended is emitted unjoined at once; right records alone emit nothing', async () => {
  const { d, out } = await run(build('leftJoin', joinWindows(10, { grace: 50 })), [
    ['L', 'x', 'lx', 200],
    ['L', 'a', 'old', 150], // 150 + 10 < 200: its window ended, emitted unjoined right away
    ['R', 'z', 'rz', 201], // right side of a left join never emits alone
  ]);
  assert.deepEqual(out, [['a', 'old+-', 150]]);
  await d.close();
});

test('outer join: both sides wait; unmatched ones come out in time order when their windows close', async () => {
  const { d, out } = await run(build('outerJoin', joinWindows(5)), [
    ['L', 'a', 'la', 10],
    ['R', 'b', 'rb', 11],
    ['R', 'a', 'ra', 14], // joins la
    ['L', 'k', 'lk', 30], // closes everything before 30 - 5 = 25
  ]);
  assert.deepEqual(out, [
    ['a', 'la+ra', 14],
    ['b', '-+rb', 11],
  ]);
  await d.close();
});

test('expired records are not buffered: a late right record finds nothing and is not found later', async () => {
  const { d, out } = await run(build('join', joinWindows(5, { grace: 0 })), [
    ['L', 'a', 'l1', 100],
    ['L', 'x', 'lx', 200], // stream time 200; retention 10: records <= 190 are expired
    ['R', 'a', 'r1', 101], // expired: l1 (100) is gone too, nothing joins
    ['L', 'a', 'l2', 102], // expired as well, and r1 was never buffered
  ]);
  assert.deepEqual(out, []);
  assert.equal(d.total('lateDrops'), 2);
  await d.close();
});

test('a restarted app resumes with its join buffers and waiting records (no duplicate, no loss)', async () => {
  const cluster = new VirtualCluster();
  const first = await run(build('leftJoin', joinWindows(10)), [
    ['L', 'a', 'l1', 100],
    ['L', 'b', 'lb', 100],
  ], cluster);
  assert.deepEqual(first.out, []);
  await first.d.close();
  const second = await run(build('leftJoin', joinWindows(10)), [
    ['R', 'a', 'r1', 105], // joins l1 from the restored buffer
    ['L', 'c', 'lc', 200], // closes b's window: emitted unjoined, once
  ], cluster);
  assert.deepEqual(second.out, [
    ['a', 'l1+r1', 105],
    ['b', 'lb+-', 100],
  ]);
  await second.d.close();
});

test('a side whose key changed upstream is repartitioned before joining; null keys on a left join pass unjoined', async () => {
  const app = new App({ appId: 'ss-rekey' });
  const left = app.stream('left', { key: string, value: string }).selectKey((_k, v) => v.split(':')[0]!);
  const right = app.stream('right', { key: string, value: string });
  left.leftJoin(right, (l, r) => `${l}|${r ?? '-'}`, joinWindows(10)).to('out', { value: string });
  const d = await TestDriver.create(app, { defaultPartitions: 2 });
  assert.ok(d.cluster.topics().some((t) => t.endsWith('-left-repartition')));
  await d.input('right', string, string).pipe('k1', 'R', { timestamp: 10 });
  await d.input('left', string, string).pipe('whatever', 'k1:x', { timestamp: 12 });
  assert.deepEqual(d.output('out', string, string).readKeyValues(), [['k1', 'k1:x|R']]);
  await d.close();
});
