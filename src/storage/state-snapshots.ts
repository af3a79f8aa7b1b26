// Per-partition state snapshots: an opaque blob that describes the partition's state "as of offset N"
// (everything below N replayed), so whoever owns that state replays only the log from N after a
// restart. The broker stores its producer state here (Kafka's `<offset>.snapshot` files of
// ProducerStateManager; the blob's encoding is broker/producers/producer-snapshot-codec.ts). Storage
// knows nothing of what is inside; it guarantees the file is whole and checksummed.
//
// File format: `<partition dir>/<offset N, 20 digits>.snapshot`, big-endian:
//
//   offset  size  field
//   0       4     magic     "BKSN"
//   4       2     version   int16, 1
//   6       4     crc32c    uint32, CRC-32C of the payload
//   10      4     length    int32, payload bytes
//   14      n     payload   the owner's blob
//
// Written atomically (temp file, fdatasync, rename, fsync dir). Only the newest two are kept (the
// older one guards against a newest file that fails its checksum). On load a file whose offset is
// past the log end (the tail it described was lost in a crash) or that fails its checks is deleted.
import { join } from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import { writeFileAtomic } from './atomic-file.js';
import type { Logger } from '../util/logger.js';
import type { FileSystem } from './fs/file-system.js';
import { segmentFileName } from './segment-files.js';

export const SNAPSHOT_SUFFIX = '.snapshot';
const MAGIC = 0x424b534e; // "BKSN"
const VERSION = 1;
const HEADER = 14;
const KEEP = 2;

export interface StateSnapshot {
  offset: number;
  payload: Buffer;
}

export function encodeSnapshotFile(payload: Buffer): Buffer {
  const out = Buffer.alloc(HEADER + payload.length);
  out.writeUInt32BE(MAGIC, 0);
  out.writeInt16BE(VERSION, 4);
  out.writeUInt32BE(crc32c(payload), 6);
  out.writeInt32BE(payload.length, 10);
  payload.copy(out, HEADER);
  return out;
}

/** The payload of a snapshot file, or null when the file is not a whole, valid v1 snapshot. */
export function decodeSnapshotFile(buf: Buffer): Buffer | null {
  if (buf.length < HEADER || buf.readUInt32BE(0) !== MAGIC || buf.readInt16BE(4) !== VERSION) return null;
  const length = buf.readInt32BE(10);
  if (length < 0 || HEADER + length !== buf.length) return null;
  const payload = buf.subarray(HEADER);
  return crc32c(payload) === buf.readUInt32BE(6) ? payload : null;
}

function parseSnapshotName(name: string): number | null {
  const m = /^(\d{20})\.snapshot$/.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** Offsets of the snapshot files in `dir`, newest first. */
export async function listStateSnapshots(fs: FileSystem, dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await fs.readdir(dir)) {
    const n = parseSnapshotName(name);
    if (n !== null) out.push(n);
  }
  return out.sort((a, b) => b - a);
}

/** Writes the snapshot at `offset` and deletes all but the newest KEEP. */
export async function writeStateSnapshot(fs: FileSystem, dir: string, offset: number, payload: Buffer): Promise<void> {
  await writeFileAtomic(fs, dir, segmentFileName(offset, SNAPSHOT_SUFFIX), encodeSnapshotFile(payload));
  const all = await listStateSnapshots(fs, dir);
  for (const old of all.slice(KEEP)) await fs.unlink(join(dir, segmentFileName(old, SNAPSHOT_SUFFIX)));
}

/** The snapshot at `offset` when its file is whole and valid, else null (an unreadable file too). */
export async function readStateSnapshotAt(fs: FileSystem, dir: string, offset: number): Promise<StateSnapshot | null> {
  try {
    const payload = decodeSnapshotFile(await fs.readFile(join(dir, segmentFileName(offset, SNAPSHOT_SUFFIX))));
    return payload ? { offset, payload } : null;
  } catch {
    return null;
  }
}

/** The newest valid snapshot at or below `logEnd`; invalid ones and those past `logEnd` are deleted. */
export async function readLatestStateSnapshot(fs: FileSystem, dir: string, logEnd: number, logger?: Logger): Promise<StateSnapshot | null> {
  for (const offset of await listStateSnapshots(fs, dir)) {
    const snapshot = offset <= logEnd ? await readStateSnapshotAt(fs, dir, offset) : null;
    if (snapshot) return snapshot;
    if (offset <= logEnd) logger?.warn('a producer-state snapshot is unreadable; deleted, trying an older one', { dir, offset });
    await fs.unlink(join(dir, segmentFileName(offset, SNAPSHOT_SUFFIX)));
  }
  return null;
}

/**
 * Deletes the snapshots past `logEnd` (recovery cut the tail they described). Done when the log opens, before anything
 * is appended: new data could otherwise reach such an offset and make the stale snapshot look valid.
 */
export async function deleteStateSnapshotsAbove(fs: FileSystem, dir: string, logEnd: number, logger: Logger): Promise<void> {
  for (const offset of await listStateSnapshots(fs, dir)) {
    if (offset <= logEnd) break;
    logger.warn('deleted a producer-state snapshot past the recovered log end', { dir, offset, logEnd });
    await fs.unlink(join(dir, segmentFileName(offset, SNAPSHOT_SUFFIX)));
  }
}
