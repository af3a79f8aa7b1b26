// A share-group consumer (KIP-932, "queues for Kafka") for Node, which @platformatic/kafka 1.x does
// not have: the KafkaShareConsumer model on the library's connections and Brook's codecs.
//
//   const consumer = new ShareConsumer({ brokers, clientId, groupId, acknowledgementMode: 'explicit' });
//   await consumer.subscribe(['orders']);
//   for (;;) {
//     for (const r of await consumer.poll()) consumer.acknowledge(r, handle(r) ? 'accept' : 'release');
//     await consumer.commit();        // or let the next poll carry the acknowledgements
//   }
//   await consumer.close();
//
// Records are handed to one member of the group at a time and locked to it; each must be accepted,
// released (delivered again, to any member) or rejected (never again), or its lock expires and it
// is delivered again. In 'implicit' mode (the default, as in Kafka) every record of a poll is
// accepted when the next poll or commit runs; close() without that releases them.
//
// Each poll is one ShareFetch per partition leader with the member's share session (epoch 0
// opens it, then 1, 2, ...); acknowledgements ride on the next ShareFetch, or go alone in a
// ShareAcknowledge on commit(). Offsets inside an acquired range that hold no record (compacted
// away, transaction markers) are acknowledged as gaps automatically.
import type { Admin, Connection } from '@platformatic/kafka';
import { apis } from '../protocol/messages/index.js';
import { batchIsControl, forEachBatch } from '../protocol/records/batch-header.js';
import { forEachRecord } from '../protocol/records/record-reader.js';
import { createAdmin } from './factories.js';
import type { ClientOptions } from './options.js';
import { ACK_TYPE, PendingAcknowledgements, type AcknowledgeKind } from './share-acknowledgements.js';
import { ShareGroupError, ShareMembership } from './share-membership.js';
import { sendRequest, topicIdFromLibrary } from './share-wire.js';

export { ShareGroupError } from './share-membership.js';
export type { AcknowledgeKind } from './share-acknowledgements.js';

export interface ShareConsumerOptions extends ClientOptions {
  groupId: string;
  /** 'implicit' (default): a poll's records are accepted by the next poll or commit. 'explicit': acknowledge() each one. */
  acknowledgementMode?: 'implicit' | 'explicit';
  /** Most records per poll (the request's MaxRecords; whole batches may exceed it). Default 500. */
  maxRecords?: number;
  /** How long a poll waits for records. Default 500 ms. */
  maxWaitMs?: number;
  /** Byte limit per poll. Default 50 MiB. */
  maxBytes?: number;
}

export interface ShareRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
  /** 1 on first delivery; more when the record came back (released, lock expired, consumer died). */
  deliveryCount: number;
}

/** The outcome of one partition's acknowledgements (0: durable on the broker). */
export interface AcknowledgementResult {
  topic: string;
  partition: number;
  offsets: number[];
  errorCode: number;
}

interface Delivered {
  topicId: string;
  record: ShareRecord;
}

export class ShareConsumer {
  private readonly client: Admin;
  private membership: ShareMembership | null = null;
  private readonly pending = new PendingAcknowledgements();
  private delivered: Delivered[] = [];
  /** node id -> share session epoch (0: open a new session). */
  private readonly sessions = new Map<number, number>();
  /** node id -> partitions ("topicId:partition") in that node's session. */
  private readonly sessionPartitions = new Map<number, Set<string>>();
  private readonly topicNames = new Map<string, string>();
  private readonly results: AcknowledgementResult[] = [];
  private subscription: string[] = [];
  private closed = false;

  constructor(private readonly options: ShareConsumerOptions) {
    this.client = createAdmin(options);
  }

  get memberId(): string | null {
    return this.membership?.memberId ?? null;
  }

  /** Joins the share group for `topics` and waits for the first assignment answer. */
  async subscribe(topics: string[]): Promise<void> {
    this.subscription = [...topics];
    this.membership = new ShareMembership(this.client, this.options.groupId, topics);
    await this.membership.join();
  }

  /** Acquires records (waiting up to maxWaitMs), sending pending acknowledgements with the fetch. */
  async poll(): Promise<ShareRecord[]> {
    const m = this.requireMember();
    if (m.lastError) throw m.lastError;
    if (this.options.acknowledgementMode !== 'explicit') this.acceptDelivered();
    if (m.assignment.size === 0) await m.heartbeat();
    const byLeader = await this.partitionsByLeader(m.assignment);
    const out: ShareRecord[] = [];
    await Promise.all([...byLeader].map(async ([node, parts]) => out.push(...(await this.fetchFrom(node, parts)))));
    this.delivered = out.map((record) => ({ topicId: this.topicIdOf(record.topic), record }));
    return out;
  }

  /** Records how a delivered record was handled; sent with the next poll or commit. */
  acknowledge(record: ShareRecord, kind: AcknowledgeKind = 'accept'): void {
    this.pending.add(this.topicIdOf(record.topic), record.partition, Number(record.offset), ACK_TYPE[kind]);
  }

  /** Sends pending acknowledgements now (ShareAcknowledge) and resolves with their outcome, durable on the broker. */
  async commit(): Promise<AcknowledgementResult[]> {
    if (this.options.acknowledgementMode !== 'explicit') this.acceptDelivered();
    const all = this.pending.take();
    if (all.length === 0) return this.drainResults();
    const leaders = await this.leaders(all.map((a) => a.topicId));
    const byNode = new Map<number, typeof all>();
    for (const a of all) {
      const node = leaders.get(`${a.topicId}:${a.partition}`) ?? [...leaders.values()][0] ?? 0;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(a);
    }
    await Promise.all([...byNode].map(([node, acks]) => this.acknowledgeOn(node, acks, false)));
    return this.drainResults();
  }

  /**
   * Final acknowledgements (implicit mode: nothing is accepted that the application did not get past),
   * closes the share sessions (the broker releases what this member still holds), leaves the group.
   */
  async close(): Promise<AcknowledgementResult[]> {
    if (this.closed) return [];
    this.closed = true;
    try {
      const all = this.pending.take();
      for (const node of this.sessions.keys()) {
        const mine = all.filter((a) => this.sessionPartitions.get(node)?.has(`${a.topicId}:${a.partition}`));
        await this.acknowledgeOn(node, mine, true).catch(() => {});
      }
      await this.membership?.leave();
    } finally {
      await this.client.close();
    }
    return this.drainResults();
  }

  /** Results of acknowledgements sent with fetches since the last call. */
  drainResults(): AcknowledgementResult[] {
    return this.results.splice(0);
  }

  private acceptDelivered(): void {
    for (const d of this.delivered) {
      if (!this.pending.has(d.topicId, d.record.partition, Number(d.record.offset))) this.pending.add(d.topicId, d.record.partition, Number(d.record.offset), ACK_TYPE.accept);
    }
    this.delivered = [];
  }

  private requireMember(): ShareMembership {
    if (!this.membership) throw new ShareGroupError('subscribe() first', -1);
    if (this.closed) throw new ShareGroupError('the consumer is closed', -1);
    return this.membership;
  }

  private topicIdOf(topic: string): string {
    for (const [id, name] of this.topicNames) if (name === topic) return id;
    throw new ShareGroupError(`unknown topic ${topic}`, -1);
  }

  /** Leaders of the subscribed topics' partitions ("topicId:partition" -> node), learning topic ids on the way. */
  private async leaders(topicIds: readonly string[]): Promise<Map<string, number>> {
    const stale = topicIds.some((id) => !this.topicNames.has(id));
    const metadata = await this.client.metadata({ topics: [...this.subscription], forceUpdate: stale });
    const out = new Map<string, number>();
    for (const [name, t] of metadata.topics) {
      const id = topicIdFromLibrary(t.id);
      this.topicNames.set(id, name);
      t.partitions.forEach((p, i) => out.set(`${id}:${i}`, p.leader));
    }
    return out;
  }

  private async partitionsByLeader(assignment: ReadonlyMap<string, number[]>): Promise<Map<number, { topicId: string; partition: number }[]>> {
    const leaders = await this.leaders([...assignment.keys()]);
    const out = new Map<number, { topicId: string; partition: number }[]>();
    for (const [topicId, parts] of assignment) {
      for (const partition of parts) {
        const node = leaders.get(`${topicId}:${partition}`);
        if (node === undefined) continue;
        let list = out.get(node);
        if (!list) out.set(node, (list = []));
        list.push({ topicId, partition });
      }
    }
    // Nodes whose session still has partitions no longer assigned: fetch there to forget them.
    for (const node of this.sessionPartitions.keys()) if (!out.has(node)) out.set(node, []);
    return out;
  }

  private async connection(node: number): Promise<Connection> {
    const c = (await this.client.connectToBrokers([node])).get(node);
    if (!c) throw new ShareGroupError(`no connection to broker ${node}`, -1);
    return c;
  }

  private async fetchFrom(node: number, parts: { topicId: string; partition: number }[]): Promise<ShareRecord[]> {
    const m = this.requireMember();
    const epoch = this.sessions.get(node) ?? 0;
    const inSession = epoch === 0 ? new Set<string>() : (this.sessionPartitions.get(node) ?? new Set<string>());
    const wanted = new Set(parts.map((p) => `${p.topicId}:${p.partition}`));
    // An opening request may carry no acknowledgements (KIP-932); they wait for the next one.
    const acks = epoch === 0 ? [] : this.pending.takeWhere((t, p) => inSession.has(`${t}:${p}`));
    const topics = new Map<string, { partitionIndex: number; acknowledgementBatches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] }[]>();
    const entry = (topicId: string, partition: number) => {
      let list = topics.get(topicId);
      if (!list) topics.set(topicId, (list = []));
      let e = list.find((x) => x.partitionIndex === partition);
      if (!e) list.push((e = { partitionIndex: partition, acknowledgementBatches: [] }));
      return e;
    };
    for (const p of parts) if (!inSession.has(`${p.topicId}:${p.partition}`)) entry(p.topicId, p.partition);
    for (const a of acks) entry(a.topicId, a.partition).acknowledgementBatches.push(...a.batches);
    const forgotten = new Map<string, number[]>();
    for (const key of inSession) {
      if (wanted.has(key)) continue;
      const [topicId, partition] = splitKey(key);
      let list = forgotten.get(topicId);
      if (!list) forgotten.set(topicId, (list = []));
      list.push(partition);
    }
    const response = await sendRequest(await this.connection(node), apis.ShareFetch, 1, {
      groupId: m.groupId,
      memberId: m.memberId,
      shareSessionEpoch: epoch,
      maxWaitMs: this.options.maxWaitMs ?? 500,
      minBytes: 1,
      maxBytes: this.options.maxBytes ?? 52_428_800,
      maxRecords: this.options.maxRecords ?? 500,
      batchSize: this.options.maxRecords ?? 500,
      topics: [...topics].map(([topicId, partitions]) => ({ topicId, partitions })),
      forgottenTopicsData: [...forgotten].map(([topicId, partitions]) => ({ topicId, partitions })),
    });
    if (response.errorCode !== 0) {
      // SHARE_SESSION_NOT_FOUND / INVALID_SHARE_SESSION_EPOCH: start a new session; the acknowledgements in
      // this request are lost (their records come back after their locks expire).
      this.sessions.set(node, 0);
      this.sessionPartitions.delete(node);
      for (const a of acks) this.results.push({ topic: this.topicNames.get(a.topicId) ?? a.topicId, partition: a.partition, offsets: a.offsets, errorCode: response.errorCode });
      if (response.errorCode === 122 || response.errorCode === 123) return [];
      throw new ShareGroupError(`ShareFetch failed with Kafka error ${response.errorCode}${response.errorMessage ? ` (${response.errorMessage})` : ''}`, response.errorCode);
    }
    this.sessions.set(node, nextEpoch(epoch));
    this.sessionPartitions.set(node, wanted);
    const ackCodes = new Map<string, number>();
    const out: ShareRecord[] = [];
    for (const t of response.responses) {
      const topic = this.topicNames.get(t.topicId) ?? t.topicId;
      for (const p of t.partitions) {
        ackCodes.set(`${t.topicId}:${p.partitionIndex}`, p.acknowledgeErrorCode);
        if (p.errorCode !== 0 || p.acquiredRecords.length === 0) continue;
        out.push(...this.recordsOf(topic, t.topicId, p.partitionIndex, p.records, p.acquiredRecords));
      }
    }
    for (const a of acks) this.results.push({ topic: this.topicNames.get(a.topicId) ?? a.topicId, partition: a.partition, offsets: a.offsets, errorCode: ackCodes.get(`${a.topicId}:${a.partition}`) ?? 0 });
    return out;
  }

  /** The records inside the acquired ranges; acquired offsets without a record are acknowledged as gaps. */
  private recordsOf(topic: string, topicId: string, partition: number, records: Buffer | null, acquired: readonly { firstOffset: bigint; lastOffset: bigint; deliveryCount: number }[]): ShareRecord[] {
    const found = new Map<number, ShareRecord>();
    const first = Number(acquired[0]!.firstOffset);
    const last = Number(acquired[acquired.length - 1]!.lastOffset);
    if (records && records.length > 0) {
      forEachBatch(records, 0, records.length, (pos) => {
        if (batchIsControl(records, pos)) return;
        forEachRecord(records, pos, (r) => {
          if (r.offset < first || r.offset > last) return;
          found.set(r.offset, { topic, partition, offset: BigInt(r.offset), timestamp: BigInt(r.timestamp), key: r.key, value: r.value, headers: r.headers, deliveryCount: 0 });
        });
      });
    }
    const out: ShareRecord[] = [];
    for (const range of acquired) {
      for (let o = Number(range.firstOffset); o <= Number(range.lastOffset); o++) {
        const r = found.get(o);
        if (!r) {
          this.pending.add(topicId, partition, o, ACK_TYPE.gap);
          continue;
        }
        r.deliveryCount = range.deliveryCount;
        out.push(r);
      }
    }
    return out;
  }

  private async acknowledgeOn(node: number, acks: ReturnType<PendingAcknowledgements['take']>, final: boolean): Promise<void> {
    const m = this.requireMemberForAcks();
    const epoch = this.sessions.get(node) ?? 0;
    if (epoch === 0) {
      // No session on that node: the acknowledgements cannot be sent (their records' locks will expire).
      for (const a of acks) this.results.push({ topic: this.topicNames.get(a.topicId) ?? a.topicId, partition: a.partition, offsets: a.offsets, errorCode: 122 });
      return;
    }
    const renew = acks.some((a) => a.batches.some((b) => b.acknowledgeTypes.includes(ACK_TYPE.renew)));
    const byTopic = new Map<string, { partitionIndex: number; acknowledgementBatches: typeof acks[number]['batches'] }[]>();
    for (const a of acks) {
      let list = byTopic.get(a.topicId);
      if (!list) byTopic.set(a.topicId, (list = []));
      list.push({ partitionIndex: a.partition, acknowledgementBatches: a.batches });
    }
    const response = await sendRequest(await this.connection(node), apis.ShareAcknowledge, 2, {
      groupId: m.groupId,
      memberId: m.memberId,
      shareSessionEpoch: final ? -1 : epoch,
      isRenewAck: renew,
      topics: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
    });
    this.sessions.set(node, final ? 0 : nextEpoch(epoch));
    const codes = new Map<string, number>();
    for (const t of response.responses) for (const p of t.partitions) codes.set(`${t.topicId}:${p.partitionIndex}`, p.errorCode);
    for (const a of acks) {
      this.results.push({ topic: this.topicNames.get(a.topicId) ?? a.topicId, partition: a.partition, offsets: a.offsets, errorCode: response.errorCode !== 0 ? response.errorCode : (codes.get(`${a.topicId}:${a.partition}`) ?? 0) });
    }
    if (response.errorCode === 122 || response.errorCode === 123) this.sessions.set(node, 0);
  }

  private requireMemberForAcks(): ShareMembership {
    if (!this.membership) throw new ShareGroupError('subscribe() first', -1);
    return this.membership;
  }
}

function nextEpoch(epoch: number): number {
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}
