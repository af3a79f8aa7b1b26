// Server-side share-group assignment (KIP-932's SimpleAssignor behaviour): partitions shared when
// members outnumber them, spread when they do not, sticky across membership changes, and every
// partition assigned to someone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignShareGroup, type AssignorMember } from '../../src/broker/groups/share/simple-assignor.js';

const member = (memberId: string, topics: string[], current: Record<string, number[]> = {}): AssignorMember => ({ memberId, topics, current: new Map(Object.entries(current)) });

describe('share-group assignment', () => {
  it('more members than partitions: every member shares the partitions', () => {
    const out = assignShareGroup(['a', 'b', 'c', 'd', 'e'].map((m) => member(m, ['t'])), new Map([['t', 1]]));
    for (const m of ['a', 'b', 'c', 'd', 'e']) assert.deepEqual(out.get(m)!.get('t'), [0]);
  });

  it('fewer members than partitions: spread evenly, no sharing', () => {
    const out = assignShareGroup([member('a', ['t']), member('b', ['t'])], new Map([['t', 4]]));
    assert.deepEqual([out.get('a')!.get('t')!.length, out.get('b')!.get('t')!.length], [2, 2]);
    assert.deepEqual([...out.get('a')!.get('t')!, ...out.get('b')!.get('t')!].sort(), [0, 1, 2, 3]);
  });

  it('sticky: a member keeps its partitions when another joins', () => {
    const out = assignShareGroup([member('a', ['t'], { t: [2, 3] }), member('b', ['t'], { t: [0, 1] }), member('c', ['t'])], new Map([['t', 6]]));
    assert.ok([2, 3].every((p) => out.get('a')!.get('t')!.includes(p)));
    assert.ok([0, 1].every((p) => out.get('b')!.get('t')!.includes(p)));
    assert.equal(out.get('c')!.get('t')!.length, 2);
  });

  it('different subscriptions: each topic among its own subscribers', () => {
    const out = assignShareGroup([member('a', ['x']), member('b', ['x', 'y'])], new Map([['x', 1], ['y', 2]]));
    assert.deepEqual(out.get('a')!.get('x'), [0]);
    assert.deepEqual(out.get('b')!.get('y'), [0, 1]);
    assert.equal(out.get('a')!.get('y'), undefined);
  });

  it('every partition of a subscribed topic is assigned, to subscribers only, within the sharing bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 }), (members, partitions) => {
        const ids = Array.from({ length: members }, (_, i) => `m${i}`);
        const out = assignShareGroup(ids.map((m) => member(m, ['t'])), new Map([['t', partitions]]));
        const holders = new Map<number, number>();
        for (const m of ids) for (const p of out.get(m)!.get('t') ?? []) holders.set(p, (holders.get(p) ?? 0) + 1);
        assert.equal(holders.size, partitions, 'every partition assigned');
        const sharing = Math.ceil(members / partitions);
        for (const n of holders.values()) assert.ok(n <= sharing);
        const counts = ids.map((m) => out.get(m)!.get('t')?.length ?? 0);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced: ${counts}`);
      }),
    );
  });
});
