// Atomic whole-file replace, the only way storage rewrites a small file in place:
// write `<name>.tmp`, fdatasync it, rename over `<name>`, fsync the directory. A crash at any
// point leaves either the old or the new content under `<name>` (a stale `.tmp` is ignored and
// removed on open). Any failure rejects; the caller must not assume either version is durable.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FileSystem } from './fs/file-system.js';
import { TMP_SUFFIX } from './segment-files.js';

/** Longest file name the common Linux file systems take (ext4, xfs, tmpfs: 255 bytes). */
const MAX_NAME_BYTES = 255;

/**
 * `<name>.tmp`, or for a name too long to take the suffix (a 249-character topic's `<topic>.json` is 254 bytes) a
 * fixed-length name derived from it: still ends in `.tmp`, so open's cleanup finds it, and is distinct per name.
 */
export function tmpNameFor(name: string): string {
  if (Buffer.byteLength(name) + TMP_SUFFIX.length <= MAX_NAME_BYTES) return name + TMP_SUFFIX;
  return createHash('sha256').update(name).digest('hex') + TMP_SUFFIX;
}

export async function writeFileAtomic(fs: FileSystem, dir: string, name: string, data: Uint8Array): Promise<void> {
  const tmp = join(dir, tmpNameFor(name));
  const f = await fs.open(tmp, 'create');
  try {
    await f.truncate(0);
    await f.writev([data], 0);
    await f.datasync();
  } finally {
    await f.close();
  }
  await fs.rename(tmp, join(dir, name));
  await fs.syncDir(dir);
}

/** Reads a file, or null when it does not exist (other errors propagate). */
export async function readFileIfExists(fs: FileSystem, path: string): Promise<Buffer | null> {
  if (!(await fs.exists(path))) return null;
  return fs.readFile(path);
}
