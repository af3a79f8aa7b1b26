// Simulated group members for the protocol benchmark (groups.bench.ts): each on its own connection, in raw
// frames, following what its protocol asks of a client, with the same heartbeat interval for both:
//  - ClassicMember (JoinGroup/SyncGroup/Heartbeat, eager): joins, the leader computes a range assignment, all
//    sync; a heartbeat answered REBALANCE_IN_PROGRESS makes it give up everything and rejoin.
//  - ConsumerMember (ConsumerGroupHeartbeat, KIP-848): heartbeats every interval, and at once after its
//    assignment changed (the Java client acknowledges a reconciliation right away).
// No Node client speaks KIP-848, so both sides are simulated alike rather than one being a real client.
import { dataStructures, apis } from '../src/protocol/messages/index.js';
import { ByteReader } from '../src/protocol/primitives/byte-reader.js';
import { encodeMessage } from '../src/protocol/primitives/codec.js';
import { RawClient } from '../test/broker/data-path-helpers.js';

export interface BenchMember {
  readonly name: string;
  /** Partitions owned now (by topic id for consumer members, by name for classic ones: one topic here). */
  owned(): number[];
  stop(leave: boolean): Promise<void>;
}

/** Waits `ms`, or less when `stop()` wakes it. */
class Napper {
  stopped = false;
  private wake: (() => void) | null = null;

  nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}

export class ConsumerMember implements BenchMember {
  private epoch = 0;
  private owns: number[] = [];
  private readonly signal = new Napper();
  private loop: Promise<void>;
  private readonly memberId: string;

  private constructor(
    readonly name: string,
    private readonly raw: RawClient,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly intervalMs: number,
    private readonly onChange: () => void,
  ) {
    this.memberId = `${name}-${Math.random().toString(36).slice(2, 12)}`;
    this.loop = this.run();
  }

  static async start(port: number, name: string, groupId: string, topic: string, intervalMs: number, onChange: () => void): Promise<ConsumerMember> {
    return new ConsumerMember(name, await RawClient.open(port), groupId, topic, intervalMs, onChange);
  }

  owned(): number[] {
    return this.owns;
  }

  private async run(): Promise<void> {
    while (!this.signal.stopped) {
      const joining = this.epoch === 0;
      const res = await this.raw.request(apis.ConsumerGroupHeartbeat, 1, {
        groupId: this.groupId,
        memberId: this.memberId,
        memberEpoch: this.epoch,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: joining ? 30_000 : -1,
        subscribedTopicNames: joining ? [this.topic] : null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: joining ? [] : this.owns.length === 0 ? [] : [{ topicId: this.topicId, partitions: this.owns }],
      });
      if (this.signal.stopped) return;
      if (res.errorCode !== 0) throw new Error(`${this.name}: ConsumerGroupHeartbeat error ${res.errorCode} ${res.errorMessage}`);
      this.epoch = res.memberEpoch;
      let changed = false;
      if (res.assignment) {
        const next = res.assignment.topicPartitions.flatMap((t) => {
          this.topicId = t.topicId;
          return t.partitions;
        });
        next.sort((a, b) => a - b);
        changed = next.join() !== this.owns.join();
        this.owns = next;
        if (changed) this.onChange();
      }
      // A reconciled change is acknowledged at once; otherwise, the next heartbeat after the interval.
      if (!changed) await this.signal.nap(res.heartbeatIntervalMs || this.intervalMs);
    }
  }

  private topicId = '';

  async stop(leave: boolean): Promise<void> {
    this.signal.stop();
    await this.loop.catch(() => undefined);
    if (leave && this.epoch > 0) {
      await this.raw.request(apis.ConsumerGroupHeartbeat, 1, { groupId: this.groupId, memberId: this.memberId, memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null });
    }
    this.raw.close();
  }
}

function subscription(topic: string): Buffer {
  const body = encodeMessage(dataStructures.ConsumerProtocolSubscription.codec, { topics: [topic], userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0);
  return Buffer.concat([Buffer.from([0, 0]), body]);
}

function assignment(topic: string, partitions: number[]): Buffer {
  const body = encodeMessage(dataStructures.ConsumerProtocolAssignment.codec, { assignedPartitions: [{ topic, partitions }], userData: null }, 0);
  return Buffer.concat([Buffer.from([0, 0]), body]);
}

export class ClassicMember implements BenchMember {
  private memberId = '';
  private generation = -1;
  private owns: number[] = [];
  private readonly signal = new Napper();
  private loop: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly raw: RawClient,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly intervalMs: number,
    private readonly onChange: () => void,
  ) {
    this.loop = this.run();
  }

  static async start(port: number, name: string, groupId: string, topic: string, partitions: number, intervalMs: number, onChange: () => void): Promise<ClassicMember> {
    return new ClassicMember(name, await RawClient.open(port), groupId, topic, partitions, intervalMs, onChange);
  }

  owned(): number[] {
    return this.owns;
  }

  private async join(): Promise<void> {
    const body = { groupId: this.groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(this.topic) }], reason: null };
    let res = await this.raw.request(apis.JoinGroup, 5, body);
    if (res.errorCode === 79) {
      this.memberId = res.memberId;
      res = await this.raw.request(apis.JoinGroup, 5, { ...body, memberId: res.memberId });
    }
    if (res.errorCode !== 0) return;
    this.memberId = res.memberId;
    this.generation = res.generationId;
    const assignments: { memberId: string; assignment: Buffer }[] = [];
    if (res.leader === res.memberId) {
      // The leader computes the range assignment, as the range assignor does.
      const ids = res.members.map((m) => m.memberId).sort();
      const quota = Math.floor(this.partitions / ids.length);
      const extra = this.partitions % ids.length;
      let next = 0;
      ids.forEach((id, i) => {
        const n = quota + (i < extra ? 1 : 0);
        assignments.push({ memberId: id, assignment: assignment(this.topic, Array.from({ length: n }, (_, k) => next + k)) });
        next += n;
      });
    }
    const sync = await this.raw.request(apis.SyncGroup, 5, { groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments });
    if (sync.errorCode !== 0) return;
    const decoded = dataStructures.ConsumerProtocolAssignment.codec.read(new ByteReader(sync.assignment, 2), 0);
    this.owns = decoded.assignedPartitions.flatMap((t) => t.partitions).sort((a, b) => a - b);
    this.onChange();
  }

  private async run(): Promise<void> {
    await this.join();
    while (!this.signal.stopped) {
      await this.signal.nap(this.intervalMs);
      if (this.signal.stopped) return;
      const code = (await this.raw.request(apis.Heartbeat, 4, { groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null })).errorCode;
      if (this.signal.stopped) return;
      if (code !== 0) {
        // Eager: everything is revoked before rejoining.
        this.owns = [];
        this.onChange();
        await this.join();
      }
    }
  }

  async stop(leave: boolean): Promise<void> {
    this.signal.stop();
    await this.loop.catch(() => undefined);
    if (leave) await this.raw.request(apis.LeaveGroup, 3, { groupId: this.groupId, memberId: '', members: [{ memberId: this.memberId, groupInstanceId: null, reason: null }] });
    this.raw.close();
  }
}
