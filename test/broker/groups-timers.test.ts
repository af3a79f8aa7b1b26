// The group coordinator's timers on virtual time (node:test's mock timers drive setTimeout and Date, and the
// membership takes its clock from Date.now): the KIP-134 initial rebalance delay and its extension while
// members keep arriving, the rebalance timeout that drops members that do not rejoin, and the session timeout
// that heartbeats keep pushing back. Each assertion is about what has happened by a virtual instant, so the
// tests neither sleep nor depend on the machine's speed.
import { test, mock, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ClassicGroup } from '../../src/broker/groups/classic-group.js';
import { GroupMembership, type GroupRegistry, type JoinRequest } from '../../src/broker/groups/group-membership.js';
import type { JoinOutcome } from '../../src/broker/groups/member.js';
import { memoryLogger } from '../../src/util/logger.js';

const INITIAL_DELAY = 3000;

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_700_000_000_000 }));
afterEach(() => mock.timers.reset());

function setup(initialRebalanceDelayMs = INITIAL_DELAY): { membership: GroupMembership; groups: Map<string, ClassicGroup> } {
  const groups = new Map<string, ClassicGroup>();
  const registry: GroupRegistry = {
    get: (id) => groups.get(id),
    getOrCreate: (id) => {
      let g = groups.get(id);
      if (!g) groups.set(id, (g = new ClassicGroup(id, Date.now())));
      return g;
    },
    dropIfUnused: () => undefined,
    persist: () => Promise.resolve(),
  };
  const membership = new GroupMembership(registry, { initialRebalanceDelayMs, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000, maxGroupSize: 100 }, memoryLogger().logger, () => Date.now());
  return { membership, groups };
}

function joinRequest(memberId: string, options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number } = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    requireKnownMemberId: false,
    supportsSkipAssignment: false,
  };
}

/** Lets promise callbacks run (setImmediate is not mocked, so it waits for the microtask queue to drain). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A join whose outcome can be looked at without awaiting it. */
function tracked(p: Promise<JoinOutcome>): { done: () => JoinOutcome | undefined; promise: Promise<JoinOutcome> } {
  let outcome: JoinOutcome | undefined;
  void p.then((o) => (outcome = o));
  return { done: () => outcome, promise: p };
}

async function advance(ms: number): Promise<void> {
  mock.timers.tick(ms);
  await settle();
}

/** Joins one member and completes its first generation with SyncGroup; returns its member id. */
async function stableMember(membership: GroupMembership, options: { sessionTimeoutMs?: number } = {}): Promise<string> {
  const join = tracked(membership.join(joinRequest('', options)));
  await advance(INITIAL_DELAY);
  const outcome = join.done();
  assert.ok(outcome, 'the first join did not complete after the initial delay');
  const sync = await membership.sync({ groupId: 'g', generationId: outcome.generationId, memberId: outcome.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: outcome.memberId, assignment: Buffer.from('a') }] });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  return outcome.memberId;
}

test('KIP-134: the first rebalance of an empty group waits group.initial.rebalance.delay.ms', async () => {
  const { membership, groups } = setup();
  const join = tracked(membership.join(joinRequest('')));
  await advance(INITIAL_DELAY - 1);
  assert.equal(join.done(), undefined, 'completed before the initial delay');
  assert.equal(groups.get('g')!.state, 'PreparingRebalance');
  await advance(1);
  assert.equal(join.done()?.errorCode, ErrorCode.NONE);
  assert.equal(join.done()?.generationId, 1);
  membership.close();
});

test('KIP-134: each member arriving during the delay extends it, up to the rebalance timeout', async () => {
  const { membership } = setup();
  const first = tracked(membership.join(joinRequest('', { rebalanceTimeoutMs: 7000 })));
  await advance(2000);
  const second = tracked(membership.join(joinRequest('', { rebalanceTimeoutMs: 7000 })));
  await advance(1000); // t=3000: a member arrived during the first delay, so it is extended by another 3000
  assert.equal(first.done(), undefined);
  await advance(2999); // t=5999
  assert.equal(first.done(), undefined);
  const third = tracked(membership.join(joinRequest('', { rebalanceTimeoutMs: 7000 })));
  await advance(1); // t=6000: extended again, but only by the 1000 left of the 7000 rebalance timeout
  assert.equal(first.done(), undefined);
  await advance(999);
  assert.equal(first.done(), undefined);
  await advance(1); // t=7000
  const outcomes = [first.done(), second.done(), third.done()];
  assert.ok(outcomes.every((o) => o?.errorCode === ErrorCode.NONE && o.generationId === 1), JSON.stringify(outcomes.map((o) => o?.errorCode)));
  assert.equal(outcomes[0]!.members.length + outcomes[1]!.members.length + outcomes[2]!.members.length, 3, 'only the leader gets the member list');
  membership.close();
});

test('without an initial delay the first join completes at once', async () => {
  const { membership } = setup(0);
  const join = tracked(membership.join(joinRequest('')));
  await settle();
  assert.equal(join.done()?.generationId, 1);
  membership.close();
});

test('session timeout: a member that stops heartbeating is removed exactly when its session expires', async () => {
  const { membership, groups } = setup();
  const member = await stableMember(membership, { sessionTimeoutMs: 10_000 });
  const group = groups.get('g')!;
  // Heartbeats push the deadline back: 8 s after the last one the member is still there.
  for (let i = 0; i < 3; i++) {
    await advance(8000);
    assert.equal(membership.heartbeat('g', member, null, group.generationId), ErrorCode.NONE);
  }
  await advance(9999);
  assert.ok(group.members.has(member), 'removed before its session expired');
  await advance(1);
  assert.ok(!group.members.has(member), 'not removed when its session expired');
  assert.equal(group.state, 'Empty');
  assert.equal(membership.heartbeat('g', member, null, group.generationId), ErrorCode.UNKNOWN_MEMBER_ID);
  membership.close();
});

test('rebalance timeout: a member that does not rejoin in time is dropped and the others get a new generation', async () => {
  const { membership, groups } = setup();
  const stale = await stableMember(membership, { sessionTimeoutMs: 60_000 });
  const group = groups.get('g')!;
  // A second member joins: the group rebalances and waits up to the rebalance timeout for `stale` to rejoin.
  const newcomer = tracked(membership.join(joinRequest('', { sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 30_000 })));
  await settle();
  assert.equal(group.state, 'PreparingRebalance');
  assert.equal(membership.heartbeat('g', stale, null, group.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
  await advance(29_999);
  assert.equal(newcomer.done(), undefined, 'the join completed before the rebalance timeout');
  assert.ok(group.members.has(stale));
  await advance(1);
  const outcome = newcomer.done();
  assert.equal(outcome?.errorCode, ErrorCode.NONE);
  assert.equal(outcome?.generationId, 2);
  assert.deepEqual(outcome?.members.map((m) => m.memberId), [outcome?.memberId], 'the member that did not rejoin is still in the generation');
  assert.ok(!group.members.has(stale));
  membership.close();
});
