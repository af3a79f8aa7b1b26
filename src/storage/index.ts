// The public surface of src/storage for the broker.
export { LogManager, CLEAN_SHUTDOWN_FILE, isValidTopicName } from './log-manager.js';
export type { LogManagerOptions, TopicInfo } from './log-manager.js';
export { PartitionLog } from './partition-log.js';
export { scanPartition } from './partition-scan.js';
export type {
  AppendOptions,
  AppendResult,
  CompactionPass,
  CompactionResult,
  HighWatermarkPolicy,
  PartitionLogOptions,
  ReadOptions,
  ReadResult,
  RetentionResult,
} from './partition-log.js';
export type { RecoveryReport } from './log-loader.js';
export { resolveLogConfig, validateTopicConfig, topicConfigNames } from './log-config.js';
export type { ConfigValues, LogConfig } from './log-config.js';
export { StorageError, kafkaErrorCodes } from './storage-error.js';
export type { StorageErrorKind } from './storage-error.js';
export type { TimestampOffset } from './time-index.js';
export type { FileSystem, FileHandle, OpenMode } from './fs/file-system.js';
export { NodeFileSystem } from './fs/node-file-system.js';
export { MemoryFileSystem } from './fs/memory-file-system.js';
export type { CrashMode, CrashPlan } from './fs/memory-file-system.js';
export type { AbortedTxnEntry } from './transaction-index.js';
export type { StateSnapshot } from './state-snapshots.js';
export type { RebuiltState, StateRebuilder, StateRebuilderFactory } from './state-rebuild.js';
