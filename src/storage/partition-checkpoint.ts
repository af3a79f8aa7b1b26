// The per-partition checkpoint: where the log starts (DeleteRecords, retention) and up to where it
// is known to be flushed with its index files (the recovery point; Kafka keeps both in
// log-start-offset-checkpoint and recovery-point-offset-checkpoint). Replaced atomically.
//
// File format: `<partition dir>/partition.checkpoint`, ASCII, four lines, each ending in \n:
//
//   brook-partition-checkpoint v1
//   logStartOffset=<decimal>
//   recoveryPoint=<decimal>
//   crc32c=<8 lowercase hex digits: CRC-32C of the bytes of the three lines above>
//
// A missing file means "new partition" (start 0, recover everything); a file that does not parse
// or whose CRC does not match is ignored with a warning and the whole log is recovered.
import { join } from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import type { FileSystem } from './fs/file-system.js';

export const CHECKPOINT_FILE = 'partition.checkpoint';
const MAGIC_LINE = 'brook-partition-checkpoint v1';

export interface PartitionCheckpoint {
  logStartOffset: number;
  recoveryPoint: number;
}

export function encodeCheckpoint(c: PartitionCheckpoint): Buffer {
  const body = `${MAGIC_LINE}\nlogStartOffset=${c.logStartOffset}\nrecoveryPoint=${c.recoveryPoint}\n`;
  const crc = crc32c(Buffer.from(body, 'ascii')).toString(16).padStart(8, '0');
  return Buffer.from(`${body}crc32c=${crc}\n`, 'ascii');
}

/** The checkpoint in `buf`, or null when it is not a valid v1 checkpoint. */
export function decodeCheckpoint(buf: Buffer): PartitionCheckpoint | null {
  const m = /^(brook-partition-checkpoint v1\nlogStartOffset=(\d+)\nrecoveryPoint=(\d+)\n)crc32c=([0-9a-f]{8})\n$/.exec(buf.toString('ascii'));
  if (!m) return null;
  if (crc32c(Buffer.from(m[1]!, 'ascii')) !== parseInt(m[4]!, 16)) return null;
  const c = { logStartOffset: Number(m[2]), recoveryPoint: Number(m[3]) };
  return Number.isSafeInteger(c.logStartOffset) && Number.isSafeInteger(c.recoveryPoint) ? c : null;
}

export async function readCheckpoint(fs: FileSystem, dir: string): Promise<PartitionCheckpoint | null | 'invalid'> {
  const buf = await readFileIfExists(fs, join(dir, CHECKPOINT_FILE));
  if (buf === null) return null;
  return decodeCheckpoint(buf) ?? 'invalid';
}

export function writeCheckpoint(fs: FileSystem, dir: string, c: PartitionCheckpoint): Promise<void> {
  return writeFileAtomic(fs, dir, CHECKPOINT_FILE, encodeCheckpoint(c));
}

/**
 * Writes one partition's checkpoint, one write at a time in call order (retention, DeleteRecords,
 * sync rounds and close all persist it): a later call never lands before an earlier one, so the file
 * never goes back to an older log start or recovery point. A failed write fails its own call only.
 */
export class CheckpointWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  /** Queues a write of `c` (read now, at call time). */
  write(c: PartitionCheckpoint): Promise<void> {
    const p = this.chain.then(() => writeCheckpoint(this.fs, this.dir, c));
    this.chain = p.catch(() => {});
    return p;
  }
}
