// Describe, alter and delete a share group's positions (KIP-932's DescribeShareGroupOffsets,
// AlterShareGroupOffsets and DeleteShareGroupOffsets; `kafka-share-groups --describe /
// --reset-offsets / --delete-offsets`).
//
// - Describe: per share-partition, its start offset and (v1+, KIP-1226) its lag: the records
//   between the start offset and the high watermark whose delivery is not complete; -1 for both when
//   the group has no state for the partition. topics=null describes every partition with state.
// - Alter: only while the group has no members (NON_EMPTY_GROUP); each share-partition restarts at
//   the given offset with nothing in flight (a new state epoch), durably. A group that does not
//   exist yet is created by it, so positions can be set before the first consumer starts.
// - Delete: only while the group has no members; the topics' share-partition state is deleted, so
//   the next fetch starts over at share.auto.offset.reset.
import { ErrorCode } from '../../../protocol/errors.js';
import type { BrokerState } from '../../broker-state.js';
import { topicIdToWire } from '../../topics/topic-ids.js';
import { ShareGroup } from './share-group.js';
import type { ShareGroupCoordinator } from './share-group-coordinator.js';

export interface DescribedPartition {
  partitionIndex: number;
  startOffset: bigint;
  leaderEpoch: number;
  lag: bigint;
  errorCode: number;
  errorMessage: string | null;
}

export interface DescribedTopic {
  topicName: string;
  topicId: string;
  partitions: DescribedPartition[];
}

export function describeOffsets(broker: BrokerState, shares: ShareGroupCoordinator, groupId: string, topics: readonly { topicName: string; partitions: readonly number[] }[] | null): { topics: DescribedTopic[]; errorCode: number; errorMessage: string | null } {
  if (!shares.groups.has(groupId)) return { topics: [], errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` };
  const requested = topics ?? allWithState(broker, shares, groupId);
  const out: DescribedTopic[] = [];
  for (const t of requested) {
    const info = broker.topics.get(t.topicName);
    const topicId = info ? topicIdToWire(info.topicId) : 'AAAAAAAAAAAAAAAAAAAAAA';
    out.push({
      topicName: t.topicName,
      topicId,
      partitions: t.partitions.map((p) => {
        const none = { partitionIndex: p, startOffset: -1n, leaderEpoch: 0, lag: -1n };
        if (!info || p < 0 || p >= info.partitions) return { ...none, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
        const stats = shares.engine.stats({ groupId, topicId, partition: p });
        if (!stats) return { ...none, errorCode: ErrorCode.NONE, errorMessage: null };
        const hw = broker.logs.getLog(t.topicName, p)?.highWatermark ?? stats.startOffset;
        const lag = Math.max(0, hw - stats.startOffset - stats.deliveryComplete);
        return { partitionIndex: p, startOffset: BigInt(stats.startOffset), leaderEpoch: 0, lag: BigInt(lag), errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    });
  }
  return { topics: out, errorCode: ErrorCode.NONE, errorMessage: null };
}

function allWithState(broker: BrokerState, shares: ShareGroupCoordinator, groupId: string): { topicName: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const key of shares.engine.keys(groupId)) {
    const name = broker.topics.nameForId(key.topicId);
    if (name === undefined) continue;
    let parts = byTopic.get(name);
    if (!parts) byTopic.set(name, (parts = []));
    parts.push(key.partition);
  }
  return [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topicName, partitions]) => ({ topicName, partitions: partitions.sort((a, b) => a - b) }));
}

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  responses: { topicName: string; topicId: string; partitions: { partitionIndex: number; errorCode: number; errorMessage: string | null }[] }[];
}

export async function alterOffsets(broker: BrokerState, shares: ShareGroupCoordinator, groupId: string, topics: readonly { topicName: string; partitions: readonly { partitionIndex: number; startOffset: bigint }[] }[]): Promise<AlterResult> {
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'The group id is empty.', responses: [] };
  if (broker.groups.groups.has(groupId)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a share group.`, responses: [] };
  const group = shares.groups.get(groupId);
  if (group && group.members.size > 0) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: 'The group has active members.', responses: [] };
  if (!group) shares.groups.set(groupId, new ShareGroup(groupId));
  const responses: AlterResult['responses'] = [];
  for (const t of topics) {
    const info = broker.topics.get(t.topicName);
    const topicId = info ? topicIdToWire(info.topicId) : 'AAAAAAAAAAAAAAAAAAAAAA';
    const partitions: AlterResult['responses'][number]['partitions'] = [];
    for (const p of t.partitions) {
      const log = info ? broker.logs.getLog(t.topicName, p.partitionIndex) : undefined;
      if (!info || !log) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' });
        continue;
      }
      if (p.startOffset < 0n) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `start offset ${p.startOffset} is negative` });
        continue;
      }
      try {
        const start = Math.min(Math.max(Number(p.startOffset), log.logStartOffset), log.highWatermark);
        const key = { groupId, topicId, partition: p.partitionIndex };
        const binding = { owner: groupId, topic: t.topicName, partition: p.partitionIndex, log, policy: () => shares.policyFor(groupId), deadLetter: () => shares.deadLetterFor(groupId, t.topicName) };
        await shares.engine.reset(key, start, binding);
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (e) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: String(e) });
      }
    }
    responses.push({ topicName: t.topicName, topicId, partitions });
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, responses };
}

export interface DeleteResult {
  errorCode: number;
  errorMessage: string | null;
  responses: { topicName: string; topicId: string; errorCode: number; errorMessage: string | null }[];
}

export async function deleteOffsets(broker: BrokerState, shares: ShareGroupCoordinator, groupId: string, topicNames: readonly string[]): Promise<DeleteResult> {
  const group = shares.groups.get(groupId);
  if (!group) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Share group ${groupId} not found.`, responses: [] };
  if (group.members.size > 0) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: 'The group has active members.', responses: [] };
  const responses: DeleteResult['responses'] = [];
  for (const name of topicNames) {
    const info = broker.topics.get(name);
    if (!info) {
      responses.push({ topicName: name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic.' });
      continue;
    }
    const topicId = topicIdToWire(info.topicId);
    try {
      for (const key of shares.engine.keys(groupId)) if (key.topicId === topicId) await shares.engine.delete(key);
      responses.push({ topicName: name, topicId, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (e) {
      responses.push({ topicName: name, topicId, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: String(e) });
    }
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, responses };
}
