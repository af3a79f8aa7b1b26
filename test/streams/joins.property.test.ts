// Property tests of joins against simple models (fast-check), through the TestDriver:
//   * windowed stream-stream joins, inner/left/outer: over in-order input the output is exactly
//     the join's definition (every pair within the window; every unmatched record once, with no
//     spurious unmatched result for a record that found a partner later); over out-of-order input
//     and any grace, a step-by-step model of Kafka's rules;
//   * foreign-key joins under random updates and deletes of both tables, in any partitioning: the
//     final result table is the join of the final tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { App, TestDriver, joinWindows, json, string, type KeyValueStore } from '../../src/streams/index.js';

type Kind = 'inner' | 'left' | 'outer';
interface Ev {
  left: boolean;
  key: string;
  ts: number;
  id: number;
}

const event = fc.record({ left: fc.boolean(), key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 400 }) });

async function runJoin(kind: Kind, events: readonly Ev[], before: number, after: number, grace: number): Promise<string[]> {
  const app = new App({ appId: `prop-${kind}` });
  const l = app.stream('l', { key: string, value: string });
  const r = app.stream('r', { key: string, value: string });
  const w = joinWindows(0).before(before).after(after).grace(grace);
  const j = (a: string | undefined, b: string | undefined) => `${a ?? '-'}|${b ?? '-'}`;
  const out = kind === 'inner' ? l.join(r, j, w) : kind === 'left' ? l.leftJoin(r, j, w) : l.outerJoin(r, j, w);
  out.to('out', { value: string });
  const d = await TestDriver.create(app);
  for (const e of events) await d.input(e.left ? 'l' : 'r', string, string).pipe(e.key, `${e.left ? 'L' : 'R'}${e.id}`, { timestamp: e.ts });
  const got = d.output('out', string, string).readRecords().map((x) => `${x.key}:${x.value}@${x.timestamp}`);
  await d.close();
  return got.sort();
}

/** The join's definition, for input whose disorder the grace covers (nothing is late). */
function definition(kind: Kind, events: readonly Ev[], before: number, after: number, flushId: number): string[] {
  const out: string[] = [];
  const matched = new Set<number>();
  for (const l of events.filter((e) => e.left)) {
    for (const r of events.filter((e) => !e.left && e.key === l.key && e.ts >= l.ts - before && e.ts <= l.ts + after)) {
      out.push(`${l.key}:L${l.id}|R${r.id}@${Math.max(l.ts, r.ts)}`);
      matched.add(l.id).add(r.id);
    }
  }
  for (const e of events) {
    if (matched.has(e.id) || e.id === flushId) continue;
    if (e.left && kind !== 'inner') out.push(`${e.key}:L${e.id}|-@${e.ts}`);
    if (!e.left && kind === 'outer') out.push(`${e.key}:-|R${e.id}@${e.ts}`);
  }
  return out.sort();
}

test('windowed joins over in-order input produce exactly the join definition, with no spurious unmatched results', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Kind>('inner', 'left', 'outer'),
      fc.array(event, { maxLength: 40 }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 30 }),
      async (kind, raw, before, after) => {
        // In timestamp order: an out-of-order record whose window already ended is emitted unjoined
        // at once, as in Kafka (the step-model property below covers disorder).
        const events: Ev[] = [...raw].sort((x, y) => x.ts - y.ts).map((e, id) => ({ ...e, id }));
        // A final far-future record on its own key closes every window.
        const flush: Ev = { left: false, key: 'zz', ts: 10_000, id: events.length };
        const all = [...events, flush];
        const got = await runJoin(kind, all, before, after, 500);
        assert.deepEqual(got, definition(kind, all, before, after, flush.id));
      },
    ),
    { numRuns: 60 },
  );
});

/** Kafka's rules step by step (ops/stream-stream-join.ts), in the plainest form: lists, no stores. */
function stepModel(kind: Kind, events: readonly Ev[], before: number, after: number, grace: number): string[] {
  const retention = before + after + grace;
  const buffered: Ev[] = [];
  let waiting: Ev[] = [];
  const out: string[] = [];
  let streamTime = -1;
  const emitsUnjoined = (e: Ev) => (e.left ? kind !== 'inner' : kind === 'outer');
  const unjoined = (e: Ev) => out.push(e.left ? `${e.key}:L${e.id}|-@${e.ts}` : `${e.key}:-|R${e.id}@${e.ts}`);
  for (const e of events) {
    streamTime = Math.max(streamTime, e.ts);
    if (kind !== 'inner' && e.ts === streamTime) {
      const closed = waiting.filter((w) => w.ts + (w.left ? after : before) + grace < streamTime);
      closed.forEach(unjoined);
      waiting = waiting.filter((w) => !closed.includes(w));
    }
    const lookBehind = e.left ? before : after;
    const lookAhead = e.left ? after : before;
    const visibleFrom = streamTime - retention + 1;
    const partners = buffered.filter((b) => b.left !== e.left && b.key === e.key && b.ts >= Math.max(0, e.ts - lookBehind, visibleFrom) && b.ts <= e.ts + lookAhead);
    for (const p of partners) {
      const [l, r] = e.left ? [e, p] : [p, e];
      out.push(`${e.key}:L${l.id}|R${r.id}@${Math.max(l.ts, r.ts)}`);
      waiting = waiting.filter((w) => !(w.left === p.left && w.key === p.key && w.ts === p.ts));
    }
    if (partners.length === 0 && emitsUnjoined(e)) {
      if (kind === 'inner' || e.ts + lookAhead < streamTime) unjoined(e);
      else waiting.push(e);
    }
    if (e.ts >= visibleFrom) buffered.push(e);
  }
  return out.sort();
}

test('windowed joins with a short grace follow Kafka rules for late and expired records (step model)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Kind>('inner', 'left', 'outer'),
      fc.array(event, { maxLength: 40 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 10 }),
      async (kind, raw, before, after, grace) => {
        const events: Ev[] = raw.map((e, id) => ({ ...e, id }));
        assert.deepEqual(await runJoin(kind, events, before, after, grace), stepModel(kind, events, before, after, grace));
      },
    ),
    { numRuns: 80 },
  );
});

interface Order {
  customer: string;
  item: string;
}

const change = fc.oneof(
  fc.record({ table: fc.constant('orders' as const), key: fc.constantFrom('o1', 'o2', 'o3', 'o4'), customer: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }) }),
  fc.record({ table: fc.constant('customers' as const), key: fc.constantFrom('c1', 'c2', 'c3'), customer: fc.option(fc.constant('x'), { nil: null }) }),
);

test('foreign-key joins under random updates and deletes end as the join of the final tables', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(change, { maxLength: 30 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), async (changes, pOrders, pCustomers, leftJoin) => {
      const app = new App({ appId: 'fk-prop' });
      const orders = app.table('orders', { key: string, value: json<Order>() });
      const customers = app.table('customers', { key: string, value: string });
      const result = leftJoin
        ? orders.leftJoinOnForeignKey(customers, (o) => o.customer, (o, c) => `${o.item}@${c ?? '?'}`, { store: 'result', value: string })
        : orders.joinOnForeignKey(customers, (o) => o.customer, (o, c) => `${o.item}@${c}`, { store: 'result', value: string });
      result.toStream().to('out', { value: string });
      const d = await TestDriver.create(app, { partitions: { orders: pOrders, customers: pCustomers, out: 1 } });
      const finalOrders = new Map<string, Order>();
      const finalCustomers = new Map<string, string>();
      let n = 0;
      for (const c of changes) {
        n++;
        if (c.table === 'orders') {
          const v = c.customer === null ? null : { customer: c.customer, item: `i${n}` };
          await d.input('orders', string, json<Order>()).pipe(c.key, v);
          if (v) finalOrders.set(c.key, v);
          else finalOrders.delete(c.key);
        } else {
          const v = c.customer === null ? null : `C${n}`;
          await d.input('customers', string, string).pipe(c.key, v);
          if (v) finalCustomers.set(c.key, v);
          else finalCustomers.delete(c.key);
        }
      }
      const expected = new Map<string, string>();
      for (const [k, o] of finalOrders) {
        const c = finalCustomers.get(o.customer);
        if (c !== undefined) expected.set(k, `${o.item}@${c}`);
        else if (leftJoin) expected.set(k, `${o.item}@?`);
      }
      const sorted = (m: Map<string, string>) => new Map([...m].sort());
      assert.deepEqual(sorted(d.output('out', string, string).toMap()), sorted(expected));
      const stored = new Map<string, string>();
      for (let p = 0; p < pOrders; p++) for (const [k, v] of d.store<KeyValueStore<string, string>>('result', p).all()) stored.set(k, v);
      assert.deepEqual(sorted(stored), sorted(expected));
      await d.close();
    }),
    { numRuns: 120 },
  );
});
