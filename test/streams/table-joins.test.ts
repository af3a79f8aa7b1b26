// Table-table joins (on the key and on a foreign key), global tables and versioned tables through
// the TestDriver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver, json, string, type KeyValueStore } from '../../src/streams/index.js';

type Kind = 'join' | 'leftJoin' | 'outerJoin';

async function tableJoin(kind: Kind, steps: Array<['L' | 'R', string, string | null]>): Promise<Array<[string | null, string | null]>> {
  const app = new App({ appId: `tt-${kind}` });
  const left = app.table('left', { key: string, value: string });
  const right = app.table('right', { key: string, value: string });
  const joiner = (l: string | undefined, r: string | undefined) => `${l ?? '-'}+${r ?? '-'}`;
  const joined = kind === 'join' ? left.join(right, joiner) : kind === 'leftJoin' ? left.leftJoin(right, joiner) : left.outerJoin(right, joiner);
  joined.toStream().to('out', { value: string });
  const d = await TestDriver.create(app);
  let ts = 1;
  for (const [side, k, v] of steps) await d.input(side === 'L' ? 'left' : 'right', string, string).pipe(k, v, { timestamp: ts++ });
  const out = d.output('out', string, string).readKeyValues();
  await d.close();
  return out;
}

const script: Array<['L' | 'R', string, string | null]> = [
  ['L', 'a', 'l1'], // no right yet
  ['R', 'a', 'r1'],
  ['L', 'a', 'l2'],
  ['R', 'b', 'rb'], // no left
  ['R', 'a', null], // right delete
  ['L', 'a', null], // left delete
  ['L', 'c', null], // delete of nothing
];

test('table-table inner join: a row exists while both sides do; deletes retract it', async () => {
  assert.deepEqual(await tableJoin('join', script), [
    ['a', 'l1+r1'],
    ['a', 'l2+r1'],
    ['a', null],
  ]);
});

test('table-table left join: every left row, joined with the right one when present', async () => {
  assert.deepEqual(await tableJoin('leftJoin', script), [
    ['a', 'l1+-'],
    ['a', 'l1+r1'],
    ['a', 'l2+r1'],
    ['a', 'l2+-'],
    ['a', null],
  ]);
});

test('table-table outer join: a row while either side has one', async () => {
  assert.deepEqual(await tableJoin('outerJoin', script), [
    ['a', 'l1+-'],
    ['a', 'l1+r1'],
    ['a', 'l2+r1'],
    ['b', '-+rb'],
    ['a', 'l2+-'],
    ['a', null],
  ]);
});

test('a materialized join result can be joined again and queried', async () => {
  const app = new App({ appId: 'tt-chain' });
  const a = app.table('a', { key: string, value: string });
  const b = app.table('b', { key: string, value: string });
  const c = app.table('c', { key: string, value: string });
  const ab = a.join(b, (x, y) => `${x}${y}`, { store: 'ab', value: string });
  ab.join(c, (xy, z) => `${xy}${z}`).toStream().to('out', { value: string });
  const d = await TestDriver.create(app);
  await d.input('a', string, string).pipe('k', 'A');
  await d.input('c', string, string).pipe('k', 'C');
  await d.input('b', string, string).pipe('k', 'B');
  assert.deepEqual(d.output('out', string, string).readKeyValues(), [['k', 'ABC']]);
  assert.equal(d.store<KeyValueStore<string, string>>('ab').get('k'), 'AB');
  await d.close();
});

interface Order {
  customer: string;
  item: string;
}

async function fkJoin(left: boolean, partitions: number, steps: Array<['O' | 'C', string, Order | string | null]>): Promise<Map<string, string>> {
  const app = new App({ appId: `fk-${left}` });
  const orders = app.table('orders', { key: string, value: json<Order>() });
  const customers = app.table('customers', { key: string, value: string });
  const joiner = (o: Order, c: string | undefined) => `${o.item}@${c ?? '?'}`;
  const joined = left ? orders.leftJoinOnForeignKey(customers, (o) => o.customer, joiner) : orders.joinOnForeignKey(customers, (o) => o.customer, joiner);
  joined.toStream().to('out', { value: string });
  const d = await TestDriver.create(app, { partitions: { orders: partitions, customers: partitions === 1 ? 1 : partitions + 1, out: 1 } });
  for (const [side, k, v] of steps) {
    if (side === 'O') await d.input('orders', string, json<Order>()).pipe(k, v as Order | null);
    else await d.input('customers', string, string).pipe(k, v as string | null);
  }
  const out = d.output('out', string, string).toMap();
  await d.close();
  return out;
}

test('foreign-key join: results follow updates and deletes of both sides, and foreign-key changes', async () => {
  const steps: Array<['O' | 'C', string, Order | string | null]> = [
    ['O', 'o1', { customer: 'c1', item: 'book' }], // no customer yet: nothing (inner)
    ['C', 'c1', 'Ann'],
    ['O', 'o2', { customer: 'c1', item: 'pen' }],
    ['C', 'c2', 'Bob'],
    ['O', 'o1', { customer: 'c2', item: 'book' }], // foreign key changes
    ['C', 'c1', 'Anne'], // only o2 follows
    ['O', 'o3', { customer: 'c3', item: 'cup' }], // c3 never exists
    ['C', 'c2', null], // o1 loses its match
  ];
  const inner = await fkJoin(false, 3, steps);
  assert.deepEqual(new Map([...inner].sort()), new Map([['o2', 'pen@Anne']]));
  const left = await fkJoin(true, 3, steps);
  assert.deepEqual(new Map([...left].sort()), new Map([['o1', 'book@?'], ['o2', 'pen@Anne'], ['o3', 'cup@?']]));
});

test('foreign-key join: deleting the left row retracts its result; the tables need not be co-partitioned', async () => {
  const out = await fkJoin(false, 2, [
    ['C', 'c1', 'Ann'],
    ['O', 'o1', { customer: 'c1', item: 'book' }],
    ['O', 'o1', null],
    ['C', 'c1', 'Ann2'],
  ]);
  assert.deepEqual(out, new Map());
});

test('global table: every task sees every key; inner and left joins with a key selector', async () => {
  const app = new App({ appId: 'global' });
  const names = app.globalTable('names', { key: string, value: string });
  const events = app.stream('events', { key: string, value: json<{ user: string }>() });
  events.join(names, (_k, e) => e.user, (e, n) => `${e.user}=${n}`).to('inner', { value: string });
  events.leftJoin(names, (_k, e) => e.user, (e, n) => `${e.user}=${n ?? '?'}`).to('left', { value: string });
  const cluster = await TestDriver.create(app, { partitions: { names: 3, events: 2 } });
  const n = cluster.input('names', string, string);
  await n.pipe('u1', 'Ann', { partition: 0 });
  await n.pipe('u2', 'Bob', { partition: 2 });
  const e = cluster.input('events', string, json<{ user: string }>());
  await e.pipe('k1', { user: 'u1' }, { partition: 1 });
  await e.pipe('k2', { user: 'u2' }, { partition: 0 });
  await e.pipe('k3', { user: 'u9' }, { partition: 1 });
  await n.pipe('u2', null, { partition: 2 });
  await e.pipe('k4', { user: 'u2' }, { partition: 1 });
  assert.deepEqual(cluster.output('inner', string, string).readValues().sort(), ['u1=Ann', 'u2=Bob']);
  assert.deepEqual(cluster.output('left', string, string).readValues().sort(), ['u1=Ann', 'u2=?', 'u2=Bob', 'u9=?']);
  assert.equal(cluster.store<KeyValueStore<string, string>>('names-global-store').get('u1'), 'Ann');
  await cluster.close();
});

test('a global table is loaded completely before processing starts', async () => {
  const app = new App({ appId: 'global-boot' });
  const names = app.globalTable('names', { key: string, value: string });
  app.stream('events', { key: string, value: string }).join(names, (_k, v) => v, (v, n) => `${v}=${n}`).to('out', { value: string });
  const first = await TestDriver.create(app);
  await first.input('names', string, string).pipe('u1', 'Ann');
  await first.close();
  const second = await TestDriver.create(app, { cluster: first.cluster });
  await second.input('events', string, string).pipe('k', 'u1');
  assert.deepEqual(second.output('out', string, string).readValues(), ['u1=Ann']);
  await second.close();
});

test('versioned table: a stream record joins the table value valid at its own timestamp', async () => {
  const app = new App({ appId: 'versioned' });
  const prices = app.table('prices', { key: string, value: string, versioned: { historyRetention: '1h' } });
  const orders = app.stream('orders', { key: string, value: string });
  orders.join(prices, (o, p) => `${o}@${p}`).to('out', { value: string });
  orders.leftJoin(prices, (o, p) => `${o}@${p ?? '?'}`).to('left', { value: string });
  prices.toStream().to('price-changes', { value: string });
  const d = await TestDriver.create(app);
  const p = d.input('prices', string, string);
  const o = d.input('orders', string, string);
  await p.pipe('apple', '1.00', { timestamp: 1_000 });
  await p.pipe('apple', '2.00', { timestamp: 5_000 });
  await p.pipe('apple', '1.50', { timestamp: 3_000 }); // out of order: history only, not forwarded
  await o.pipe('apple', 'o-at-2000', { timestamp: 2_000 });
  await o.pipe('apple', 'o-at-4000', { timestamp: 4_000 });
  await o.pipe('apple', 'o-at-6000', { timestamp: 6_000 });
  await o.pipe('apple', 'o-at-500', { timestamp: 500 }); // before the first version
  assert.deepEqual(d.output('out', string, string).readValues(), ['o-at-2000@1.00', 'o-at-4000@1.50', 'o-at-6000@2.00']);
  assert.deepEqual(d.output('left', string, string).readValues(), ['o-at-2000@1.00', 'o-at-4000@1.50', 'o-at-6000@2.00', 'o-at-500@?']);
  assert.deepEqual(d.output('price-changes', string, string).readValues(), ['1.00', '2.00']);
  await d.close();
});

test('versioned table history outlives a restart (restored from its changelog with version timestamps)', async () => {
  const build = () => {
    const app = new App({ appId: 'versioned-restart' });
    const prices = app.table('prices', { key: string, value: string, versioned: { historyRetention: '1h' } });
    app.stream('orders', { key: string, value: string }).join(prices, (o, p) => `${o}@${p}`).to('out', { value: string });
    return app;
  };
  const first = await TestDriver.create(build());
  await first.input('prices', string, string).pipe('apple', '1.00', { timestamp: 1_000 });
  await first.input('prices', string, string).pipe('apple', '2.00', { timestamp: 5_000 });
  await first.close();
  const second = await TestDriver.create(build(), { cluster: first.cluster });
  await second.input('orders', string, string).pipe('apple', 'o', { timestamp: 2_000 });
  assert.deepEqual(second.output('out', string, string).readValues(), ['o@1.00']);
  await second.close();
});
