// Every stateless operator through the TestDriver, which drives the same StreamTask as the runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, StreamsError, TestDriver, int32, json, string, validated } from '../../src/streams/index.js';

test('filter, mapValues, map, selectKey, flatMap, flatMapValues, peek, to', async () => {
  const app = new App({ appId: 'ops' });
  const seen: string[] = [];
  const words = app.stream('in', { key: string, value: string });
  words.filter((_k, v) => v.length > 0).mapValues((v) => v.toUpperCase()).to('upper', { value: string });
  words.filterNot((_k, v) => v.length > 0).to('empty');
  words.map((k, v) => [v, k.length] as const).to('swapped', { key: string, value: int32 });
  words.selectKey((_k, v) => v.slice(0, 1)).peek((k) => seen.push(k)).to('first-letter', { key: string, value: string });
  words.flatMap((k, v) => v.split(' ').map((w) => [w, k] as const)).to('split', { key: string, value: string });
  words.flatMapValues((v) => v.split(' ')).to('words', { value: string });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  await input.pipe('k1', 'hello world', { timestamp: 5 });
  await input.pipe('k2', '', { timestamp: 6 });
  assert.deepEqual(d.output('upper', string, string).readKeyValues(), [['k1', 'HELLO WORLD']]);
  assert.deepEqual(d.output('empty', string, string).readKeyValues(), [['k2', '']]);
  assert.deepEqual(d.output('swapped', string, int32).readKeyValues(), [['hello world', 2], ['', 2]]);
  assert.deepEqual(seen, ['h', '']);
  assert.deepEqual(d.output('split', string, string).readKeyValues(), [['hello', 'k1'], ['world', 'k1'], ['', 'k2']]);
  const out = d.output('words', string, string).readRecords();
  assert.deepEqual(out.map((r) => [r.key, r.value, r.timestamp]), [['k1', 'hello', 5], ['k1', 'world', 5], ['k2', '', 6]]);
  assert.equal(d.total('recordsIn'), 2);
  await d.close();
});

test('branch routes to the first matching predicate, the rest to the last branch; merge joins streams', async () => {
  const app = new App({ appId: 'branch' });
  const [small, medium, rest] = app.stream('n', { key: string, value: int32 }).branch((_k, v) => v < 10, (_k, v) => v < 100);
  small!.to('small');
  medium!.to('medium');
  rest!.to('large');
  small!.merge(rest!).to('merged');
  const d = await TestDriver.create(app);
  const input = d.input('n', string, int32);
  for (const v of [1, 50, 500, 5]) await input.pipe('k', v);
  assert.deepEqual(d.output('small', string, int32).readValues(), [1, 5]);
  assert.deepEqual(d.output('medium', string, int32).readValues(), [50]);
  assert.deepEqual(d.output('large', string, int32).readValues(), [500]);
  assert.deepEqual(d.output('merged', string, int32).readValues(), [1, 500, 5]);
  await d.close();
});

test('a custom timestamp extractor sets event time; records without value are skipped on streams', async () => {
  const app = new App({ appId: 'ts' });
  app.stream('e', { key: string, value: json<{ at: number }>(), timestamp: (v) => v.at }).to('out');
  const d = await TestDriver.create(app);
  await d.input('e', string, json<{ at: number }>()).pipe('a', { at: 42 }, { timestamp: 1 });
  await d.input('e', string, json<{ at: number }>()).pipe('a', null);
  assert.deepEqual(d.output('out', string, json<{ at: number }>()).readRecords().map((r) => r.timestamp), [42]);
  assert.equal(d.total('skipped'), 1);
  await d.close();
});

const positive = { parse: (x: unknown): number => {
  if (typeof x !== 'number' || x <= 0) throw new Error('not a positive number');
  return x;
} };

test('serde failures: fail by default with the record position, or skip, or go to a dead-letter topic', async () => {
  const build = (policy?: 'skip' | { deadLetterTopic: string }) => {
    const app = new App({ appId: 'dlq', ...(policy ? { onDeserializationError: policy } : {}) });
    app.stream('in', { key: string, value: validated(positive) }).to('out');
    return app;
  };
  const failing = await TestDriver.create(build());
  await assert.rejects(failing.input('in', string, json<number>()).pipe('k', -1), (e: unknown) => {
    assert.ok(e instanceof StreamsError);
    assert.equal(e.code, 'SERDE_ERROR');
    assert.match(e.message, /in-0@0.*not a positive number/);
    return true;
  });
  await failing.crash();

  const skipping = await TestDriver.create(build('skip'));
  await skipping.input('in', string, json<number>()).pipe('k', -1);
  await skipping.input('in', string, json<number>()).pipe('k', 3);
  assert.deepEqual(skipping.output('out', string, json<number>()).readValues(), [3]);
  assert.equal(skipping.total('skipped'), 1);
  await skipping.close();

  const dead = await TestDriver.create(build({ deadLetterTopic: 'dead' }));
  await dead.input('in', string, json<number>()).pipe('k', -1);
  const [letter] = dead.output('dead', string, string).readRecords();
  assert.equal(letter!.value, '-1');
  assert.ok(letter!.headers!.some((h) => h.key === 'brook.error' && /positive/.test(String(h.value))));
  await dead.close();
});

test('record headers travel through stateless operators and repartitioning to sinks (processor-context headers)', async () => {
  const app = new App({ appId: 'headers' });
  const words = app.stream('in', { key: string, value: string });
  words
    .filter((_k, v) => v.length > 0)
    .mapValues((v) => v.toUpperCase())
    .flatMapValues((v) => v.split(' '))
    .selectKey((_k, v) => v)
    .repartition({ key: string, value: string, name: 'by-word' })
    .to('out', { key: string, value: string });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  const trace = [{ key: 'trace-id', value: Buffer.from('abc') }, { key: 'empty', value: null }];
  await input.pipe('k1', 'hello world', { headers: trace });
  await input.pipe('k2', 'bare');
  const out = d.output('out', string, string).readRecords();
  assert.deepEqual(
    out.map((r) => [r.value, r.headers?.map((h) => [h.key, h.value === null ? null : h.value.toString()])]),
    [
      ['HELLO', [['trace-id', 'abc'], ['empty', null]]],
      ['WORLD', [['trace-id', 'abc'], ['empty', null]]],
      ['BARE', undefined],
    ],
  );
  await d.close();
});
