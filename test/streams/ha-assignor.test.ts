// The high-availability task assignor (runtime/ha-assignor.ts): stickiness, moves only to
// caught-up members (warm-ups otherwise), standbys, balance; and, as properties over random
// groups, that every task has exactly one active and standbys never sit with their active.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignTasks, type MemberState, type TaskInfo } from '../../src/streams/runtime/ha-assignor.js';

const config = { numStandbyReplicas: 1, maxWarmupReplicas: 2, acceptableRecoveryLag: 100 };

function member(memberId: string, offsets: Record<string, bigint> = {}): MemberState {
  const taskOffsets = new Map(Object.entries(offsets));
  return { memberId, taskOffsets, previousActive: new Set([...taskOffsets].filter(([, o]) => o < 0n).map(([id]) => id)) };
}

const stateful = (id: string, endOffsetSum = 10_000n): TaskInfo => ({ id, stateful: true, endOffsetSum });

test('a new group spreads stateful tasks evenly and gives each a standby elsewhere', () => {
  const tasks = ['0_0', '0_1', '0_2', '0_3'].map((id) => stateful(id, 0n));
  const { members, probingNeeded } = assignTasks([member('a'), member('b')], tasks, config);
  assert.equal(members.get('a')!.active.length, 2);
  assert.equal(members.get('b')!.active.length, 2);
  for (const [, m] of members) for (const s of m.standby) assert.ok(!m.active.includes(s));
  assert.equal(probingNeeded, false);
});

test('a task moves only to a caught-up member: a new empty member gets warm-ups, not actives', () => {
  const tasks = ['0_0', '0_1', '0_2', '0_3'].map((id) => stateful(id));
  const a = member('a', { '0_0': -2n, '0_1': -2n });
  const b = member('b', { '0_2': -2n, '0_3': -2n });
  const c = member('c'); // joins with no state: 10 000 records behind on every task
  const { members, probingNeeded } = assignTasks([a, b, c], tasks, config);
  assert.deepEqual(members.get('c')!.active, []);
  assert.ok(members.get('c')!.warmup.length > 0);
  assert.deepEqual(members.get('a')!.active.sort(), ['0_0', '0_1']);
  assert.deepEqual(members.get('b')!.active.sort(), ['0_2', '0_3']);
  assert.equal(probingNeeded, true);
});

test('once its warm-up caught up, the next (probing) rebalance moves the task there', () => {
  const tasks = ['0_0', '0_1', '0_2', '0_3'].map((id) => stateful(id));
  const a = member('a', { '0_0': -2n, '0_1': -2n });
  const b = member('b', { '0_2': -2n, '0_3': -2n });
  const c = member('c', { '0_1': 9_950n }); // 50 behind: within the acceptable lag
  const { members } = assignTasks([a, b, c], tasks, config);
  assert.deepEqual(members.get('c')!.active, ['0_1']);
});

test('when the only owner dies, its tasks go to the member with a standby (least lag)', () => {
  const tasks = ['0_0', '0_1'].map((id) => stateful(id));
  const b = member('b', { '0_1': -2n, '0_0': 9_990n }); // b held a standby of 0_0
  const c = member('c');
  const { members } = assignTasks([b, c], tasks, config);
  assert.ok(members.get('b')!.active.includes('0_0'));
});

test('stateless tasks balance the total load and stick to their owner', () => {
  const tasks: TaskInfo[] = [stateful('1_0', 0n), stateful('1_1', 0n), { id: '0_0', stateful: false, endOffsetSum: 0n }, { id: '0_1', stateful: false, endOffsetSum: 0n }];
  const { members } = assignTasks([member('a', { '0_0': -2n }), member('b')], tasks, { ...config, numStandbyReplicas: 0 });
  assert.equal(members.get('a')!.active.length, 2);
  assert.equal(members.get('b')!.active.length, 2);
  assert.ok(members.get('a')!.active.includes('0_0'));
});

test('property: one active per task, standbys never with their active, at most numStandbyReplicas + warm-up per task', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 2 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: -2, max: 20_000 })), { maxLength: 30 }),
      (memberCount, taskCount, standbys, held) => {
        const tasks = Array.from({ length: taskCount }, (_, i) => ({ id: `${i % 2}_${i}`, stateful: i % 3 !== 0, endOffsetSum: 20_000n }));
        const offsets = Array.from({ length: memberCount }, () => new Map<string, bigint>());
        const activeSeen = new Set<string>();
        for (const [m, t, o] of held) {
          if (m >= memberCount || t >= taskCount) continue;
          const id = tasks[t]!.id;
          if (o < 0 && activeSeen.has(id)) continue; // one previous active per task
          if (o < 0) activeSeen.add(id);
          offsets[m]!.set(id, BigInt(o < 0 ? -2 : o));
        }
        const members = offsets.map((o, i) => ({ memberId: `m${i}`, taskOffsets: o, previousActive: new Set([...o].filter(([, v]) => v < 0n).map(([id]) => id)) }));
        const { members: out } = assignTasks(members, tasks, { numStandbyReplicas: standbys, maxWarmupReplicas: 2, acceptableRecoveryLag: 100 });
        const actives = [...out.values()].flatMap((m) => m.active).sort();
        assert.deepEqual(actives, tasks.map((t) => t.id).sort());
        for (const t of tasks) {
          const copies = [...out.values()].filter((m) => m.standby.includes(t.id));
          for (const m of copies) assert.ok(!m.active.includes(t.id));
          assert.ok(copies.length <= Math.min(standbys + 1, memberCount - 1) || !t.stateful);
          if (!t.stateful) assert.equal(copies.length, 0);
        }
        // Deterministic: the same input gives the same answer whatever the member order.
        const again = assignTasks([...members].reverse(), tasks, { numStandbyReplicas: standbys, maxWarmupReplicas: 2, acceptableRecoveryLag: 100 });
        assert.deepEqual([...again.members].sort(), [...out].sort());
      },
    ),
    { numRuns: 300 },
  );
});

test('failover: an orphaned task goes to its standby holder even past its share, never to an empty member', () => {
  const tasks = ['0_0', '0_1', '0_2', '0_3'].map((id) => stateful(id, 500n)); // small: an empty member would count as caught up
  const a = member('a', { '0_0': -2n, '0_1': 480n, '0_2': 490n }); // standbys of the dead member's tasks
  const c = member('c', { '0_3': -2n });
  const { members } = assignTasks([a, c], tasks, config);
  assert.deepEqual(members.get('a')!.active.sort(), ['0_0', '0_1', '0_2']);
  assert.deepEqual(members.get('c')!.active, ['0_3']);
  assert.ok(members.get('c')!.warmup.length > 0, 'the under-loaded member warms up to take one later');
});
