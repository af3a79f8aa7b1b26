// An in-memory filesystem that models what a power failure keeps, for crash tests.
//
// Every file keeps two images: `data` (what reads see now) and `synced` (what survived the
// last successful datasync). Every directory keeps two entry maps: `entries` (now) and
// `synced` (as of its last syncDir). `restartAfterCrash()` builds the filesystem a machine
// would find after the power came back:
//   'drop-unsynced'  every file holds its synced image, every directory its synced entries
//                    (the strict POSIX worst case);
//   'keep-written'   everything written so far survives, including a torn last write
//                    (the page cache happened to reach the disk; the torn tail is the test);
//   'process-killed' not a power failure: the process died (kill -9) and the machine runs on. Files
//                    and directories read as written, but only what was synced is on disk, so a
//                    later restartAfterCrash('drop-unsynced') on the result still loses the rest.
// Faults:
//   armCrash({ afterBytes, afterOps })  the write that crosses the byte budget is torn at it
//                    (only its first bytes land), then every later call fails with ECRASHED;
//                    the op budget crashes before the n-th mutating call instead.
//   failSyncs(pred)  datasync/syncDir on matching paths fail with EIO. Like Linux, the failed
//                    sync loses the dirty bytes for good: a later "successful" sync persists
//                    zeros in their place, so retrying is never safe.
import { posix } from 'node:path';
import { fsError } from './file-system.js';
import type { FileHandle, FileSystem, OpenMode } from './file-system.js';

class Inode {
  data = Buffer.alloc(0);
  length = 0;
  synced = Buffer.alloc(0);
  /** Bytes below this length whose dirty pages a failed sync threw away (persist as zeros). */
  lostUpTo = 0;
  lostFrom = 0;

  view(): Buffer {
    return this.data.subarray(0, this.length);
  }

  ensure(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = Buffer.alloc(Math.max(capacity, this.data.length * 2, 256));
    this.data.copy(next, 0, 0, this.length);
    this.data = next;
  }
}

class Dir {
  entries = new Map<string, Inode | Dir>();
  synced = new Map<string, Inode | Dir>();
}

export type CrashMode = 'drop-unsynced' | 'keep-written' | 'process-killed';

export interface CrashPlan {
  /** Crash inside the write that crosses this many bytes written (counted from arming). */
  afterBytes?: number;
  /** Crash before this many more mutating calls have run. */
  afterOps?: number;
}

class MemoryFileHandle implements FileHandle {
  private closed = false;
  constructor(
    private readonly fsys: MemoryFileSystem,
    readonly path: string,
    private readonly inode: Inode,
    private readonly writable: boolean,
  ) {}

  private check(): void {
    if (this.closed) throw fsError('EBADF', `${this.path} is closed`);
  }

  async writev(chunks: readonly Uint8Array[], position: number): Promise<void> {
    this.check();
    if (!this.writable) throw fsError('EBADF', `${this.path} is read-only`);
    let total = 0;
    for (const c of chunks) total += c.byteLength;
    const allowed = this.fsys.beginWrite(total);
    const ino = this.inode;
    ino.ensure(position + total);
    if (position > ino.length) ino.data.fill(0, ino.length, position);
    let pos = position;
    let left = allowed;
    for (const c of chunks) {
      if (left <= 0) break;
      const n = Math.min(left, c.byteLength);
      ino.data.set(n === c.byteLength ? c : c.subarray(0, n), pos);
      pos += n;
      left -= n;
    }
    ino.length = Math.max(ino.length, pos);
    if (allowed < total) this.fsys.crashNow();
    await Promise.resolve();
  }

  async read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    this.check();
    this.fsys.checkAlive();
    const n = Math.max(0, Math.min(length, this.inode.length - position));
    if (n > 0) buf.set(this.inode.data.subarray(position, position + n), offset);
    await Promise.resolve();
    return n;
  }

  async datasync(): Promise<void> {
    this.check();
    this.fsys.beginOp();
    const ino = this.inode;
    if (this.fsys.shouldFailSync(this.path)) {
      // Linux drops the dirty pages and reports the error once.
      ino.lostFrom = Math.min(ino.synced.length, ino.length);
      ino.lostUpTo = ino.length;
      throw fsError('EIO', `datasync ${this.path} failed (injected)`);
    }
    ino.synced = Buffer.from(ino.view());
    if (ino.lostUpTo > ino.lostFrom) {
      ino.synced.fill(0, ino.lostFrom, Math.min(ino.lostUpTo, ino.synced.length));
      ino.lostUpTo = ino.lostFrom = 0;
    }
    // A sync is the slow call: yield a macrotask so concurrent writers can queue behind it.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async truncate(size: number): Promise<void> {
    this.check();
    this.fsys.beginOp();
    const ino = this.inode;
    ino.ensure(size);
    if (size > ino.length) ino.data.fill(0, ino.length, size);
    ino.length = size;
    await Promise.resolve();
  }

  async size(): Promise<number> {
    this.check();
    this.fsys.checkAlive();
    return this.inode.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class MemoryFileSystem implements FileSystem {
  private root = new Dir();
  private crashed = false;
  private byteBudget = Infinity;
  private opBudget = Infinity;
  private syncFailure: ((path: string) => boolean) | null = null;
  /** Mutating calls and bytes written since creation (tests size their sweeps with these). */
  opsRun = 0;
  bytesWritten = 0;

  armCrash(plan: CrashPlan): void {
    this.byteBudget = plan.afterBytes ?? Infinity;
    this.opBudget = plan.afterOps ?? Infinity;
  }

  failSyncs(pred: ((path: string) => boolean) | null): void {
    this.syncFailure = pred;
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  /** Stops the "machine": every later call fails with ECRASHED. */
  crashNow(): void {
    this.crashed = true;
  }

  /** The filesystem found after power returns (see the header for the two modes). */
  restartAfterCrash(mode: CrashMode): MemoryFileSystem {
    this.crashed = true;
    const next = new MemoryFileSystem();
    const copied = new Map<Inode, Inode>();
    const copiedDirs = new Map<Dir, Dir>();
    const copyNode = (node: Inode | Dir): Inode | Dir => {
      if (node instanceof Dir) return copyDir(node);
      let ino = copied.get(node);
      if (!ino) {
        ino = new Inode();
        const img = mode === 'drop-unsynced' ? node.synced : node.view();
        ino.data = Buffer.from(img);
        ino.length = img.length;
        // A killed process leaves the page cache to the kernel: the files hold what was written, the disk what was synced.
        ino.synced = Buffer.from(mode === 'process-killed' ? node.synced : img);
        copied.set(node, ino);
      }
      return ino;
    };
    const copyDir = (d: Dir): Dir => {
      const known = copiedDirs.get(d);
      if (known) return known;
      const out = new Dir();
      copiedDirs.set(d, out);
      for (const [name, node] of mode === 'drop-unsynced' ? d.synced : d.entries) out.entries.set(name, copyNode(node));
      if (mode === 'process-killed') for (const [name, node] of d.synced) out.synced.set(name, copyNode(node));
      else for (const [name, node] of out.entries) out.synced.set(name, node);
      return out;
    };
    next.root = copyDir(this.root);
    return next;
  }

  checkAlive(): void {
    if (this.crashed) throw fsError('ECRASHED', 'simulated power failure');
  }

  beginOp(): void {
    this.checkAlive();
    this.opsRun++;
    if (--this.opBudget < 0) {
      this.crashed = true;
      this.checkAlive();
    }
  }

  /** Accounts a write of `n` bytes; returns how many of them land before a planned crash. */
  beginWrite(n: number): number {
    this.beginOp();
    const allowed = Math.max(0, Math.min(n, this.byteBudget));
    this.byteBudget -= allowed;
    this.bytesWritten += allowed;
    if (allowed < n && allowed === 0) {
      this.crashed = true;
      this.checkAlive();
    }
    return allowed;
  }

  shouldFailSync(path: string): boolean {
    return this.syncFailure !== null && this.syncFailure(path);
  }

  private lookup(path: string): Inode | Dir | undefined {
    let node: Inode | Dir = this.root;
    for (const part of split(path)) {
      if (!(node instanceof Dir)) return undefined;
      const child: Inode | Dir | undefined = node.entries.get(part);
      if (!child) return undefined;
      node = child;
    }
    return node;
  }

  private parentOf(path: string): { dir: Dir; name: string } {
    const norm = posix.resolve('/', path);
    const dir = this.lookup(posix.dirname(norm));
    if (!(dir instanceof Dir)) throw fsError('ENOENT', `no directory for ${path}`);
    return { dir, name: posix.basename(norm) };
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.checkAlive();
    let node = this.lookup(path);
    if (!node) {
      if (mode !== 'create') throw fsError('ENOENT', path);
      this.beginOp();
      const { dir, name } = this.parentOf(path);
      node = new Inode();
      dir.entries.set(name, node);
    }
    if (node instanceof Dir) throw fsError('EISDIR', path);
    return new MemoryFileHandle(this, path, node, mode !== 'read');
  }

  async readFile(path: string): Promise<Buffer> {
    this.checkAlive();
    const node = this.lookup(path);
    if (!node) throw fsError('ENOENT', path);
    if (node instanceof Dir) throw fsError('EISDIR', path);
    return Buffer.from(node.view());
  }

  async mkdir(path: string): Promise<void> {
    this.checkAlive();
    let node: Dir = this.root;
    for (const part of split(path)) {
      let child = node.entries.get(part);
      if (!child) {
        this.beginOp();
        child = new Dir();
        node.entries.set(part, child);
      }
      if (!(child instanceof Dir)) throw fsError('ENOTDIR', path);
      node = child;
    }
  }

  async readdir(path: string): Promise<string[]> {
    this.checkAlive();
    const node = this.lookup(path);
    if (!(node instanceof Dir)) throw fsError('ENOENT', path);
    return [...node.entries.keys()];
  }

  async rename(from: string, to: string): Promise<void> {
    this.beginOp();
    const src = this.parentOf(from);
    const node = src.dir.entries.get(src.name);
    if (!node) throw fsError('ENOENT', from);
    const dst = this.parentOf(to);
    src.dir.entries.delete(src.name);
    dst.dir.entries.set(dst.name, node);
  }

  async unlink(path: string): Promise<void> {
    this.beginOp();
    const { dir, name } = this.parentOf(path);
    const node = dir.entries.get(name);
    if (!node) throw fsError('ENOENT', path);
    if (node instanceof Dir) throw fsError('EISDIR', path);
    dir.entries.delete(name);
  }

  async removeTree(path: string): Promise<void> {
    this.beginOp();
    const norm = posix.resolve('/', path);
    if (!this.lookup(norm)) return;
    const { dir, name } = this.parentOf(norm);
    dir.entries.delete(name);
  }

  async exists(path: string): Promise<boolean> {
    this.checkAlive();
    return this.lookup(path) !== undefined;
  }

  async isDirectory(path: string): Promise<boolean> {
    this.checkAlive();
    return this.lookup(path) instanceof Dir;
  }

  async syncDir(path: string): Promise<void> {
    this.beginOp();
    const node = this.lookup(path);
    if (!(node instanceof Dir)) throw fsError('ENOENT', path);
    if (this.shouldFailSync(path)) throw fsError('EIO', `syncDir ${path} failed (injected)`);
    node.synced = new Map(node.entries);
  }
}

function split(path: string): string[] {
  return posix.resolve('/', path).split('/').filter((p) => p.length > 0);
}
