// The public types of PartitionLog's API (options and results), kept apart from the class so the
// class file holds behaviour only. Re-exported by partition-log.ts and index.ts.
import type { Logger } from '../util/logger.js';
import type { CleaningReason } from './cleaning-schedule.js';
import type { FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import type { CompactionResult } from './log-cleaner.js';
import type { StateRebuilderFactory } from './state-rebuild.js';

export type HighWatermarkPolicy = 'durable' | 'written';

export interface PartitionLogOptions {
  fs: FileSystem;
  /** The partition directory, `<data-dir>/<topic>-<partition>`. */
  dir: string;
  config: LogConfig;
  /** True when the data dir had the clean-shutdown marker (skip recovery). */
  cleanShutdown?: boolean;
  now?: () => number;
  logger?: Logger;
  highWatermarkPolicy?: HighWatermarkPolicy;
  /** Bytes of recent appends served from memory (default 1 MiB; 0 disables). */
  tailCacheBytes?: number;
  /** Told the duration (ms) of every fdatasync round. */
  syncObserver?: ((ms: number) => void) | undefined;
  /** After an unclean stop, rebuilds the owner's state in recovery's pass over the log (state-rebuild.ts). */
  stateRebuilder?: StateRebuilderFactory | undefined;
}

export interface AppendOptions {
  /** Acknowledge only after fdatasync (acks=all). */
  durable: boolean;
  /**
   * The caller verified these very bytes' CRC-32C just before (the produce path's validation): the log
   * skips its own CRC pass (framing and sizes are still checked). CRC once per batch, not twice.
   */
  crcChecked?: boolean;
  /**
   * Called once the append's bytes are written (offsets assigned, visible under the 'written'
   * high-watermark policy), synchronously with the write's completion: before a durable append's
   * fdatasync, which its promise waits for, and before any reader can have read the bytes back. AMQP
   * confirms a message consumed and acknowledged in that gap without waiting for the sync
   * (unsynced-publishes.ts), and keeps the messages it just wrote for their delivery.
   */
  onWritten?: (result: AppendResult) => void;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The LogAppendTime stamped on the batches, or -1 under CreateTime. */
  logAppendTimeMs: number;
}

export type ReadResult =
  | {
      kind: 'records';
      chunks: Buffer[];
      bytes: number;
      nextOffset: number;
      highWatermark: number;
      logStartOffset: number;
      /** Gives pooled read buffers back (ReadOptions.pooled); a no-op otherwise. Call at most once. */
      release: () => void;
    }
  | { kind: 'offset-out-of-range'; logStartOffset: number; logEndOffset: number; highWatermark: number };

export interface ReadOptions {
  /** Serve up to the high watermark (consumers, default) or the log end offset. */
  upTo?: 'high-watermark' | 'log-end';
  /** Serve no batch whose base offset is >= this (READ_COMMITTED reads stop at the last stable offset). */
  maxOffset?: number;
  /**
   * Read from disk into buffers of the shared read pool (read-buffers.ts) instead of fresh ones. The
   * caller must call the result's `release()` once nothing refers to its chunks any more (Fetch: when
   * the response is with the OS); forgetting it only costs a reallocation, never correctness.
   */
  pooled?: boolean;
}

export interface RetentionResult {
  segmentsDeleted: number;
  bytesDeleted: number;
}

export type { CompactionResult } from './log-cleaner.js';

/** One compaction pass: why it ran and what it did. */
export interface CompactionPass extends CompactionResult {
  reason: CleaningReason;
  dirtyRatio: number;
}
