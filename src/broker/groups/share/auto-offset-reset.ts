// share.auto.offset.reset (KIP-932, by_duration from KIP-1106): where a share-partition starts when
// its group has no position in it yet -- the log start (earliest), the high watermark (latest,
// Kafka's default for share groups), or the first record at least that long before now
// (by_duration:<ISO-8601 duration>, as Java's Duration.parse reads it: PnDTnHnMn.nS).
import type { PartitionLog } from '../../../storage/index.js';

export type AutoOffsetReset = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'by-duration'; ms: number };

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/i;

export function parseAutoOffsetReset(value: string): AutoOffsetReset | null {
  const v = value.trim().toLowerCase();
  if (v === 'earliest') return { kind: 'earliest' };
  if (v === 'latest') return { kind: 'latest' };
  if (!v.startsWith('by_duration:')) return null;
  const m = DURATION.exec(value.trim().slice('by_duration:'.length));
  if (!m || m[0] === 'P' || /T$/i.test(m[0])) return null;
  const [, d, h, min, s, frac] = m;
  const ms = Number(d ?? 0) * 86_400_000 + Number(h ?? 0) * 3_600_000 + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000 + (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  return { kind: 'by-duration', ms };
}

/** The offset a new share-partition starts at under `reset`. */
export async function initialOffset(log: PartitionLog, reset: AutoOffsetReset, now: number): Promise<number> {
  switch (reset.kind) {
    case 'earliest':
      return log.logStartOffset;
    case 'latest':
      return log.highWatermark;
    default: {
      const found = await log.offsetForTimestamp(now - reset.ms);
      return found ? found.offset : log.highWatermark;
    }
  }
}
