// The small filesystem interface every storage module goes through. Two implementations:
// NodeFileSystem (the real disk) and MemoryFileSystem (in memory, with torn writes, failed
// fsyncs and power-failure crashes injected for tests). Keeping the surface this small is what
// makes the in-memory model faithful: each call below has one clearly defined crash behaviour.
//
// Durability contract (POSIX, as both implementations model it):
// - written bytes survive a crash only after `datasync()` on that file succeeded;
// - a new, renamed or removed directory entry survives only after `syncDir()` on its directory;
// - a failed `datasync()` may have dropped the dirty data: it must never be retried as if the
//   data were still there (Linux marks the pages clean; see PostgreSQL's "fsyncgate", 2018).

export interface FileHandle {
  readonly path: string;
  /** Writes every chunk, in order, starting at `position` (one writev; loops on short writes). */
  writev(chunks: readonly Uint8Array[], position: number): Promise<void>;
  /**
   * writev() done on the calling thread when this file system writes such a write synchronously
   * anyway (NodeFileSystem: small writes go to the page cache at once): true once every chunk is
   * written; false when nothing was written and writev() must be used. Optional: an append that
   * can skip the promise and its microtask hop uses it (log-segment.ts appendChunks).
   */
  writevNow?(chunks: readonly Uint8Array[], position: number): boolean;
  /** Reads up to `length` bytes at file `position` into `buf[offset..]`; returns the count read (0 at EOF). */
  read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** fdatasync: file data (and the size) reach stable storage. */
  datasync(): Promise<void>;
  truncate(size: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export type OpenMode =
  | 'read' // existing file, read only
  | 'readwrite' // existing file, read and write
  | 'create'; // read and write; created empty if missing (not truncated if present)

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** Whole-file read (small files: metadata, checkpoints, indexes). */
  readFile(path: string): Promise<Buffer>;
  /** Creates the directory and any missing parents. */
  mkdir(path: string): Promise<void>;
  /** Entry names of a directory (unsorted). */
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a directory tree (no error if missing). */
  removeTree(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  isDirectory(path: string): Promise<boolean>;
  /** fsync of a directory: makes its entries (creates, renames, unlinks) durable. */
  syncDir(path: string): Promise<void>;
}

/** An error with a Node-style errno code, as both implementations throw. */
export function fsError(code: string, message: string): Error & { code: string } {
  const e = new Error(`${code}: ${message}`) as Error & { code: string };
  e.code = code;
  return e;
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
