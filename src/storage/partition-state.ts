// The shared state of one partition log: its segments and the offsets the broker serves from, plus
// the fixed things every part of the log works with (file system, directory, logger, tail cache,
// aborted-transactions index). PartitionLog owns it and its parts read it directly (the read path
// sees it as its ReadView, the sync round and segment deletion move the offsets they own).
//
//   logStartOffset <= highWatermark <= logEndOffset;   recoveryPoint <= logEndOffset
//
// Who writes what (everything else only reads):
//   segments        roll (append turn), segment deletion and compaction swaps (exclusive section);
//                   always replaced by a new array, never mutated in place (readers hold the old one)
//   logEndOffset    the append path, inside the append turn, after a write completed
//   highWatermark   the append path ('written' policy) or a completed sync round ('durable')
//   logStartOffset  DeleteRecords and segment deletion
//   recoveryPoint   sync rounds that finalize rolled segments, and close
//   failure         goOffline, once
import type { Logger } from '../util/logger.js';
import type { FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import type { StorageError } from './storage-error.js';
import type { TailCache } from './tail-cache.js';
import type { TransactionIndex } from './transaction-index.js';

/** What a partition state starts from (PartitionLog.open: the loaded log and its options). */
export interface PartitionStateInit {
  fs: FileSystem;
  dir: string;
  logger: Logger;
  cache: TailCache;
  txnIndex: TransactionIndex;
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  config: LogConfig;
  rollJitterMs: number;
}

export class PartitionState {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly logger: Logger;
  readonly cache: TailCache;
  /** Aborted transactions per segment (transaction-index.ts). */
  readonly txnIndex: TransactionIndex;
  segments: LogSegment[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** Offset below which segments and their indexes are flushed (persisted at rolls and close). */
  recoveryPoint: number;
  config: LogConfig;
  /** segment.jitter.ms drawn for the active segment (Kafka's LogSegment.rollJitterMs). */
  rollJitterMs: number;
  /** The error that took the partition offline, or null while it is healthy. */
  failure: StorageError | null = null;

  constructor(init: PartitionStateInit) {
    this.fs = init.fs;
    this.dir = init.dir;
    this.logger = init.logger;
    this.cache = init.cache;
    this.txnIndex = init.txnIndex;
    this.segments = init.segments;
    this.logStartOffset = init.logStartOffset;
    this.recoveryPoint = init.recoveryPoint;
    this.config = init.config;
    this.rollJitterMs = init.rollJitterMs;
    this.logEndOffset = this.activeSegment.nextOffset;
    this.highWatermark = this.logEndOffset;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }
}
