// Model-based test of KIP-848 reconciliation (fast-check): random sequences of joins, leaves, heartbeats, lost
// responses, subscription changes, crashes and added partitions drive the real ConsumerGroupHeartbeat flow
// (groups/consumer/heartbeat-flow.ts through the service that commits its records), with simulated clients that
// behave as the KIP says a client must: adopt the assignment a response carries, send a full heartbeat after a
// lost response, drop everything when fenced. After every step:
//   - no partition is owned by two clients (the safety property of incremental reconciliation);
//   - no partition is assigned or pending revocation on two members in the broker's state;
//   - a member's epoch never goes backwards and never passes the assignment epoch, which never passes the group epoch.
// After the sequence, heartbeats alone must bring the group to Stable with every subscribed partition owned exactly
// once and balanced (liveness). A failing sequence is shrunk by fast-check and printed with its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCode } from '../../src/protocol/errors.js';
import { AssignorRegistry } from '../../src/broker/groups/consumer/assignors/assignors.js';
import { ConsumerGroupService } from '../../src/broker/groups/consumer/consumer-group-service.js';
import { consumerGroupHeartbeat, type HeartbeatRequest } from '../../src/broker/groups/consumer/heartbeat-flow.js';
import type { ConsumerMember } from '../../src/broker/groups/consumer/consumer-member.js';
import type { TopicsView } from '../../src/broker/groups/consumer/topic-metadata.js';
import type { OffsetsTopicWriter } from '../../src/broker/groups/offsets-topic.js';
import { memoryLogger } from '../../src/util/logger.js';

const GROUP = 'model';
const TOPIC_NAMES = ['alpha', 'beta'];

function topicId(i: number): string {
  const b = Buffer.alloc(16);
  b[0] = i + 1;
  return b.toString('base64url');
}

class Topics implements TopicsView {
  readonly partitions = new Map<string, number>([
    ['alpha', 4],
    ['beta', 3],
  ]);
  byName(name: string) {
    const n = this.partitions.get(name);
    return n === undefined ? undefined : { id: topicId(TOPIC_NAMES.indexOf(name)), name, partitions: n };
  }
  byId(id: string) {
    const name = TOPIC_NAMES.find((_, i) => topicId(i) === id);
    return name === undefined ? undefined : this.byName(name);
  }
  names() {
    return [...this.partitions.keys()];
  }
  racks() {
    return new Set<string>();
  }
}

interface Client {
  memberId: string;
  epoch: number;
  owned: Map<string, number[]>;
  topics: string[];
  /** Subscription not yet sent (joining, changed, or after a lost response). */
  full: boolean;
}

type Action =
  | { kind: 'join'; client: number; topics: string[] }
  | { kind: 'heartbeat'; client: number }
  | { kind: 'lost'; client: number }
  | { kind: 'leave'; client: number }
  | { kind: 'crash'; client: number }
  | { kind: 'subscribe'; client: number; topics: string[] }
  | { kind: 'grow'; topic: string };

const subscriptionArb = fc.subarray(TOPIC_NAMES, { minLength: 1 });
const clientArb = fc.integer({ min: 0, max: 3 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), client: clientArb, topics: subscriptionArb }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), client: clientArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lost' as const), client: clientArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), client: clientArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), client: clientArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), client: clientArb, topics: subscriptionArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grow' as const), topic: fc.constantFrom(...TOPIC_NAMES) }) },
);

class Model {
  readonly topics = new Topics();
  readonly clients: (Client | null)[] = [null, null, null, null];
  readonly service: ConsumerGroupService;
  private readonly lastEpoch = new Map<string, number>();
  private nextId = 0;

  constructor() {
    const writer = { write: () => Promise.resolve() } as unknown as OffsetsTopicWriter;
    this.service = new ConsumerGroupService({
      logger: memoryLogger('error').logger,
      topics: this.topics,
      assignors: new AssignorRegistry(['uniform']),
      writer: () => writer,
      classic: { get: () => undefined, drop: () => undefined, adopt: () => undefined },
      settings: {
        sessionTimeoutMs: () => 3_600_000,
        heartbeatIntervalMs: () => 5000,
        assignmentIntervalMs: () => 0,
        maxSize: 100,
        classicMaxSize: 100,
        migrationPolicy: 'bidirectional',
        regexRefreshIntervalMs: 600_000,
      },
    });
  }

  private async send(c: Client, epoch: number) {
    const req: HeartbeatRequest = {
      groupId: GROUP,
      memberId: c.memberId,
      memberEpoch: epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: c.full ? 3_600_000 : -1,
      subscribedTopicNames: c.full ? c.topics : null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: c.epoch === 0 ? [] : [...c.owned].map(([topicId, partitions]) => ({ topicId, partitions })),
      clientId: 'model',
      clientHost: '/127.0.0.1',
    };
    const error = (errorCode: number) => ({ errorCode, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    return this.service.run(GROUP, (op) => consumerGroupHeartbeat(this.service, op, req), error);
  }

  async apply(a: Action): Promise<void> {
    if (a.kind === 'grow') {
      const n = this.topics.partitions.get(a.topic)!;
      if (n < 8) this.topics.partitions.set(a.topic, n + 1);
      return;
    }
    const c = this.clients[a.client] ?? null;
    switch (a.kind) {
      case 'join':
        if (c) return;
        this.clients[a.client] = { memberId: `member-${this.nextId++}`, epoch: 0, owned: new Map(), topics: a.topics, full: true };
        await this.heartbeat(a.client, false);
        return;
      case 'heartbeat':
        if (c) await this.heartbeat(a.client, false);
        return;
      case 'lost':
        if (c) await this.heartbeat(a.client, true);
        return;
      case 'subscribe':
        if (!c) return;
        c.topics = a.topics;
        c.full = true;
        await this.heartbeat(a.client, false);
        return;
      case 'leave':
        if (!c) return;
        if (c.epoch > 0) await this.send(c, -1);
        this.clients[a.client] = null;
        this.lastEpoch.delete(c.memberId);
        return;
      case 'crash': {
        if (!c) return;
        // The session timer would fire: the broker fences the member; the client is gone with it.
        this.clients[a.client] = null;
        this.lastEpoch.delete(c.memberId);
        await this.fence(c.memberId);
        return;
      }
    }
  }

  private async fence(memberId: string): Promise<void> {
    const group = this.service.consumerGroup(GROUP);
    if (!group?.members.has(memberId)) return;
    this.service.fenceLater(GROUP, memberId, 'model crash');
    // fenceLater runs the operation at once and its write resolves on the next turns.
    for (let i = 0; i < 5 && this.service.consumerGroup(GROUP)?.members.has(memberId); i++) await new Promise((r) => setImmediate(r));
  }

  private async heartbeat(i: number, lose: boolean): Promise<void> {
    const c = this.clients[i]!;
    const res = await this.send(c, c.epoch);
    if (lose) {
      // The broker applied it; the client never heard, and re-sends everything next time (KIP-848).
      c.full = true;
      return;
    }
    if (res.errorCode === ErrorCode.FENCED_MEMBER_EPOCH || res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      c.owned = new Map();
      c.epoch = 0;
      c.full = true;
      this.lastEpoch.delete(c.memberId);
      return;
    }
    assert.equal(res.errorCode, ErrorCode.NONE, `heartbeat of ${c.memberId} failed with ${res.errorCode} ${res.errorMessage}`);
    c.epoch = res.memberEpoch;
    c.full = false;
    if (res.assignment) c.owned = new Map([...res.assignment].filter(([, ps]) => ps.size > 0).map(([t, ps]) => [t, [...ps.keys()].sort((x, y) => x - y)]));
  }

  check(): void {
    const owners = new Map<string, string>();
    for (const c of this.clients) {
      if (!c) continue;
      for (const [t, ps] of c.owned) {
        for (const p of ps) {
          const key = `${t}:${p}`;
          assert.ok(!owners.has(key), `clients ${owners.get(key)} and ${c.memberId} both own ${key}`);
          owners.set(key, c.memberId);
        }
      }
    }
    const group = this.service.consumerGroup(GROUP);
    if (!group) return;
    const held = new Map<string, string>();
    for (const m of group.members.values()) {
      for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
        for (const [t, ps] of a) {
          for (const p of ps.keys()) {
            const key = `${t}:${p}`;
            assert.ok(!held.has(key) || held.get(key) === m.memberId, `members ${held.get(key)} and ${m.memberId} both hold ${key}`);
            held.set(key, m.memberId);
          }
        }
      }
      const previous = this.lastEpoch.get(m.memberId);
      if (m.memberEpoch >= 0) {
        assert.ok(previous === undefined || m.memberEpoch >= previous, `member ${m.memberId} went from epoch ${previous} back to ${m.memberEpoch}`);
        assert.ok(m.memberEpoch <= group.assignmentEpoch, `member epoch ${m.memberEpoch} past the assignment epoch ${group.assignmentEpoch}`);
        this.lastEpoch.set(m.memberId, m.memberEpoch);
      }
    }
    assert.ok(group.assignmentEpoch <= group.groupEpoch, `assignment epoch ${group.assignmentEpoch} past the group epoch ${group.groupEpoch}`);
  }

  /** Heartbeats only, until the group is Stable; then everything subscribed is owned once and balanced. */
  async settle(): Promise<void> {
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < this.clients.length; i++) {
        if (this.clients[i]) await this.heartbeat(i, false);
        this.check();
      }
      const group = this.service.consumerGroup(GROUP);
      if (!group || group.isEmpty || group.state === 'Stable') break;
    }
    const group = this.service.consumerGroup(GROUP);
    const live = this.clients.filter((c): c is Client => c !== null);
    if (!group || live.length === 0) return;
    assert.equal(group.state, 'Stable', 'the group settles with heartbeats alone');
    const expected = new Set<string>();
    for (const c of live) for (const name of c.topics) for (let p = 0; p < this.topics.partitions.get(name)!; p++) expected.add(`${this.topics.byName(name)!.id}:${p}`);
    const owned = live.flatMap((c) => [...c.owned].flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)));
    assert.deepEqual(new Set(owned), expected, 'every subscribed partition is owned');
    assert.equal(owned.length, expected.size, 'and owned once');
    for (const c of live) {
      const m: ConsumerMember = group.members.get(c.memberId)!;
      assert.equal(c.epoch, group.assignmentEpoch, `${c.memberId} is at the assignment epoch`);
      assert.equal(m.memberEpoch, group.assignmentEpoch);
    }
    const sameSubscription = live.every((c) => c.topics.join() === live[0]!.topics.join());
    if (sameSubscription) {
      const counts = live.map((c) => [...c.owned.values()].reduce((n, ps) => n + ps.length, 0));
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced: ${counts.join(', ')}`);
    }
  }
}

test('reconciliation: no partition has two owners at any step, and heartbeats alone settle the group (fast-check)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 40 }), async (actions) => {
      const model = new Model();
      try {
        for (const a of actions) {
          await model.apply(a);
          model.check();
        }
        await model.settle();
      } finally {
        model.service.close();
      }
    }),
    { numRuns: 400 },
  );
});
