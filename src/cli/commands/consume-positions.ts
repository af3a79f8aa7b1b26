// Which partitions `brook consume` reads and from where. Two sources:
//  - fixed: the partitions named (or all of the topics'), starting at --offset;
//  - group: the partitions the group coordinator assigns this member, starting at the group's
//    committed offset, or at --offset where the group has none. The assignment can change at
//    any rebalance, so it is re-read before every fetch round.
import type { Admin, Consumer, FetchPosition, TopicPartition } from '../../client/index.js';
import { committedOffsets, partitionKey } from '../../client/index.js';
import { resolveOffsets, type OffsetSpec } from './offset-spec.js';

export interface PositionSource {
  /** The positions to fetch next, keyed by partitionKey (updated in place as records print). */
  current(): Promise<Map<string, FetchPosition>>;
  /** Moves positions that fell outside the log (retention) back inside it. */
  reset(): Promise<void>;
}

export class FixedPositions implements PositionSource {
  private positions: Map<string, FetchPosition> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly partitions: readonly TopicPartition[],
    private readonly spec: OffsetSpec,
  ) {}

  async current(): Promise<Map<string, FetchPosition>> {
    this.positions ??= toPositions(this.partitions, await resolveOffsets(this.admin, this.partitions, this.spec));
    return this.positions;
  }

  async reset(): Promise<void> {
    const positions = await this.current();
    const valid = await resolveOffsets(this.admin, this.partitions, { kind: 'earliest' });
    for (const [key, p] of positions) if (p.offset < (valid.get(key) ?? 0n)) p.offset = valid.get(key)!;
  }
}

export class GroupPositions implements PositionSource {
  private assignmentKey = '';
  private positions = new Map<string, FetchPosition>();

  constructor(
    private readonly admin: Admin,
    private readonly consumer: Consumer,
    private readonly spec: OffsetSpec,
  ) {}

  async current(): Promise<Map<string, FetchPosition>> {
    const assigned = (this.consumer.assignments ?? []).flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    const key = assigned.map((p) => partitionKey(p.topic, p.partition)).sort().join(',');
    if (key !== this.assignmentKey) {
      this.assignmentKey = key;
      this.positions = await this.startPositions(assigned);
    }
    return this.positions;
  }

  async reset(): Promise<void> {
    const parts = [...this.positions.values()];
    const valid = await resolveOffsets(this.admin, parts, { kind: 'earliest' });
    for (const [key, p] of this.positions) if (p.offset < (valid.get(key) ?? 0n)) p.offset = valid.get(key)!;
  }

  private async startPositions(assigned: TopicPartition[]): Promise<Map<string, FetchPosition>> {
    const committed = await committedOffsets(this.admin, this.consumer.groupId);
    const fresh = assigned.filter((p) => !committed.has(partitionKey(p.topic, p.partition)));
    const fallback = await resolveOffsets(this.admin, fresh, this.spec);
    const offsets = new Map<string, bigint>();
    for (const p of assigned) {
      const k = partitionKey(p.topic, p.partition);
      offsets.set(k, committed.get(k) ?? fallback.get(k) ?? 0n);
    }
    return toPositions(assigned, offsets);
  }
}

function toPositions(partitions: readonly TopicPartition[], offsets: Map<string, bigint>): Map<string, FetchPosition> {
  return new Map(
    partitions.map((p) => {
      const key = partitionKey(p.topic, p.partition);
      return [key, { topic: p.topic, partition: p.partition, offset: offsets.get(key) ?? 0n }];
    }),
  );
}
