// Which committed offsets have outlived offsets.retention.minutes (KIP-211, Kafka 2.1+): offsets of a
// group only expire while it is Empty. For a consumer group (it had members, so it has a protocol
// type) the clock starts when the group became Empty; for a "simple" group that never had members it
// starts at each offset's commit. A v1 record's explicit expire timestamp wins when set.
// Not done yet: KIP-496's expiry of offsets of topics a live group no longer subscribes to.
import type { ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer/consumer-group.js';
import type { TopicPartitionOffset } from './offset-store.js';

export interface ExpirableOffset extends TopicPartitionOffset {
  expireTimestamp?: number;
}

export function expiredOffsets(group: ClassicGroup, offsets: readonly ExpirableOffset[], now: number, retentionMs: number): ExpirableOffset[] {
  if (!group.is('Empty')) return [];
  return offsets.filter((o) => {
    if (o.expireTimestamp !== undefined && o.expireTimestamp >= 0) return now >= o.expireTimestamp;
    const base = group.protocolType !== null && group.protocolType !== '' ? group.currentStateTimestamp : o.commitTimestamp;
    return now - base >= retentionMs;
  });
}

/** KIP-848 consumer groups (Kafka's ConsumerGroup.offsetExpirationCondition): while Empty, from each commit. */
export function expiredConsumerGroupOffsets(group: ConsumerGroup, offsets: readonly ExpirableOffset[], now: number, retentionMs: number): ExpirableOffset[] {
  if (!group.isEmpty) return [];
  return offsets.filter((o) => (o.expireTimestamp !== undefined && o.expireTimestamp >= 0 ? now >= o.expireTimestamp : now - o.commitTimestamp >= retentionMs));
}
