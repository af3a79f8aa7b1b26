// Shared subscriptions (MQTT 5.0 §4.8.2, `$share/{ShareName}/{filter}`; accepted from 3.1.1 clients
// too, as mosquitto and HiveMQ do) on the queue engine (src/broker/queues): each message matching the
// filter goes to one member of the share, and competing members share the load. This is the engine's
// own use: a shared subscription is a share group whose members are MQTT sessions.
//
// One share-partition per (shared subscription, partition of a Kafka topic its filter may read from),
// keyed ("$share/{ShareName}/{filter}", topic id, partition) in the delivery-state log
// __mqtt_shared_state (the share-group state format, docs/queues.md). A new shared subscription
// starts at the end of each log (messages published from then on); topics created later are read
// from their start.
//
// Reading: while some member can take more (its session's window has room), records are read from
// the share-partition's next fetch offset and acquired for that member, as many as it can take.
// Records whose MQTT topic does not match the filter (the Kafka topic holds other MQTT topics too),
// that are not MQTT messages, or that expired are accepted at once; the others are delivered. A
// delivery is accepted when the client has it (PUBACK, PUBREC, or a QoS 0 send) and released when
// the session drops it unsent; a member's connection closing releases everything it holds, so
// another member gets it ("the Server SHOULD send the Application Message to another Client",
// §4.8.2). With no member connected, messages wait in the log. Acknowledgements are fsynced by the
// engine before they count: after a crash, nothing accepted comes back and nothing unaccepted is lost.
import { topicMatches, type QoS } from '../../mqtt/index.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { AckType, readWindow, type AckBatch, type DeliveryPolicy, type QueueEngine, type ShareSlot } from '../queues/index.js';
import { topicIdToWire } from '../topics/topic-ids.js';
import type { TopicService } from '../topics/topic-service.js';
import { forEachMessage, type BatchReadContext } from './batch-messages.js';
import type { DecodedBatches } from './decoded-batches.js';
import type { MqttMessage } from './message-record.js';
import type { Session, Subscription } from './session.js';
import type { TopicMapping } from './topic-mapping.js';

export const SHARED_STATE_TOPIC = '__mqtt_shared_state';

/**
 * Delivery policy of every shared subscription: a delivery stays with its member for 30 minutes
 * without an acknowledgement (RabbitMQ's consumer_timeout) before another member gets it; a message
 * delivered 100 times without being acknowledged is given up (archived).
 */
const POLICY: DeliveryPolicy = { lockDurationMs: 30 * 60_000, deliveryLimit: 100, maxInFlight: 50_000, renewEnabled: false, deadLetter: false };
const READ_BYTES = 256 * 1024;
const MAX_ACQUIRE = 500;

export interface SharedDeps {
  topics: TopicService;
  logs: LogManager;
  mapping: TopicMapping;
  decoded: DecodedBatches;
  kafkaQos: QoS;
  logger: Logger;
  engine: QueueEngine;
}

interface Member {
  session: Session;
  sub: Subscription;
}

interface SlotState {
  topic: string;
  partition: number;
  log: PartitionLog;
  slot: ShareSlot;
  stop: () => void;
  /** member -> offset -> AckType, flushed on the next turn. */
  acks: Map<string, Map<number, number>>;
  ackScheduled: boolean;
}

class SharedGroup {
  readonly members = new Map<string, Member>();
  readonly slots = new Map<string, SlotState>();
  pumping = false;
  again = false;
  scheduled = false;
  next = 0;
  constructor(
    /** `$share/{ShareName}/{filter}`: the share-partitions' owner. */
    readonly owner: string,
    readonly filter: string,
  ) {}
}

export class SharedSubscriptions {
  private readonly groups = new Map<string, SharedGroup>();
  private readonly byMember = new Map<string, Set<SharedGroup>>();
  private readonly ctx: BatchReadContext;
  private closed = false;

  constructor(private readonly deps: SharedDeps) {
    this.ctx = { mapping: deps.mapping, decoded: deps.decoded, kafkaQos: deps.kafkaQos, logger: deps.logger };
  }

  get size(): number {
    return this.groups.size;
  }

  /** Adds a member; creates the shared subscription (durably) when it is the first. */
  async add(session: Session, sub: Subscription): Promise<void> {
    let g = this.groups.get(sub.filter);
    if (!g) {
      g = new SharedGroup(sub.filter, sub.topicFilter);
      this.groups.set(sub.filter, g);
      await this.openSlots(g, false);
    }
    g.members.set(session.clientId, { session, sub });
    let mine = this.byMember.get(session.clientId);
    if (!mine) this.byMember.set(session.clientId, (mine = new Set()));
    mine.add(g);
    this.schedule(g);
  }

  /** Removes a member; the last one takes the shared subscription's state with it. */
  async remove(session: Session, filter: string): Promise<void> {
    const g = this.groups.get(filter);
    if (!g || g.members.get(session.clientId)?.session !== session) return;
    g.members.delete(session.clientId);
    this.byMember.get(session.clientId)?.delete(g);
    await this.flushAcks(g);
    await this.deps.engine.releaseMember(g.owner, session.clientId);
    if (g.members.size > 0) return;
    this.groups.delete(filter);
    for (const s of g.slots.values()) {
      s.stop();
      await this.deps.engine.delete(s.slot.key).catch((e: unknown) => this.deps.logger.warn('deleting shared subscription state failed', { share: g.owner, error: String(e) }));
    }
  }

  /** A member's connection closed: what it held goes back to the others. */
  async memberOffline(session: Session): Promise<void> {
    for (const g of this.byMember.get(session.clientId) ?? []) {
      if (g.members.get(session.clientId)?.session !== session) continue;
      await this.flushAcks(g);
      await this.deps.engine.releaseMember(g.owner, session.clientId);
    }
  }

  /** A member can take more (connected, or its window has room again). */
  memberReady(session: Session): void {
    for (const g of this.byMember.get(session.clientId) ?? []) this.schedule(g);
  }

  isMember(clientId: string): boolean {
    return (this.byMember.get(clientId)?.size ?? 0) > 0;
  }

  /** Deletes share-partition state no shared subscription owns (its members' sessions ended while the broker was down). */
  async dropOrphans(): Promise<void> {
    for (const key of this.deps.engine.keys()) {
      if (this.groups.has(key.groupId) && this.deps.topics.nameForId(key.topicId) !== undefined) continue;
      await this.deps.engine.delete(key).catch(() => {});
    }
  }

  /** New mapped topics or partitions: shared subscriptions read them from their start. */
  async refresh(): Promise<void> {
    for (const g of this.groups.values()) {
      await this.openSlots(g, true);
      this.schedule(g);
    }
  }

  close(): void {
    this.closed = true;
    for (const g of this.groups.values()) for (const s of g.slots.values()) s.stop();
  }

  private async openSlots(g: SharedGroup, fromStart: boolean): Promise<void> {
    for (const topic of this.deps.mapping.topicsFor(g.filter)) {
      const info = this.deps.topics.get(topic);
      if (!info) continue;
      const topicId = topicIdToWire(info.topicId);
      for (let p = 0; p < info.partitions; p++) {
        const id = `${topic}\u0000${p}`;
        const log = this.deps.logs.getLog(topic, p);
        const existing = g.slots.get(id);
        if (existing && existing.log === log && !log.isClosed) continue;
        existing?.stop();
        g.slots.delete(id);
        if (!log || log.isClosed) continue;
        const binding = { owner: g.owner, topic, partition: p, log, policy: () => POLICY, deadLetter: () => null };
        const slot = await this.deps.engine.open({ groupId: g.owner, topicId, partition: p }, binding, async () => (fromStart ? log.logStartOffset : log.highWatermark));
        const offAppend = log.addAppendListener(() => this.schedule(g));
        const offRelease = this.deps.engine.subscribe(slot, () => this.schedule(g));
        g.slots.set(id, { topic, partition: p, log, slot, acks: new Map(), ackScheduled: false, stop: () => (offAppend(), offRelease()) });
      }
    }
  }

  private schedule(g: SharedGroup): void {
    if (g.scheduled || this.closed) return;
    g.scheduled = true;
    setImmediate(() => {
      g.scheduled = false;
      void this.pump(g);
    });
  }

  /** The member to give records to next: round robin over those with room. */
  private pickMember(g: SharedGroup): Member | null {
    const members = [...g.members.values()];
    for (let i = 0; i < members.length; i++) {
      const m = members[(g.next + i) % members.length]!;
      if (m.session.capacity() > 0) {
        g.next = (g.next + i + 1) % members.length;
        return m;
      }
    }
    return null;
  }

  private async pump(g: SharedGroup): Promise<void> {
    if (g.pumping) {
      g.again = true;
      return;
    }
    g.pumping = true;
    try {
      do {
        g.again = false;
        for (const s of g.slots.values()) {
          while (!this.closed && this.groups.get(g.owner) === g) {
            const member = this.pickMember(g);
            if (!member) return;
            if (!(await this.acquireFor(g, s, member))) break;
          }
        }
      } while (g.again && !this.closed);
    } catch (e) {
      this.deps.logger.warn('shared subscription delivery failed', { share: g.owner, error: String(e) });
    } finally {
      g.pumping = false;
    }
  }

  /** Acquires records of one share-partition for `member` and hands them out; false when there was nothing. */
  private async acquireFor(g: SharedGroup, s: SlotState, member: Member): Promise<boolean> {
    const { engine } = this.deps;
    await engine.syncLogStart(s.slot);
    if (!engine.hasAcquirable(s.slot)) return false;
    const read = await readWindow(s.log, engine.nextFetchOffset(s.slot), READ_BYTES, null);
    if (!read || read.extents.length === 0) return false;
    const want = Math.max(1, Math.min(MAX_ACQUIRE, member.session.capacity()));
    const ranges = await engine.acquire(s.slot, member.session.clientId, read.extents, { maxRecords: want, batchSize: want, recordLimit: true, now: Date.now() });
    if (ranges.length === 0) return false;
    const messages = new Map<number, MqttMessage | null>();
    const first = ranges[0]!.first;
    for (const chunk of read.chunks) forEachMessage(this.ctx, s.topic, s.partition, chunk, first, (m, offset) => messages.set(offset, m));
    const now = Date.now();
    const clientId = member.session.clientId;
    for (const r of ranges) {
      for (let offset = r.first; offset <= r.last; offset++) {
        const m = messages.get(offset) ?? null;
        if (m === null || m.expiresAt <= now || !topicMatches(g.filter, m.topic)) {
          this.ack(s, clientId, offset, AckType.Accept);
          continue;
        }
        const sub = member.sub;
        const ids = sub.subscriptionId === null ? [] : [sub.subscriptionId];
        member.session.deliver({
          message: m,
          qos: Math.min(m.qos, sub.qos) as QoS,
          retain: sub.retainAsPublished && m.retain,
          subscriptionIds: ids,
          position: { topic: s.topic, partition: s.partition, offset },
          persisted: false,
          shared: { done: (delivered) => this.ack(s, clientId, offset, delivered ? AckType.Accept : AckType.Release) },
        });
      }
    }
    return true;
  }

  private ack(s: SlotState, member: string, offset: number, type: number): void {
    let acks = s.acks.get(member);
    if (!acks) s.acks.set(member, (acks = new Map()));
    acks.set(offset, type);
    if (s.ackScheduled) return;
    s.ackScheduled = true;
    setImmediate(() => void this.flushSlot(s));
  }

  private async flushAcks(g: SharedGroup): Promise<void> {
    for (const s of g.slots.values()) await this.flushSlot(s);
  }

  private async flushSlot(s: SlotState): Promise<void> {
    s.ackScheduled = false;
    const all = s.acks;
    s.acks = new Map();
    for (const [member, acks] of all) {
      try {
        const refusal = await this.deps.engine.acknowledge(s.slot, member, toBatches(acks));
        if (refusal) this.deps.logger.debug('a shared-subscription acknowledgement was refused', { topic: s.topic, partition: s.partition, member, reason: refusal.message });
      } catch (e) {
        this.deps.logger.warn('acknowledging shared-subscription deliveries failed', { topic: s.topic, partition: s.partition, error: String(e) });
      }
    }
  }
}

/** Offsets with their types as KIP-932 acknowledgement batches: runs of consecutive offsets of one type. */
function toBatches(acks: Map<number, number>): AckBatch[] {
  const offsets = [...acks.keys()].sort((a, b) => a - b);
  const out: AckBatch[] = [];
  for (const o of offsets) {
    const type = acks.get(o)!;
    const last = out[out.length - 1];
    if (last && last.last === o - 1 && last.types[0] === type) last.last = o;
    else out.push({ first: o, last: o, types: [type] });
  }
  return out;
}
