// The real filesystem: node:fs callback APIs on raw descriptors (lighter than FileHandle
// promises on the append and read hot paths), wrapped in promises.
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { FileHandle, FileSystem, OpenMode } from './file-system.js';

const writevP = promisify(fs.writev);
const readP = promisify(fs.read);
const fdatasyncP = promisify(fs.fdatasync);
const fsyncP = promisify(fs.fsync);
const ftruncateP = promisify(fs.ftruncate);
const fstatP = promisify(fs.fstat);
const closeP = promisify(fs.close);
const openP = promisify(fs.open);

const flagsFor: Record<Exclude<OpenMode, 'create'>, string> = { read: 'r', readwrite: 'r+' };

class NodeFileHandle implements FileHandle {
  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  writevNow(chunks: readonly Uint8Array[], position: number): boolean {
    let total = 0;
    for (const c of chunks) total += c.byteLength;
    if (total > SYNC_WRITE_MAX_BYTES) return false;
    writevNow(this.fd, chunks, position, total);
    return true;
  }

  async writev(chunks: readonly Uint8Array[], position: number): Promise<void> {
    let total = 0;
    for (const c of chunks) total += c.byteLength;
    if (total <= SYNC_WRITE_MAX_BYTES) {
      writevNow(this.fd, chunks, position, total);
      return;
    }
    let written = (await writevP(this.fd, chunks as Uint8Array[], position)).bytesWritten;
    // Short writes are rare on regular files (disk full, signals) but legal: finish the rest.
    while (written < total) {
      const rest = remainder(chunks, written);
      written += (await writevP(this.fd, rest, position + written)).bytesWritten;
    }
  }

  async read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return (await readP(this.fd, buf, offset, length, position)).bytesRead;
  }

  datasync(): Promise<void> {
    return fdatasyncP(this.fd);
  }

  truncate(size: number): Promise<void> {
    return ftruncateP(this.fd, size);
  }

  async size(): Promise<number> {
    return (await fstatP(this.fd)).size;
  }

  close(): Promise<void> {
    return closeP(this.fd);
  }
}

/**
 * Writes up to this size go to the page cache synchronously, on the event loop, as Kafka's request
 * threads write to their FileChannel. Why: an asynchronous write is a round trip through libuv's
 * thread pool (4 threads), and with acks=all those threads sit in fdatasync, one per partition with
 * a sync round in flight: a small append then queued behind the fsyncs, and its high watermark (so
 * every consumer waiting on it) with it. On a busy machine each round trip also costs two scheduler
 * wake-ups. A copy of a few KiB into the page cache takes microseconds; larger writes stay
 * asynchronous so a bulk append never holds the loop for the copy of megabytes. The cost: when the
 * kernel throttles writers (dirty pages past vm.dirty_ratio) the loop waits with the write, where an
 * asynchronous write would wait in the pool; at that point every append waits for the disk anyway.
 */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

function writevNow(fd: number, chunks: readonly Uint8Array[], position: number, total: number): void {
  let written = fs.writevSync(fd, chunks as Uint8Array[], position);
  while (written < total) written += fs.writevSync(fd, remainder(chunks, written), position + written);
}

function remainder(chunks: readonly Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    out.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return out;
}

export class NodeFileSystem implements FileSystem {
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    // Never 'a'/'a+': O_APPEND makes Linux ignore the position of positional writes.
    if (mode === 'create') {
      try {
        await closeP(await openP(path, 'wx'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      return new NodeFileHandle(path, await openP(path, 'r+'));
    }
    return new NodeFileHandle(path, await openP(path, flagsFor[mode]));
  }

  readFile(path: string): Promise<Buffer> {
    return fs.promises.readFile(path);
  }

  async mkdir(path: string): Promise<void> {
    await fs.promises.mkdir(path, { recursive: true });
  }

  readdir(path: string): Promise<string[]> {
    return fs.promises.readdir(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fs.promises.rename(from, to);
  }

  unlink(path: string): Promise<void> {
    return fs.promises.unlink(path);
  }

  removeTree(path: string): Promise<void> {
    return fs.promises.rm(path, { recursive: true, force: true });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.promises.access(path);
      return true;
    } catch {
      return false;
    }
  }

  async isDirectory(path: string): Promise<boolean> {
    try {
      return (await fs.promises.stat(path)).isDirectory();
    } catch {
      return false;
    }
  }

  async syncDir(path: string): Promise<void> {
    const fd = await openP(path, 'r');
    try {
      await fsyncP(fd);
    } finally {
      await closeP(fd);
    }
  }
}
