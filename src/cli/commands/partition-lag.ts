// The per-partition part of `brook group describe`, for either kind of group: every partition the group owns
// or has committed, with its committed offset, log end offset, lag and owning member, and the total lag.
import { LATEST_TIMESTAMP, listOffsetsAt, partitionKey, type Admin } from '../../client/index.js';
import type { Cell } from '../format/table.js';

export interface PartitionOwner {
  memberId: string;
  clientId: string;
  host: string;
}

export const PARTITION_LAG_HEADER = ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'CLIENT-ID', 'HOST'];

/** Rows sorted by topic and partition; `committed` is keyed by partitionKey. */
export async function partitionLagRows(
  admin: Admin,
  owned: Iterable<{ topic: string; partition: number; owner: PartitionOwner }>,
  committed: ReadonlyMap<string, bigint>,
): Promise<{ rows: Cell[][]; totalLag: bigint }> {
  const owner = new Map<string, PartitionOwner>();
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const o of owned) {
    const key = partitionKey(o.topic, o.partition);
    owner.set(key, o.owner);
    partitions.set(key, { topic: o.topic, partition: o.partition });
  }
  for (const key of committed.keys()) {
    const at = key.lastIndexOf(':');
    partitions.set(key, { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) });
  }
  const sorted = [...partitions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const ends = await listOffsetsAt(admin, sorted, LATEST_TIMESTAMP);
  let totalLag = 0n;
  const rows: Cell[][] = sorted.map(({ topic, partition }) => {
    const key = partitionKey(topic, partition);
    const current = committed.get(key);
    const end = ends.get(key);
    const lag = current !== undefined && end !== undefined ? (end > current ? end - current : 0n) : undefined;
    if (lag !== undefined) totalLag += lag;
    const m = owner.get(key);
    return [topic, partition, current, end, lag, m?.memberId, m?.clientId, m?.host];
  });
  return { rows, totalLag };
}
