// Where to start reading, as --offset (consume) and --to (group seek) spell it:
//   beginning | end | <n> (absolute) | -<n> (n records before the end) | @<ms or ISO date>
// and its resolution against a partition's log start and end offsets.
import type { Admin, TopicPartition } from '../../client/index.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, partitionKey } from '../../client/index.js';
import { UsageError } from './start-options.js';

export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'absolute'; offset: bigint }
  | { kind: 'fromEnd'; count: bigint }
  | { kind: 'timestamp'; ms: bigint };

export function parseOffsetSpec(flag: string, text: string): OffsetSpec {
  const t = text.trim();
  if (['beginning', 'earliest', 'start', 'oldest'].includes(t)) return { kind: 'earliest' };
  if (['end', 'latest', 'newest'].includes(t)) return { kind: 'latest' };
  if (/^\d+$/.test(t)) return { kind: 'absolute', offset: BigInt(t) };
  if (/^-\d+$/.test(t)) return { kind: 'fromEnd', count: BigInt(t.slice(1)) };
  if (t.startsWith('@')) return { kind: 'timestamp', ms: parseTime(flag, t.slice(1)) };
  throw new UsageError(`${flag} must be beginning, end, an offset, -<n> (n before the end) or @<time>, not "${text}".`);
}

/** Milliseconds since the epoch, or an ISO 8601 date such as 2024-05-01T12:00:00Z. */
export function parseTime(flag: string, text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} needs a time in milliseconds since the epoch or an ISO date, not "${text}".`);
  return BigInt(ms);
}

/** The offset each partition starts at under `spec`, kept within [log start, log end]. */
export async function resolveOffsets(admin: Admin, partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, bigint>> {
  const [starts, ends] = await Promise.all([listOffsetsAt(admin, partitions, EARLIEST_TIMESTAMP), listOffsetsAt(admin, partitions, LATEST_TIMESTAMP)]);
  const byTime = spec.kind === 'timestamp' ? await listOffsetsAt(admin, partitions, spec.ms) : undefined;
  const out = new Map<string, bigint>();
  for (const { topic, partition } of partitions) {
    const key = partitionKey(topic, partition);
    const start = starts.get(key) ?? 0n;
    const end = ends.get(key) ?? 0n;
    let offset: bigint;
    switch (spec.kind) {
      case 'earliest':
        offset = start;
        break;
      case 'latest':
        offset = end;
        break;
      case 'absolute':
        offset = spec.offset;
        break;
      case 'fromEnd':
        offset = end - spec.count;
        break;
      case 'timestamp': {
        // -1: no record at or after that time, so start at the end.
        const found = byTime?.get(key) ?? -1n;
        offset = found < 0n ? end : found;
        break;
      }
    }
    out.set(key, offset < start ? start : offset > end ? end : offset);
  }
  return out;
}
