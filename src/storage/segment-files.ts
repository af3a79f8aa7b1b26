// File names inside a partition directory, Kafka's scheme: the segment's base offset as 20 zero-
// padded digits plus an extension. Suffixes mark files in transition:
//   .deleted  a segment removed by retention/DeleteRecords, unlinked in the background
//   .tmp      an atomic replace in progress (never read; removed on open)
//   .cleaned  a segment the log cleaner is writing (never read; removed on open)
//   .swap     a cleaned segment committed to replace older ones (log-loader.ts finishes the swap;
//             see segment-swap.ts for the protocol)
import { join } from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const DELETED_SUFFIX = '.deleted';
export const TMP_SUFFIX = '.tmp';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return join(dir, segmentFileName(baseOffset, suffix));
}

/** The base offset of a `.log` file name, or null if the name is not one. */
export function parseLogFileName(name: string): number | null {
  if (!name.endsWith(LOG_SUFFIX)) return null;
  const digits = name.slice(0, -LOG_SUFFIX.length);
  if (!/^\d{20}$/.test(digits)) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/** `<topic>-<partition>`, Kafka's partition directory name. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The base offset and suffix of a segment file name (`.log`, `.index`, `.timeindex`), or null. */
export function parseSegmentFileName(name: string): { baseOffset: number; suffix: string } | null {
  const m = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? { baseOffset: n, suffix: m[2]! } : null;
}
