// The server-side assignors of KIP-848 groups, as pure functions: range gives Kafka's contiguous ranges in Kafka's
// member order; uniform balances and is sticky; both prefer members in a partition's rack without giving up
// balance (KIP-881's rule); and for any group (fast-check) every partition of a subscribed topic goes to exactly one
// member subscribed to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Assignment } from '../../src/broker/groups/consumer/assignment.js';
import type { AssignmentMember, TopicDescriber } from '../../src/broker/groups/consumer/assignors/assignor.js';
import { RangeAssignor } from '../../src/broker/groups/consumer/assignors/range-assignor.js';
import { UniformAssignor } from '../../src/broker/groups/consumer/assignors/uniform-assignor.js';

function topics(counts: Record<string, number>, racks: (topic: string, p: number) => string[] = () => []): TopicDescriber {
  return { numPartitions: (t) => counts[t] ?? -1, racksForPartition: (t, p) => new Set(racks(t, p)) };
}

function m(memberId: string, topicIds: string[], extra: Partial<AssignmentMember> = {}): AssignmentMember {
  return { memberId, instanceId: null, rackId: null, topicIds: new Set(topicIds), current: new Map(), ...extra };
}

function flat(a: Assignment | undefined, topic = 't'): number[] {
  return [...(a?.get(topic) ?? [])].sort((x, y) => x - y);
}

test('range: consecutive ranges, static members first by instance id, then by member id; extras to the first', () => {
  const out = new RangeAssignor().assign([m('b', ['t']), m('a', ['t']), m('z', ['t'], { instanceId: 'i-1' })], topics({ t: 7 }));
  assert.deepEqual([flat(out.get('z')), flat(out.get('a')), flat(out.get('b'))], [[0, 1, 2], [3, 4], [5, 6]]);
});

test('range: with racks, a member first takes partitions of its rack within its range size', () => {
  const rackOf = (_t: string, p: number) => [p % 2 === 0 ? 'even' : 'odd'];
  const out = new RangeAssignor().assign([m('a', ['t'], { rackId: 'odd' }), m('b', ['t'], { rackId: 'even' })], topics({ t: 4 }, rackOf));
  assert.deepEqual([flat(out.get('a')), flat(out.get('b'))], [[1, 3], [0, 2]]);
});

test('uniform: balanced, and a new member takes partitions from the others without moving the rest', () => {
  const u = new UniformAssignor();
  const first = u.assign([m('a', ['t']), m('b', ['t'])], topics({ t: 12 }));
  assert.deepEqual([flat(first.get('a')).length, flat(first.get('b')).length], [6, 6]);
  const next = u.assign([m('a', ['t'], { current: first.get('a')! }), m('b', ['t'], { current: first.get('b')! }), m('c', ['t'])], topics({ t: 12 }));
  assert.deepEqual([flat(next.get('a')).length, flat(next.get('b')).length, flat(next.get('c')).length], [4, 4, 4]);
  for (const id of ['a', 'b']) assert.ok(flat(next.get(id)).every((p) => flat(first.get(id)).includes(p)), `${id} kept only partitions it had`);
});

test('uniform: a member outside the partitions rack keeps its balanced share; ties go to the rack', () => {
  const rackOf = (_t: string, p: number) => [p < 2 ? 'r1' : 'r2'];
  const out = new UniformAssignor().assign([m('a', ['t'], { rackId: 'r2' }), m('b', ['t'], { rackId: 'r1' })], topics({ t: 4 }, rackOf));
  assert.deepEqual([flat(out.get('a')), flat(out.get('b'))], [[2, 3], [0, 1]]);
});

test('uniform: heterogeneous subscriptions are balanced among the members that can take each partition', () => {
  const out = new UniformAssignor().assign([m('a', ['t', 'u']), m('b', ['t']), m('c', ['u'])], topics({ t: 4, u: 4 }));
  const count = (id: string) => flat(out.get(id), 't').length + flat(out.get(id), 'u').length;
  assert.deepEqual([count('a'), count('b'), count('c')].sort(), [2, 3, 3]);
});

const groupArb = fc.record({
  counts: fc.record({ t: fc.integer({ min: 1, max: 20 }), u: fc.integer({ min: 1, max: 10 }) }),
  members: fc.array(fc.subarray(['t', 'u'], { minLength: 1 }), { minLength: 1, maxLength: 6 }),
  racks: fc.boolean(),
});

for (const assignor of [new UniformAssignor(), new RangeAssignor()]) {
  test(`${assignor.name}: every subscribed partition goes to exactly one member subscribed to it (fast-check)`, () => {
    fc.assert(
      fc.property(groupArb, ({ counts, members, racks }) => {
        const specs = members.map((ts, i) => m(`m${i}`, ts, { rackId: racks ? `r${i % 2}` : null }));
        const out = assignor.assign(specs, topics(counts, (_t, p) => (racks ? [`r${p % 3}`] : [])));
        const seen = new Map<string, string>();
        for (const spec of specs) {
          for (const [t, ps] of out.get(spec.memberId) ?? new Map()) {
            assert.ok(spec.topicIds.has(t), `${spec.memberId} got ${t} without subscribing`);
            for (const p of ps) {
              assert.ok(!seen.has(`${t}:${p}`), `${t}:${p} given twice`);
              seen.set(`${t}:${p}`, spec.memberId);
            }
          }
        }
        const subscribed = new Set(members.flat());
        const expected = [...subscribed].reduce((n, t) => n + counts[t as 't' | 'u'], 0);
        assert.equal(seen.size, expected, 'every partition of a subscribed topic is assigned');
        if (members.every((ts) => ts.join() === members[0]!.join())) {
          const sizes = specs.map((s) => [...(out.get(s.memberId) ?? new Map()).values()].reduce((n, ps: Set<number>) => n + ps.size, 0));
          if (assignor.name === 'uniform') assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `balanced: ${sizes.join()}`);
        }
      }),
      { numRuns: 300 },
    );
  });
}
