// OffsetCommit, OffsetFetch and OffsetDelete: validation against the group (classic-group.ts, or
// consumer/consumer-offsets.ts for KIP-848 groups: member epochs instead of generations), the durable
// write to __consumer_offsets, then the in-memory store. Offsets are keyed by group id, whatever the
// kind of group, so they survive a group's migration between the protocols. A commit is acknowledged only after
// its records are fsynced (acks=all), and applied to memory only then, so OffsetFetch never shows an
// offset a crash could take back. Metadata and leader epoch are stored as sent.
import { ErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../../util/logger.js';
import { offsetCommitError, type ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer/consumer-group.js';
import { validateConsumerGroupCommit, validateConsumerGroupFetch } from './consumer/consumer-offsets.js';
import type { GroupRegistry } from './group-membership.js';
import { encodeOffsetKey, encodeOffsetValue } from './offsets-record-codec.js';
import type { OffsetsTopicWriter } from './offsets-topic.js';
import { OffsetStore, type CommittedOffset } from './offset-store.js';
import { subscribedTopics } from './subscriptions.js';

/** Kafka's offset.metadata.max.bytes default. */
export const OFFSET_METADATA_MAX_BYTES = 4096;

export interface CommitPartition {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  /** v1 only: the client's commit time; -1 (or absent) means now. */
  commitTimestamp?: number;
}

export interface CommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  partitions: readonly CommitPartition[];
  /** The OffsetCommit version (KIP-848 members must use v9+). */
  apiVersion?: number;
}

export interface PartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetDeleteResult {
  errorCode: number;
  partitions: PartitionError[];
}

export interface OffsetsDeps {
  registry: GroupRegistry & { createSimple(groupId: string): ClassicGroup };
  writer: OffsetsTopicWriter;
  /** True when the topic exists and has the partition. */
  partitionExists(topic: string, partition: number): boolean;
  /** The KIP-848 consumer group with this id, if the id is one. */
  consumerGroup(groupId: string): ConsumerGroup | undefined;
  /** Whether a share group holds the id: it has no committed offsets (GROUP_ID_NOT_FOUND, as in Kafka). */
  isShareGroup(groupId: string): boolean;
  /** A topic's id (the wire's base64url form), if it exists. */
  topicId(topic: string): string | undefined;
  logger: Logger;
  now: () => number;
}

export class CommittedOffsets {
  readonly store = new OffsetStore();

  constructor(private readonly deps: OffsetsDeps) {}

  async commit(req: CommitRequest): Promise<PartitionError[]> {
    const all = (errorCode: number): PartitionError[] => req.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode }));
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    if (this.deps.isShareGroup(req.groupId)) return all(ErrorCode.GROUP_ID_NOT_FOUND);
    const consumerGroup = this.deps.consumerGroup(req.groupId);
    if (consumerGroup) {
      const groupError = this.consumerGroupCommitError(consumerGroup, req);
      if (groupError !== ErrorCode.NONE) return all(groupError);
    } else {
      let group = this.deps.registry.get(req.groupId);
      if (!group) {
        // A consumer without group management (assign() + commit) or an admin commit: a "simple"
        // group is created for it. A generation means a member of a group that no longer exists
        // (v9+, KIP-848: GROUP_ID_NOT_FOUND).
        if (req.generationId >= 0) return all((req.apiVersion ?? 0) >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
        group = this.deps.registry.createSimple(req.groupId);
      }
      const groupError = offsetCommitError(group, req.memberId, req.groupInstanceId, req.generationId);
      if (groupError !== ErrorCode.NONE) return all(groupError);
    }
    const now = this.deps.now();
    const results: PartitionError[] = [];
    const accepted: { p: CommitPartition; value: CommittedOffset; result: PartitionError }[] = [];
    for (const p of req.partitions) {
      const result: PartitionError = { topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE };
      results.push(result);
      if (!this.deps.partitionExists(p.topic, p.partition)) result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.metadata !== null && Buffer.byteLength(p.metadata) > OFFSET_METADATA_MAX_BYTES) result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      else {
        const commitTimestamp = p.commitTimestamp !== undefined && p.commitTimestamp >= 0 ? p.commitTimestamp : now;
        accepted.push({ p, result, value: { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata ?? '', commitTimestamp } });
      }
    }
    if (accepted.length === 0) return results;
    const records = accepted.map(({ p, value }) => ({
      key: encodeOffsetKey(req.groupId, p.topic, p.partition),
      value: encodeOffsetValue({ ...value, expireTimestamp: -1 }),
    }));
    try {
      await this.deps.writer.write(req.groupId, records, now);
    } catch (e) {
      this.deps.logger.error('writing offset commits failed', { group: req.groupId, error: String(e) });
      for (const a of accepted) a.result.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return results;
    }
    for (const { p, value } of accepted) this.store.set(req.groupId, p.topic, p.partition, value);
    return results;
  }

  /** KIP-848: member epochs; any partition the member may not commit fails the whole request (Kafka). */
  private consumerGroupCommitError(group: ConsumerGroup, req: CommitRequest): number {
    const verdict = validateConsumerGroupCommit(group, {
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      memberEpoch: req.generationId,
      isTransactional: false,
      apiVersion: req.apiVersion ?? 9,
    });
    if ('errorCode' in verdict) return verdict.errorCode;
    for (const p of req.partitions) {
      const e = verdict.check(this.deps.topicId(p.topic), p.partition);
      if (e !== ErrorCode.NONE) return e;
    }
    return ErrorCode.NONE;
  }

  /** OffsetFetch v9+ of a consumer group member: its member id and epoch must be current. */
  fetchError(groupId: string, memberId: string | null, memberEpoch: number): number {
    if (this.deps.isShareGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    const group = this.deps.consumerGroup(groupId);
    return group ? validateConsumerGroupFetch(group, memberId, memberEpoch) : ErrorCode.NONE;
  }

  /** Offsets of the given partitions (-1 when none is committed), or of every partition when null. */
  fetch(groupId: string, topics: readonly { name: string; partitions: readonly number[] }[] | null): FetchedOffset[] {
    if (topics === null) {
      return this.store.all(groupId).map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE }));
    }
    const out: FetchedOffset[] = [];
    for (const t of topics) {
      for (const partition of t.partitions) {
        const o = this.store.get(groupId, t.name, partition);
        out.push({ topic: t.name, partition, offset: o?.offset ?? -1n, leaderEpoch: o?.leaderEpoch ?? -1, metadata: o?.metadata ?? '', errorCode: ErrorCode.NONE });
      }
    }
    return out;
  }

  /** OffsetDelete (KIP-496): only offsets of topics the group's live members do not subscribe to. */
  async delete(groupId: string, partitions: readonly { topic: string; partition: number }[]): Promise<OffsetDeleteResult> {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, partitions: [] };
    if (this.deps.isShareGroup(groupId)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    let subscribed = new Set<string>();
    const consumerGroup = this.deps.consumerGroup(groupId);
    if (consumerGroup) {
      // KIP-848 groups: any state; only topics the group subscribes to (by name or regex) are kept.
      subscribed = new Set(consumerGroup.subscribedTopics.keys());
    } else {
      const group = this.deps.registry.get(groupId);
      if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
      if (group.size > 0) {
        const topics = subscribedTopics(group);
        if (topics === null) return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
        subscribed = topics;
      }
    }
    const results: PartitionError[] = [];
    const tombstones: { key: Buffer; value: null }[] = [];
    const deleted: PartitionError[] = [];
    for (const { topic, partition } of partitions) {
      const result: PartitionError = { topic, partition, errorCode: ErrorCode.NONE };
      results.push(result);
      if (subscribed.has(topic)) result.errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      else if (!this.deps.partitionExists(topic, partition)) result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (this.store.get(groupId, topic, partition)) {
        tombstones.push({ key: encodeOffsetKey(groupId, topic, partition), value: null });
        deleted.push(result);
      }
    }
    try {
      await this.deps.writer.write(groupId, tombstones, this.deps.now());
    } catch (e) {
      this.deps.logger.error('writing offset tombstones failed', { group: groupId, error: String(e) });
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, partitions: [] };
    }
    for (const d of deleted) this.store.delete(groupId, d.topic, d.partition);
    return { errorCode: ErrorCode.NONE, partitions: results };
  }
}
