// Acknowledgements a share consumer has made but not yet sent, per partition, turned into KIP-932's
// AcknowledgementBatches: runs of consecutive offsets, one type per run when they all agree, one
// type per offset otherwise (AcknowledgeTypes: 0 Gap, 1 Accept, 2 Release, 3 Reject, 4 Renew).

export type AcknowledgeKind = 'accept' | 'release' | 'reject' | 'renew';

export const ACK_TYPE: Record<AcknowledgeKind | 'gap', number> = { gap: 0, accept: 1, release: 2, reject: 3, renew: 4 };

export interface WireAckBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  acknowledgeTypes: number[];
}

export class PendingAcknowledgements {
  /** `${topicId}:${partition}` -> offset -> type. */
  private readonly byPartition = new Map<string, { topicId: string; partition: number; offsets: Map<number, number> }>();

  get size(): number {
    let n = 0;
    for (const p of this.byPartition.values()) n += p.offsets.size;
    return n;
  }

  add(topicId: string, partition: number, offset: number, type: number): void {
    const key = `${topicId}:${partition}`;
    let p = this.byPartition.get(key);
    if (!p) this.byPartition.set(key, (p = { topicId, partition, offsets: new Map() }));
    p.offsets.set(offset, type);
  }

  has(topicId: string, partition: number, offset: number): boolean {
    return this.byPartition.get(`${topicId}:${partition}`)?.offsets.has(offset) ?? false;
  }

  /** Removes and returns everything pending, as wire batches per partition. */
  take(): { topicId: string; partition: number; batches: WireAckBatch[]; offsets: number[] }[] {
    const out = [...this.byPartition.values()].map((p) => ({ topicId: p.topicId, partition: p.partition, ...toBatches(p.offsets) }));
    this.byPartition.clear();
    return out;
  }

  /** Removes and returns what is pending for partitions led by one node (by predicate). */
  takeWhere(pick: (topicId: string, partition: number) => boolean): ReturnType<PendingAcknowledgements['take']> {
    const out: ReturnType<PendingAcknowledgements['take']> = [];
    for (const [key, p] of this.byPartition) {
      if (!pick(p.topicId, p.partition)) continue;
      out.push({ topicId: p.topicId, partition: p.partition, ...toBatches(p.offsets) });
      this.byPartition.delete(key);
    }
    return out;
  }
}

function toBatches(offsets: Map<number, number>): { batches: WireAckBatch[]; offsets: number[] } {
  const sorted = [...offsets.keys()].sort((a, b) => a - b);
  const batches: WireAckBatch[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const types = sorted.slice(i, j + 1).map((o) => offsets.get(o)!);
    const uniform = types.every((t) => t === types[0]);
    batches.push({ firstOffset: BigInt(sorted[i]!), lastOffset: BigInt(sorted[j]!), acknowledgeTypes: uniform ? [types[0]!] : types });
    i = j + 1;
  }
  return { batches, offsets: sorted };
}
