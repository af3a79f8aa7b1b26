// Sync rounds (flusher.ts, partition-sync.ts): a durable append may be acknowledged only once an
// fdatasync that began after its write completed has finished (and, for a new segment, a directory
// sync begun after the file was created). Every segment fdatasync is held here until the test
// releases it, and each acknowledgement is checked against what the syncs that finished so far
// actually covered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import type { FileHandle, OpenMode } from '../../src/storage/fs/file-system.js';
import { DelegatingFileSystem } from '../helpers/delegating-fs.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { AppendResult } from '../../src/storage/partition-log.js';
import { simpleBatch } from './helpers/batches.js';
import { openTestLog } from './helpers/logs.js';

const SEGMENT = /[0-9]+\.log$/;

interface HeldSync {
  path: string;
  release(): void;
}

/** What a file's completed writes and finished syncs amount to (counts of writes, not bytes). */
interface FileRecord {
  writes: number;
  durableWrites: number;
  created: number;
}

/** A MemoryFileSystem whose segment fdatasyncs wait for the test, recording what each one covers. */
class HeldSyncFs extends DelegatingFileSystem {
  constructor() {
    super(new MemoryFileSystem());
  }

  readonly held: HeldSync[] = [];
  private heldListeners: (() => void)[] = [];
  readonly files = new Map<string, FileRecord>();
  /** Per directory: entries created so far, and how many of them a finished syncDir covers. */
  private readonly dirs = new Map<string, { created: number; durable: number }>();

  /** Resolves once at least `n` syncs are held. */
  async heldAtLeast(n: number): Promise<void> {
    while (this.held.length < n) await new Promise<void>((resolve) => this.heldListeners.push(resolve));
  }

  /** Releases the held sync at `index` (0: the oldest still held). */
  release(index: number): void {
    const [h] = this.held.splice(index, 1);
    assert.ok(h, `no held sync at ${index}`);
    h.release();
  }

  /** Snapshot of what a write completed by now requires: the writes of every segment file. */
  requirement(): Map<string, number> {
    return new Map([...this.files].map(([path, f]) => [path, f.writes]));
  }

  /** Throws unless every write in `required` is covered by a finished fdatasync and directory sync. */
  assertDurable(required: Map<string, number>, what: string): void {
    for (const [path, writes] of required) {
      const f = this.files.get(path)!;
      assert.ok(f.durableWrites >= writes, `${what}: ${path} has ${writes} writes, a finished fdatasync begun after them covers ${f.durableWrites}`);
      if (writes > 0) {
        const d = this.dirs.get(dirname(path))!;
        assert.ok(d.durable >= f.created, `${what}: the directory entry of ${path} is not durable`);
      }
    }
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const h = await this.disk.open(path, mode);
    if (!SEGMENT.test(path)) return h;
    let f = this.files.get(path);
    if (!f) {
      const d = this.dirs.get(dirname(path)) ?? { created: 0, durable: 0 };
      d.created++;
      this.dirs.set(dirname(path), d);
      f = { writes: 0, durableWrites: 0, created: d.created };
      this.files.set(path, f);
    }
    const file = f;
    return {
      path: h.path,
      writev: async (chunks, position) => {
        await h.writev(chunks, position);
        file.writes++;
      },
      read: (buf, offset, length, position) => h.read(buf, offset, length, position),
      truncate: (size) => h.truncate(size),
      size: () => h.size(),
      close: () => h.close(),
      datasync: async () => {
        const covers = file.writes;
        await new Promise<void>((resolve) => {
          this.held.push({ path, release: resolve });
          const ls = this.heldListeners;
          this.heldListeners = [];
          for (const l of ls) l();
        });
        await h.datasync();
        file.durableWrites = Math.max(file.durableWrites, covers);
      },
    };
  }

  override async syncDir(path: string): Promise<void> {
    const d = this.dirs.get(path);
    const covers = d?.created ?? 0;
    await this.disk.syncDir(path);
    if (d) d.durable = Math.max(d.durable, covers);
  }
}

/** A durable append whose acknowledgement is checked against the syncs finished when it arrives. */
function checkedAppend(fs: HeldSyncFs, log: Awaited<ReturnType<typeof openTestLog>>['log'], bytes: number): { done: Promise<AppendResult>; settled: () => boolean } {
  let required: Map<string, number> | null = null;
  let settled = false;
  const done = log.append(simpleBatch(1, bytes), { durable: true, onWritten: () => (required = fs.requirement()) }).then((r) => {
    settled = true;
    assert.ok(required, 'acknowledged before its write completed');
    fs.assertDurable(required, `append at ${r.baseOffset}`);
    return r;
  });
  return { done, settled: () => settled };
}

/** Releases held syncs (newest first) until `p` settles, then whatever is left so close can finish. */
async function drain(fs: HeldSyncFs, p: Promise<unknown>): Promise<void> {
  let over = false;
  void p.then(
    () => (over = true),
    () => (over = true),
  );
  while (!over) {
    if (fs.held.length > 0) fs.release(fs.held.length - 1);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('sync rounds', () => {
  it('an append written while a round is in its fdatasync waits for the next round', async () => {
    const fs = new HeldSyncFs();
    const { log } = await openTestLog(fs, '/data');
    const a = checkedAppend(fs, log, 50);
    await fs.heldAtLeast(1); // round A is in its fdatasync
    const b = checkedAppend(fs, log, 50);
    fs.release(0); // A finishes: it took its work before B was written
    const ra = await a.done;
    assert.equal(log.highWatermark, ra.lastOffset + 1, 'A covered only what was written before it took its work');
    assert.equal(b.settled(), false);
    await fs.heldAtLeast(1); // the next round, for B
    fs.release(0);
    await b.done;
    assert.equal(log.highWatermark, 2);
    await drain(fs, log.close());
  });

  it('many concurrent appends across rolls, syncs released at random moments', async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const fs = new HeldSyncFs();
    const { log } = await openTestLog(fs, '/data', { config: { 'segment.bytes': 1000 } });
    const appends: Promise<AppendResult>[] = [];
    let over = false;
    const releaser = (async () => {
      while (!over) {
        if (fs.held.length > 0 && random(3) > 0) fs.release(random(fs.held.length));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 200; i++) {
      appends.push(checkedAppend(fs, log, 40 + random(80)).done);
      if (random(4) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(appends);
    assert.equal(log.highWatermark, results.length);
    assert.ok(log.segmentCount > 5, `segments: ${log.segmentCount}`);
    await log.close();
    over = true;
    await releaser;
  });
});
