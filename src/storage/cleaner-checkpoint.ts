// The log cleaner's per-partition checkpoint (Kafka keeps the same in `cleaner-offset-checkpoint`
// per data dir): where the dirty part of the log starts, and when the earliest delete horizon of a
// kept tombstone passes (KIP-534: that alone makes the log worth cleaning again). Replaced
// atomically; losing it only costs one extra cleaning pass (everything is treated as dirty).
//
// File format: `<partition dir>/cleaner.checkpoint`, ASCII, four lines, each ending in \n:
//
//   brook-cleaner-checkpoint v1
//   firstDirtyOffset=<decimal>
//   deleteHorizonDueMs=<decimal, or -1 when no kept tombstone has a horizon>
//   crc32c=<8 lowercase hex digits: CRC-32C of the bytes of the three lines above>
import { join } from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import type { FileSystem } from './fs/file-system.js';

export const CLEANER_CHECKPOINT_FILE = 'cleaner.checkpoint';
const MAGIC_LINE = 'brook-cleaner-checkpoint v1';

export interface CleanerCheckpoint {
  firstDirtyOffset: number;
  deleteHorizonDueMs: number;
}

export function encodeCleanerCheckpoint(c: CleanerCheckpoint): Buffer {
  const body = `${MAGIC_LINE}\nfirstDirtyOffset=${c.firstDirtyOffset}\ndeleteHorizonDueMs=${c.deleteHorizonDueMs}\n`;
  const crc = crc32c(Buffer.from(body, 'ascii')).toString(16).padStart(8, '0');
  return Buffer.from(`${body}crc32c=${crc}\n`, 'ascii');
}

export function decodeCleanerCheckpoint(buf: Buffer): CleanerCheckpoint | null {
  const m = /^(brook-cleaner-checkpoint v1\nfirstDirtyOffset=(\d+)\ndeleteHorizonDueMs=(-1|\d+)\n)crc32c=([0-9a-f]{8})\n$/.exec(buf.toString('ascii'));
  if (!m || crc32c(Buffer.from(m[1]!, 'ascii')) !== parseInt(m[4]!, 16)) return null;
  const c = { firstDirtyOffset: Number(m[2]), deleteHorizonDueMs: Number(m[3]) };
  return Number.isSafeInteger(c.firstDirtyOffset) && Number.isSafeInteger(c.deleteHorizonDueMs) ? c : null;
}

/** The checkpoint, or "nothing cleaned yet" when missing or invalid. */
export async function readCleanerCheckpoint(fs: FileSystem, dir: string): Promise<CleanerCheckpoint> {
  const buf = await readFileIfExists(fs, join(dir, CLEANER_CHECKPOINT_FILE));
  return (buf && decodeCleanerCheckpoint(buf)) ?? { firstDirtyOffset: 0, deleteHorizonDueMs: -1 };
}

export function writeCleanerCheckpoint(fs: FileSystem, dir: string, c: CleanerCheckpoint): Promise<void> {
  return writeFileAtomic(fs, dir, CLEANER_CHECKPOINT_FILE, encodeCleanerCheckpoint(c));
}
