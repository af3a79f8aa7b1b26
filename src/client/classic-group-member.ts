// A member of a classic consumer group (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) that owns
// its protocol bytes: the subscription's userData on every join and, as leader, each member's
// assignment userData. @platformatic/kafka's consumer neither sends assignment userData nor calls
// its assignor when it is alone in the group, and brook/streams needs both (standby tasks, the
// owners of every task for interactive queries, error codes that stop the whole application), as
// Kafka Streams' StreamsPartitionAssignor needs them from the Java consumer. Metadata, fetches and
// offsets still go through the library's consumer; group requests use a connection of their own,
// because JoinGroup blocks for up to the rebalance timeout and must not hold up anything else.
//
// Protocol type is "consumer" and the metadata is ConsumerProtocolSubscription / Assignment v0
// (ConsumerProtocol*.json in Kafka), so the group is an ordinary consumer group to any broker and
// to `kafka-consumer-groups` / `brook group describe`:
//   subscription: [version int16 = 0][topics: int32 count, then int16-length strings][userData: int32 length + bytes]
//   assignment:   [version int16 = 0][partitions: int32 count of (topic string, int32 count of int32)][userData: int32 length + bytes]
//
// Lifecycle (KIP-62 heartbeats beside processing; KIP-394 member ids):
//   join()      JoinGroup (retried with the member id MEMBER_ID_REQUIRED hands back), the leader
//               computes assignments, SyncGroup; `onAssigned` gets this member's assignment.
//   heartbeats  every heartbeatIntervalMs. REBALANCE_IN_PROGRESS: `beforeRejoin` (the streams
//               runtime commits), then join again. UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION /
//               FENCED_INSTANCE_ID: the member was removed (`onLost`), then joins afresh.
//   rejoin()    join again now (a probing rebalance, a changed subscription).
//   leave()     LeaveGroup, so the others take over at once instead of after the session timeout.

import { Connection, heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5 } from '@platformatic/kafka';
import type { Consumer } from '@platformatic/kafka';

export interface GroupMemberOptions {
  readonly groupId: string;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** The assignment protocol's name (Kafka Streams uses "stream"). */
  readonly protocolName: string;
}

export interface JoinedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: string[];
  readonly userData: Buffer;
}

export interface MemberAssignment {
  readonly partitions: ReadonlyArray<{ topic: string; partitions: number[] }>;
  readonly userData: Buffer;
}

export interface GroupMemberHooks {
  /** The topics and userData to join with; called before every JoinGroup. */
  subscription(): { topics: string[]; userData: Buffer };
  /** Leader only: every member's assignment, by member id. */
  assign(members: readonly JoinedMember[], generationId: number): Promise<Map<string, MemberAssignment>>;
  /** Before joining again while holding an assignment (commit what was processed). */
  beforeRejoin(): Promise<void>;
  /** A new generation's assignment for this member. */
  onAssigned(assignment: MemberAssignment, generation: { generationId: number; memberId: string; leader: boolean }): void;
  /** This member was removed from the group (its work may be someone else's by now). */
  onLost(reason: string): void;
  /** The group could not be joined or kept (e.g. the brokers are gone); the member stops. */
  onFatal(error: Error): void;
}

const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const FENCED_INSTANCE_ID = 82;
const MEMBER_ID_REQUIRED = 79;
const COORDINATOR_MOVED = new Set([14, 15, 16]); // loading, not available, not coordinator

/** How many consecutive failed attempts (connection or coordinator) before giving up. */
const MAX_FAILURES = 30;

export class ClassicGroupMember {
  memberId = '';
  generationId = -1;
  leader = false;
  private connection: Connection | undefined;
  private closed = false;
  private rejoinWanted = true;
  private hasGeneration = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: GroupMemberOptions,
    private readonly hooks: GroupMemberHooks,
  ) {}

  /** Start joining and heartbeating in the background. */
  start(): void {
    this.loop ??= this.run().catch((e: unknown) => this.hooks.onFatal(e instanceof Error ? e : new Error(String(e))));
  }

  /** Join again as soon as possible (an enforced rebalance). */
  rejoin(): void {
    this.rejoinWanted = true;
    this.wake?.();
  }

  /** Leave the group (the others rebalance at once) and stop. */
  async leave(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.loop?.catch(() => {});
    if (this.memberId !== '') {
      const memberId = this.memberId;
      await this.request((c) => leaveGroupV5.api.async(c, this.options.groupId, [{ memberId, groupInstanceId: null }])).catch(() => {});
    }
    await this.disconnect();
  }

  /** Stop without leaving (as a crash would: the group notices after the session timeout). */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop?.catch(() => {});
    await this.disconnect();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.rejoinWanted) {
        await this.joinOnce();
        continue;
      }
      await this.sleep(this.options.heartbeatIntervalMs);
      if (this.closed || this.rejoinWanted) continue;
      await this.heartbeat();
    }
  }

  private async heartbeat(): Promise<void> {
    const code = await this.errorCodeOf(() => this.request((c) => heartbeatV4.api.async(c, this.options.groupId, this.generationId, this.memberId, null)));
    if (code === 0) return;
    if (code === REBALANCE_IN_PROGRESS) this.rejoinWanted = true;
    else if (code === UNKNOWN_MEMBER_ID || code === ILLEGAL_GENERATION || code === FENCED_INSTANCE_ID) this.lost(`heartbeat refused with Kafka error ${code}`);
  }

  private async joinOnce(): Promise<void> {
    if (this.hasGeneration) await this.hooks.beforeRejoin();
    if (this.closed) return;
    const { topics, userData } = this.hooks.subscription();
    const metadata = encodeSubscription(topics, userData);
    const o = this.options;
    let joined;
    try {
      joined = await this.request((c) =>
        joinGroupV9.api.async(c, o.groupId, o.sessionTimeoutMs, o.rebalanceTimeoutMs, this.memberId, null, 'consumer', [{ name: o.protocolName, metadata }], this.hasGeneration ? 'rebalance' : null),
      );
    } catch (e) {
      const response = responseOf<{ errorCode: number; memberId: string | null }>(e);
      if (!response) return this.failed(e);
      if (response.errorCode === MEMBER_ID_REQUIRED && response.memberId) {
        this.memberId = response.memberId;
        return; // join again at once, now with an id (KIP-394)
      }
      if (response.errorCode === UNKNOWN_MEMBER_ID || response.errorCode === FENCED_INSTANCE_ID) {
        this.lost(`join refused with Kafka error ${response.errorCode}`);
        return;
      }
      if (response.errorCode === REBALANCE_IN_PROGRESS) return;
      return this.failed(e);
    }
    this.memberId = joined.memberId ?? this.memberId;
    this.generationId = joined.generationId;
    this.leader = joined.leader === this.memberId;
    let assignments: Array<{ memberId: string; assignment: Buffer }> = [];
    if (this.leader) {
      const members = joined.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, ...decodeSubscription(m.metadata ?? Buffer.alloc(0)) }));
      const computed = await this.hooks.assign(members, joined.generationId);
      assignments = members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(computed.get(m.memberId) ?? { partitions: [], userData: Buffer.alloc(0) }) }));
    }
    let synced;
    try {
      synced = await this.request((c) => syncGroupV5.api.async(c, o.groupId, this.generationId, this.memberId, null, 'consumer', o.protocolName, assignments));
    } catch (e) {
      const response = responseOf<{ errorCode: number }>(e);
      if (!response) return this.failed(e);
      if (response.errorCode === REBALANCE_IN_PROGRESS) return;
      if (response.errorCode === UNKNOWN_MEMBER_ID || response.errorCode === ILLEGAL_GENERATION || response.errorCode === FENCED_INSTANCE_ID) {
        this.lost(`sync refused with Kafka error ${response.errorCode}`);
        return;
      }
      return this.failed(e);
    }
    this.failures = 0;
    this.rejoinWanted = false;
    this.hasGeneration = true;
    this.hooks.onAssigned(decodeAssignment(synced.assignment), { generationId: this.generationId, memberId: this.memberId, leader: this.leader });
  }

  private lost(reason: string): void {
    this.memberId = '';
    this.generationId = -1;
    this.hasGeneration = false;
    this.rejoinWanted = true;
    this.hooks.onLost(reason);
  }

  /** A request failed for a reason other than the group's state: back off, reconnect, and give up after MAX_FAILURES. */
  private async failed(e: unknown): Promise<void> {
    await this.disconnect();
    if (++this.failures >= MAX_FAILURES) throw e;
    await this.sleep(Math.min(1_000, 50 * this.failures));
  }

  /** The error code of a group request (0 when it succeeded); network failures count as failures. */
  private async errorCodeOf(send: () => Promise<unknown>): Promise<number> {
    try {
      await send();
      this.failures = 0;
      return 0;
    } catch (e) {
      const response = responseOf<{ errorCode: number }>(e);
      if (response) {
        if (COORDINATOR_MOVED.has(response.errorCode)) await this.disconnect();
        return response.errorCode;
      }
      await this.failed(e);
      return -1;
    }
  }

  private async request<T>(send: (c: Connection) => Promise<T>): Promise<T> {
    return send(await this.coordinator());
  }

  private async coordinator(): Promise<Connection> {
    if (this.connection) return this.connection;
    const id = await this.consumer.findGroupCoordinator();
    const metadata = await this.consumer.metadata({ topics: [] });
    const broker = metadata.brokers.get(id);
    if (!broker) throw new Error(`group coordinator ${id} is not in the cluster metadata`);
    // JoinGroup may wait for the whole rebalance timeout before the broker answers.
    const connection = new Connection(this.options.clientId, { requestTimeout: this.options.rebalanceTimeoutMs + 10_000 });
    await connection.connect(broker.host, broker.port);
    this.connection = connection;
    return connection;
  }

  private async disconnect(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    if (c) await c.close().catch(() => {});
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

/** The parsed response a library ResponseError carries (its error codes are read by the caller). */
function responseOf<T>(e: unknown): T | undefined {
  const parsed = typeof e === 'object' && e !== null ? (e as { response?: unknown }).response : undefined;
  return typeof parsed === 'object' && parsed !== null && 'errorCode' in parsed ? (parsed as T) : undefined;
}

export function encodeSubscription(topics: readonly string[], userData: Buffer): Buffer {
  const parts: Buffer[] = [int16(0), int32(topics.length)];
  for (const t of topics) parts.push(str(t));
  parts.push(int32(userData.length), userData);
  return Buffer.concat(parts);
}

export function decodeSubscription(b: Buffer): { topics: string[]; userData: Buffer } {
  const r = new Reader(b);
  r.int16();
  const topics: string[] = [];
  for (let n = r.count(); n > 0; n--) topics.push(r.string());
  return { topics, userData: r.remaining() >= 4 ? r.bytes() : Buffer.alloc(0) };
}

export function encodeAssignment(a: MemberAssignment): Buffer {
  const parts: Buffer[] = [int16(0), int32(a.partitions.length)];
  for (const p of a.partitions) {
    parts.push(str(p.topic), int32(p.partitions.length));
    for (const n of p.partitions) parts.push(int32(n));
  }
  parts.push(int32(a.userData.length), a.userData);
  return Buffer.concat(parts);
}

export function decodeAssignment(b: Buffer): MemberAssignment {
  if (b.length < 2) return { partitions: [], userData: Buffer.alloc(0) }; // an empty assignment (this member got nothing)
  const r = new Reader(b);
  r.int16();
  const partitions: Array<{ topic: string; partitions: number[] }> = [];
  for (let n = r.count(); n > 0; n--) {
    const topic = r.string();
    const ps: number[] = [];
    for (let m = r.count(); m > 0; m--) ps.push(r.int32());
    partitions.push({ topic, partitions: ps });
  }
  return { partitions, userData: r.remaining() >= 4 ? r.bytes() : Buffer.alloc(0) };
}

function int16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeInt16BE(n, 0);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
}

/** Bounds-checked reads: never past the end, never a negative or oversized count. */
class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  remaining(): number {
    return this.b.length - this.at;
  }
  private need(n: number): void {
    if (n < 0 || this.at + n > this.b.length) throw new RangeError('consumer protocol metadata truncated');
  }
  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  count(): number {
    const n = this.int32();
    if (n < 0) return 0;
    if (n > this.remaining()) throw new RangeError('consumer protocol metadata: a count exceeds the bytes left');
    return n;
  }
  string(): string {
    const n = this.int16();
    this.need(n);
    const s = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    this.need(n);
    const v = Buffer.from(this.b.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }
}
