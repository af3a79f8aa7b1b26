// Window arithmetic and late-record rules (src/streams/windows.ts) as properties against naive models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  TestDriver,
  fixedWindowsFor,
  hopping,
  mergeSessions,
  session,
  sliding,
  string,
  toMillis,
  type SessionStore,
  type TimeWindow,
  type WindowStore,
} from '../../src/streams/index.js';

const RUNS = 60;

test('fixed windows: exactly the epoch-aligned [start, end) windows containing t', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (t, a, extra) => {
      const advance = a;
      const size = a + extra - 1;
      const naive: TimeWindow[] = [];
      for (let s = 0; s <= t; s += advance) if (s <= t && t < s + size) naive.push({ start: s, end: s + size });
      assert.deepEqual(fixedWindowsFor(t, { sizeMs: size, advanceMs: advance }), naive);
    }),
    { numRuns: 500 },
  );
});

test('durations parse', () => {
  assert.equal(toMillis('500ms'), 500);
  assert.equal(toMillis('1m'), 60_000);
  assert.equal(toMillis('2h'), 7_200_000);
  assert.equal(toMillis('1.5s'), 1_500);
  assert.throws(() => toMillis('5 minutes' as '5m'));
});

const recordsArb = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 60 });

test('hopping count with grace: store, late drops and final emissions match a naive model', async () => {
  await fc.assert(
    fc.asyncProperty(recordsArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 30 }), async (records, advance, mult, grace) => {
      const size = advance * mult;
      const app = new App({ appId: 'prop' });
      app.stream('in', { key: string, value: string }).groupByKey().windowedBy(hopping(size, advance).grace(grace)).emit('final').count({ store: 'w' });
      const d = await TestDriver.create(app);
      const input = d.input('in', string, string);
      // Naive model: stream time = running max; per window, count unless closed.
      const counts = new Map<string, number>();
      let streamTime = -1;
      let late = 0;
      for (const r of records) {
        await input.pipe(r.key, 'x', { timestamp: r.ts });
        streamTime = Math.max(streamTime, r.ts);
        let isLate = false;
        for (let s = 0; s <= r.ts; s += advance) {
          if (!(r.ts < s + size)) continue;
          if (streamTime - grace >= s + size) isLate = true;
          else counts.set(`${r.key}@${s}`, (counts.get(`${r.key}@${s}`) ?? 0) + 1);
        }
        if (isLate) late++;
      }
      assert.equal(d.total('lateDrops'), late);
      const store = d.store<WindowStore<string, number>>('w');
      for (const [id, n] of counts) {
        const [key, s] = id.split('@') as [string, string];
        const end = Number(s) + size;
        if (streamTime - grace >= end) {
          assert.equal(store.get(key, Number(s)), undefined, 'closed windows leave the store');
        } else {
          assert.equal(store.get(key, Number(s)), n, `open window ${id}`);
        }
      }
      await d.crash();
    }),
    { numRuns: RUNS },
  );
});

test('final emission: each closed window exactly once, with its final count, in end order', async () => {
  await fc.assert(
    fc.asyncProperty(recordsArb, fc.integer({ min: 5, max: 40 }), fc.integer({ min: 0, max: 20 }), async (records, size, grace) => {
      const app = new App({ appId: 'final' });
      const emitted: Array<[string, number, number]> = [];
      app
        .stream('in', { key: string, value: string })
        .groupByKey()
        .windowedBy(hopping(size, size).grace(grace))
        .emit('final')
        .count()
        .toStream()
        .filter((_k, n) => n !== null)
        .peek((k, n) => emitted.push([k.key, k.window.start, n]));
      const d = await TestDriver.create(app);
      const counts = new Map<string, number>();
      let st = -1;
      for (const r of records) {
        await d.input('in', string, string).pipe(r.key, 'x', { timestamp: r.ts });
        st = Math.max(st, r.ts);
        const s = Math.floor(r.ts / size) * size;
        if (!(st - grace >= s + size)) counts.set(`${r.key}|${s}`, (counts.get(`${r.key}|${s}`) ?? 0) + 1);
      }
      const expected = [...counts]
        .map(([id, n]) => [id.split('|')[0]!, Number(id.split('|')[1]), n] as [string, number, number])
        .filter(([, s]) => st - grace >= s + size);
      const sortKey = (e: [string, number, number]) => `${String(e[1]).padStart(6, '0')}${e[0]}`;
      assert.deepEqual([...emitted].sort((x, y) => sortKey(x).localeCompare(sortKey(y))), expected.sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
      for (let i = 1; i < emitted.length; i++) assert.ok(emitted[i - 1]![1] <= emitted[i]![1], 'in end order');
      await d.crash();
    }),
    { numRuns: RUNS },
  );
});

/** Naive sessions: sort accepted timestamps, split where the gap exceeds `gap`. */
function naiveSessions(ts: number[], gap: number): Array<{ start: number; end: number; n: number }> {
  const sorted = [...ts].sort((a, b) => a - b);
  const out: Array<{ start: number; end: number; n: number }> = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t - (last.end - 1) <= gap) {
      last.end = t + 1;
      last.n++;
    } else out.push({ start: t, end: t + 1, n: 1 });
  }
  return out;
}

test('mergeSessions equals re-clustering from scratch', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 30 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 40 }), (prior, t, gap) => {
      const sessions = naiveSessions(prior, gap).map(({ start, end }) => ({ start, end }));
      const { merged } = mergeSessions(sessions, t, gap);
      const after = naiveSessions([...prior, t], gap).find((s) => s.start <= t && t < s.end)!;
      assert.deepEqual(merged, { start: after.start, end: after.end });
    }),
    { numRuns: 500 },
  );
});

test('session count with grace: sessions and late drops match a naive model', async () => {
  await fc.assert(
    fc.asyncProperty(recordsArb, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 40 }), async (records, gap, grace) => {
      const app = new App({ appId: 'sess' });
      app.stream('in', { key: string, value: string }).groupByKey().windowedBy(session(gap).grace(grace)).count({ store: 's' });
      const d = await TestDriver.create(app);
      const accepted = new Map<string, number[]>();
      let st = -1;
      let late = 0;
      for (const r of records) {
        await d.input('in', string, string).pipe(r.key, 'x', { timestamp: r.ts });
        st = Math.max(st, r.ts);
        const mine = accepted.get(r.key) ?? [];
        const merged = naiveSessions([...mine, r.ts], gap).find((s) => s.start <= r.ts && r.ts < s.end)!;
        if (st - grace >= merged.end) late++;
        else accepted.set(r.key, [...mine, r.ts]);
      }
      assert.equal(d.total('lateDrops'), late);
      const store = d.store<SessionStore<string, number>>('s');
      for (const [key, ts] of accepted) {
        const live = naiveSessions(ts, gap).filter((s) => !(st - grace - gap >= s.end));
        assert.deepEqual(
          store.sessions(key).map((s) => [s.window.start, s.window.end, s.value]),
          live.map((s) => [s.start, s.end, s.n]),
        );
      }
      await d.crash();
    }),
    { numRuns: RUNS },
  );
});

/**
 * Kafka's sliding windows by definition (KIP-450): per accepted record r, its left window starts
 * at max(0, r - d), and its right window at r + 1 when another record lies in (r, r + d + 1].
 * Returns window start -> number of records within [start, start + d].
 */
function naiveSlidingWindows(ts: readonly number[], d: number): Map<number, number> {
  const starts = new Set<number>();
  for (const r of ts) {
    starts.add(Math.max(0, r - d));
    if (ts.some((x) => x > r && x <= r + d + 1)) starts.add(r + 1);
  }
  const out = new Map<number, number>();
  for (const s of [...starts].sort((a, b) => a - b)) out.set(s, ts.filter((x) => x >= s && x <= s + d).length);
  return out;
}

let lmdbAvailable = true;
try {
  await import('lmdb' as string);
} catch {
  lmdbAvailable = false;
}

for (const persistent of [false, true]) {
  test(`sliding count (${persistent ? 'lmdb' : 'memory'} stores): open windows, their counts and late drops match Kafka's windows by definition`, { skip: persistent && !lmdbAvailable && 'lmdb not installed' }, async () => {
    const stateDir = persistent ? mkdtempSync(join(tmpdir(), 'brook-sliding-')) : undefined;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(recordsArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 }), async (records, diff, grace) => {
        const app = new App({ appId: `slide-${run++}`, stateDir });
        const changes = new Map<string, number>();
        app
          .stream('in', { key: string, value: string })
          .groupByKey()
          .windowedBy(sliding(diff).grace(grace))
          .count({ store: 'sl', persistent })
          .toStream()
          .peek((w, n) => {
            assert.equal(w.window.end - w.window.start, diff + 1, 'every window spans d + 1 ms');
            changes.set(`${w.key}@${w.window.start}`, n as number);
          });
        const d = await TestDriver.create(app);
        const accepted = new Map<string, number[]>();
        let st = -1;
        let late = 0;
        for (const r of records) {
          await d.input('in', string, string).pipe(r.key, 'x', { timestamp: r.ts });
          st = Math.max(st, r.ts);
          const cutoff = st - grace;
          if (r.ts + diff + 1 <= cutoff) {
            late++; // dropped whole: even its right window has closed
            continue;
          }
          if (Math.max(0, r.ts - diff) + diff + 1 <= cutoff) late++; // its left window has closed
          accepted.set(r.key, [...(accepted.get(r.key) ?? []), r.ts]);
        }
        assert.equal(d.total('lateDrops'), late);
        const store = d.store<WindowStore<string, number>>('sl');
        const expectedOpen: Array<{ key: string; start: number; value: number }> = [];
        for (const [key, ts] of accepted) {
          for (const [start, n] of naiveSlidingWindows(ts, diff)) {
            if (st - grace >= start + diff + 1) continue; // closed: expired from the store
            expectedOpen.push({ key, start, value: n });
            assert.equal(changes.get(`${key}@${start}`), n, `last change of ${key}@${start}`);
          }
        }
        const order = (a: { key: string; start: number }, b: { key: string; start: number }) => a.start - b.start || a.key.localeCompare(b.key);
        const held = store.fetchAll(0, Number.MAX_SAFE_INTEGER).map((e) => ({ key: e.key, start: e.start, value: e.value }));
        assert.deepEqual(held.sort(order), expectedOpen.sort(order));
        await d.crash();
      }),
      { numRuns: persistent ? RUNS / 2 : RUNS * 2 },
    );
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });
}

test('sliding emit final: each closed window once, with its last changed value, in end order', async () => {
  await fc.assert(
    fc.asyncProperty(recordsArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 }), async (records, diff, grace) => {
      const build = (strategy: 'changes' | 'final', sink: (k: string, start: number, n: number) => void) => {
        const app = new App({ appId: `slide-${strategy}` });
        app
          .stream('in', { key: string, value: string })
          .groupByKey()
          .windowedBy(sliding(diff).grace(grace))
          .emit(strategy)
          .count()
          .toStream()
          .peek((w, n) => sink(w.key, w.window.start, n as number));
        return app;
      };
      const last = new Map<string, number>();
      const finals: Array<[string, number, number]> = [];
      const changes = await TestDriver.create(build('changes', (k, s, n) => last.set(`${k}@${s}`, n)));
      const final = await TestDriver.create(build('final', (k, s, n) => finals.push([k, s, n])));
      let st = -1;
      for (const r of records) {
        await changes.input('in', string, string).pipe(r.key, 'x', { timestamp: r.ts });
        await final.input('in', string, string).pipe(r.key, 'x', { timestamp: r.ts });
        st = Math.max(st, r.ts);
      }
      const closed = [...last].filter(([id]) => st - grace >= Number(id.split('@')[1]) + diff + 1);
      assert.equal(finals.length, closed.length, 'every closed window exactly once');
      for (const [k, s, n] of finals) assert.equal(last.get(`${k}@${s}`), n);
      for (let i = 1; i < finals.length; i++) assert.ok(finals[i - 1]![1] <= finals[i]![1], 'in end order');
      await changes.crash();
      await final.crash();
    }),
    { numRuns: RUNS },
  );
});
