// Offsets by position or time, and a group's committed offsets, as plain maps keyed by
// "topic:partition". ListOffsets' special timestamps: -2 asks for the log start offset,
// -1 for the log end offset (the high watermark on a single node).
import type { Admin } from '@platformatic/kafka';
import { kafkaErrorName } from './errors.js';

export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * The offset at `timestamp` for each partition: -2n/-1n for the log start/end, or a time in ms
 * for the first offset whose timestamp is at or after it (-1n when there is none).
 */
export async function listOffsetsAt(admin: Admin, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const out = new Map<string, bigint>();
  if (byTopic.size === 0) return out;
  const listed = await admin.listOffsets({
    topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
  });
  for (const t of listed) for (const p of t.partitions) out.set(partitionKey(t.name, p.partitionIndex), p.offset);
  return out;
}

/** A group's committed offsets (partitions without a commit are absent). */
export async function committedOffsets(admin: Admin, groupId: string): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  let group;
  try {
    [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  } catch (e) {
    // A group that does not exist (yet) has committed nothing.
    if (kafkaErrorName(e) === 'GROUP_ID_NOT_FOUND') return out;
    throw e;
  }
  for (const t of group?.topics ?? []) {
    for (const p of t.partitions) if (p.committedOffset >= 0n) out.set(partitionKey(t.name, p.partitionIndex), p.committedOffset);
  }
  return out;
}
