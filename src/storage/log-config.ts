// The per-partition log configuration, resolved from Kafka's config names: a topic override
// (`segment.bytes`, ...) wins over the broker default (`log.segment.bytes`, ...), which wins over
// Kafka's built-in default. Values arrive as strings (as in CreateTopics/AlterConfigs) or numbers.
import { StorageError } from './storage-error.js';

export type ConfigValues = Readonly<Record<string, string | number>>;

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number; // -1: forever
  retentionBytes: number; // -1: no limit
  indexIntervalBytes: number;
  flushMessages: number; // records between forced flushes (Number.MAX_SAFE_INTEGER: never)
  flushMs: number; // age of unflushed data that forces a flush (Number.MAX_SAFE_INTEGER: never)
  logAppendTime: boolean; // message.timestamp.type=LogAppendTime
  // KIP-937 (Kafka 3.6): how far a CreateTime timestamp may lie before/after the broker's clock on
  // produce (Number.MAX_SAFE_INTEGER, Kafka's Long.MAX_VALUE: unchecked).
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
  maxMessageBytes: number;
  cleanupPolicy: string; // 'delete' | 'compact' | 'compact,delete' (retention applies when it includes delete)
  // Derived from cleanupPolicy when the config is resolved, because the produce path asks for every batch.
  compacted: boolean; // the policy includes `compact`
  deleteRetention: boolean; // the policy includes `delete`: time/size retention applies
  // Compaction (see log-cleaner.ts); Kafka's names and defaults.
  minCleanableDirtyRatio: number; // min.cleanable.dirty.ratio, 0..1
  minCompactionLagMs: number; // records younger than this are never compacted
  maxCompactionLagMs: number; // a dirty record older than this forces a clean regardless of the ratio
  deleteRetentionMs: number; // how long a cleaned tombstone stays readable (the delete horizon)
  segmentJitterMs: number; // segment.jitter.ms: random reduction of segment.ms per segment
  segmentIndexBytes: number; // segment.index.bytes: a segment rolls when its offset or time index would outgrow this
  // compression.type: 'producer' stores batches as sent; a codec name (or 'uncompressed') makes the broker
  // re-encode batches compressed otherwise (the broker's produce path does it, storage only carries the value).
  compressionType: string;
  minInsyncReplicas: number; // min.insync.replicas: acks=all needs this many in-sync replicas (one node has one)
}

const NEVER = Number.MAX_SAFE_INTEGER;

interface Key {
  topic: string;
  // The broker key this falls back to. Unit variants (log.retention.hours, log.roll.hours) are folded
  // into the ms key by the broker's config layer before values reach storage: one place decides.
  broker: string;
  fallback: string;
  kind: 'int' | 'double' | 'string';
  min?: number;
  max?: number;
}

type DerivedField = 'compacted' | 'deleteRetention';

const keys: Record<Exclude<keyof LogConfig, DerivedField>, Key> = {
  segmentBytes: { topic: 'segment.bytes', broker: 'log.segment.bytes', fallback: '1073741824', kind: 'int', min: 14 },
  segmentMs: { topic: 'segment.ms', broker: 'log.roll.ms', fallback: '604800000', kind: 'int', min: 1 },
  retentionMs: {
    topic: 'retention.ms',
    broker: 'log.retention.ms',
    fallback: '604800000',
    kind: 'int',
    min: -1,
  },
  retentionBytes: { topic: 'retention.bytes', broker: 'log.retention.bytes', fallback: '-1', kind: 'int', min: -1 },
  indexIntervalBytes: { topic: 'index.interval.bytes', broker: 'log.index.interval.bytes', fallback: '4096', kind: 'int', min: 0 },
  flushMessages: { topic: 'flush.messages', broker: 'log.flush.interval.messages', fallback: String(NEVER), kind: 'int', min: 1 },
  flushMs: { topic: 'flush.ms', broker: 'log.flush.interval.ms', fallback: String(NEVER), kind: 'int', min: 0 },
  logAppendTime: { topic: 'message.timestamp.type', broker: 'log.message.timestamp.type', fallback: 'CreateTime', kind: 'string' },
  timestampBeforeMaxMs: { topic: 'message.timestamp.before.max.ms', broker: 'log.message.timestamp.before.max.ms', fallback: String(NEVER), kind: 'int', min: 0 },
  timestampAfterMaxMs: { topic: 'message.timestamp.after.max.ms', broker: 'log.message.timestamp.after.max.ms', fallback: String(NEVER), kind: 'int', min: 0 },
  maxMessageBytes: { topic: 'max.message.bytes', broker: 'message.max.bytes', fallback: '1048588', kind: 'int', min: 0 },
  cleanupPolicy: { topic: 'cleanup.policy', broker: 'log.cleanup.policy', fallback: 'delete', kind: 'string' },
  minCleanableDirtyRatio: { topic: 'min.cleanable.dirty.ratio', broker: 'log.cleaner.min.cleanable.ratio', fallback: '0.5', kind: 'double', min: 0, max: 1 },
  minCompactionLagMs: { topic: 'min.compaction.lag.ms', broker: 'log.cleaner.min.compaction.lag.ms', fallback: '0', kind: 'int', min: 0 },
  maxCompactionLagMs: { topic: 'max.compaction.lag.ms', broker: 'log.cleaner.max.compaction.lag.ms', fallback: String(NEVER), kind: 'int', min: 1 },
  deleteRetentionMs: { topic: 'delete.retention.ms', broker: 'log.cleaner.delete.retention.ms', fallback: '86400000', kind: 'int', min: 0 },
  segmentJitterMs: { topic: 'segment.jitter.ms', broker: 'log.roll.jitter.ms', fallback: '0', kind: 'int', min: 0 },
  segmentIndexBytes: { topic: 'segment.index.bytes', broker: 'log.index.size.max.bytes', fallback: '10485760', kind: 'int', min: 4 },
  compressionType: { topic: 'compression.type', broker: 'compression.type', fallback: 'producer', kind: 'string' },
  minInsyncReplicas: { topic: 'min.insync.replicas', broker: 'min.insync.replicas', fallback: '1', kind: 'int', min: 1 },
};

/** Topic-level config names this module understands (others are stored and returned untouched). */
export const topicConfigNames: readonly string[] = Object.values(keys).map((k) => k.topic);

function parseDouble(name: string, raw: string | number, min: number | undefined, max: number | undefined): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
    throw new StorageError('invalid-config', `invalid value ${JSON.stringify(raw)} for ${name}`);
  }
  return n;
}

function parseInt64(name: string, raw: string | number, min: number | undefined): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || !Number.isInteger(n) || (min !== undefined && n < min)) {
    throw new StorageError('invalid-config', `invalid value ${JSON.stringify(raw)} for ${name}`);
  }
  // Kafka's Long.MAX_VALUE ("never") does not fit a double exactly: clamp.
  return Math.min(n, NEVER);
}

/** Resolves a LogConfig; throws StorageError('invalid-config') on a bad value. */
export function resolveLogConfig(brokerDefaults: ConfigValues, topicOverrides: ConfigValues): LogConfig {
  const out: Record<string, number | boolean | string> = {};
  for (const [field, key] of Object.entries(keys) as [Exclude<keyof LogConfig, DerivedField>, Key][]) {
    let raw: string | number = key.fallback;
    let name = key.topic;
    if (topicOverrides[key.topic] !== undefined) raw = topicOverrides[key.topic]!;
    else if (brokerDefaults[key.broker] !== undefined) {
      name = key.broker;
      raw = brokerDefaults[name]!;
    }
    if (field === 'logAppendTime') {
      if (raw !== 'CreateTime' && raw !== 'LogAppendTime') throw new StorageError('invalid-config', `invalid value ${JSON.stringify(raw)} for ${name}`);
      out[field] = raw === 'LogAppendTime';
    } else if (key.kind === 'string') out[field] = String(raw);
    else if (key.kind === 'double') out[field] = parseDouble(name, raw, key.min, key.max);
    else {
      out[field] = parseInt64(name, raw, key.min);
    }
  }
  const policy = String(out.cleanupPolicy)
    .split(',')
    .map((x) => x.trim());
  out.compacted = policy.includes('compact');
  out.deleteRetention = policy.includes('delete');
  return out as unknown as LogConfig;
}

/** Checks topic overrides by resolving them (throws StorageError('invalid-config')). */
export function validateTopicConfig(overrides: ConfigValues): void {
  resolveLogConfig({}, overrides);
}

/**
 * The segment age that forces a roll: segment.ms, capped by max.compaction.lag.ms on compacted
 * topics so records cannot stay in the never-cleaned active segment longer than that (Kafka's
 * LogConfig.maxSegmentMs, KIP-354).
 */
export function maxSegmentMs(config: LogConfig): number {
  return config.compacted ? Math.min(config.segmentMs, config.maxCompactionLagMs) : config.segmentMs;
}
