// Offsets committed inside a transaction (TxnOffsetCommit, KIP-98; member checks of KIP-447). They are
// written to the group's __consumer_offsets partition as a *transactional* batch of the producer, so
// the COMMIT or ABORT marker the transaction coordinator writes there decides them, exactly as in
// Kafka's log. Until then they wait here, per producer, invisible to OffsetFetch; the marker applies
// (commit) or drops (abort) them. After a restart, transactional batches without a marker yet are
// handed back here by the loader and decided by the coordinator's recovery.
//
// Member checks (Kafka's GroupMetadata.validateOffsetCommit for transactions):
//   generation < 0, no member id, no instance id   accepted (producers before KIP-447)
//   group Dead                                      COORDINATOR_NOT_AVAILABLE
//   otherwise                                       the member must be known (UNKNOWN_MEMBER_ID,
//                                                   FENCED_INSTANCE_ID) and the generation current
//                                                   (ILLEGAL_GENERATION)
import { ErrorCode } from '../../protocol/errors.js';
import { memberError, type ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer/consumer-group.js';
import { validateConsumerGroupCommit } from './consumer/consumer-offsets.js';
import { OFFSET_METADATA_MAX_BYTES, type CommitPartition, type OffsetsDeps, type PartitionError } from './committed-offsets.js';
import { encodeOffsetKey, encodeOffsetValue } from './offsets-record-codec.js';
import type { CommittedOffset, OffsetStore } from './offset-store.js';

export interface TxnCommitRequest {
  groupId: string;
  producerId: number;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  partitions: readonly CommitPartition[];
}

export interface PendingOffset {
  groupId: string;
  topic: string;
  partition: number;
  value: CommittedOffset;
}

export class TxnOffsets {
  /** producer id -> "group\0topic\0partition" -> offset waiting for the marker. */
  private readonly pending = new Map<number, Map<string, PendingOffset>>();

  constructor(
    private readonly deps: OffsetsDeps,
    private readonly store: OffsetStore,
    private readonly partitionFor: (groupId: string) => number,
  ) {}

  async commit(req: TxnCommitRequest): Promise<PartitionError[]> {
    const all = (errorCode: number): PartitionError[] => req.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode }));
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    const consumerGroup = this.deps.consumerGroup(req.groupId);
    const groupError = consumerGroup ? this.consumerGroupError(consumerGroup, req) : txnMemberError(this.deps.registry.get(req.groupId) ?? this.deps.registry.createSimple(req.groupId), req);
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const now = this.deps.now();
    const results: PartitionError[] = [];
    const accepted: PendingOffset[] = [];
    for (const p of req.partitions) {
      const result: PartitionError = { topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE };
      results.push(result);
      if (!this.deps.partitionExists(p.topic, p.partition)) result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.metadata !== null && Buffer.byteLength(p.metadata) > OFFSET_METADATA_MAX_BYTES) result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      else {
        accepted.push({
          groupId: req.groupId,
          topic: p.topic,
          partition: p.partition,
          value: { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata ?? '', commitTimestamp: now },
        });
      }
    }
    if (accepted.length === 0) return results;
    const records = accepted.map((a) => ({ key: encodeOffsetKey(a.groupId, a.topic, a.partition), value: encodeOffsetValue({ ...a.value, expireTimestamp: -1 }) }));
    try {
      await this.deps.writer.write(req.groupId, records, now, { producerId: req.producerId, producerEpoch: req.producerEpoch });
    } catch (e) {
      this.deps.logger.error('writing transactional offset commits failed', { group: req.groupId, error: String(e) });
      for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return results;
    }
    for (const a of accepted) this.hold(req.producerId, a);
    return results;
  }

  /**
   * KIP-848 groups (KIP-447 with member epochs): a stale epoch is ILLEGAL_GENERATION, as TxnOffsetCommit
   * before v6 knows no STALE_MEMBER_EPOCH; any partition that fails fails the request.
   */
  private consumerGroupError(group: ConsumerGroup, req: TxnCommitRequest): number {
    const verdict = validateConsumerGroupCommit(group, { memberId: req.memberId, groupInstanceId: req.groupInstanceId, memberEpoch: req.generationId, isTransactional: true, apiVersion: 0 });
    const legacy = (e: number): number => (e === ErrorCode.STALE_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : e);
    if ('errorCode' in verdict) return legacy(verdict.errorCode);
    for (const p of req.partitions) {
      const e = verdict.check(this.deps.topicId(p.topic), p.partition);
      if (e !== ErrorCode.NONE) return legacy(e);
    }
    return ErrorCode.NONE;
  }

  /** An offset read back from a transactional batch with no marker yet (startup). */
  hold(producerId: number, o: PendingOffset): void {
    let m = this.pending.get(producerId);
    if (!m) this.pending.set(producerId, (m = new Map()));
    m.set(`${o.groupId}\0${o.topic}\0${o.partition}`, o);
  }

  /** True while some transaction holds an offset for the partition (OffsetFetch require_stable, KIP-447). */
  isPending(groupId: string, topic: string, partition: number): boolean {
    const key = `${groupId}\0${topic}\0${partition}`;
    for (const m of this.pending.values()) if (m.has(key)) return true;
    return false;
  }

  /** A marker of `producerId` was written to __consumer_offsets partition `offsetsPartition`. */
  complete(producerId: number, offsetsPartition: number, commit: boolean): void {
    const m = this.pending.get(producerId);
    if (!m) return;
    for (const [key, o] of m) {
      if (this.partitionFor(o.groupId) !== offsetsPartition) continue;
      m.delete(key);
      if (!commit) continue;
      if (!this.deps.registry.get(o.groupId)) this.deps.registry.createSimple(o.groupId);
      this.store.set(o.groupId, o.topic, o.partition, o.value);
    }
    if (m.size === 0) this.pending.delete(producerId);
  }
}

function txnMemberError(group: ClassicGroup, req: TxnCommitRequest): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (req.generationId < 0 && req.memberId === '' && req.groupInstanceId === null) return ErrorCode.NONE;
  const e = memberError(group, req.memberId, req.groupInstanceId);
  if (e !== ErrorCode.NONE) return e;
  return req.generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
}
