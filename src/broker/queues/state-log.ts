// The share-group state log: an internal topic (__share_group_state, Kafka's name and record
// formats, state-log-codec.ts) whose partitions hold the snapshots and updates of every
// share-partition. A share-partition's records go to partition abs(hash("group:topicId:partition"))
// % partitions, Kafka's ShareCoordinator rule with Java's String.hashCode.
//
// Appends go through the partition log like any produce: a durable append is answered after
// fdatasync, and concurrent appends share one fsync (group commit). The topic uses cleanup.policy
// delete with infinite retention: it is never compacted (a snapshot and the updates after it are
// all needed) but pruned with DeleteRecords below the oldest snapshot still in use
// (state-persister.ts), as Kafka's share coordinator prunes it.
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { CONTROL_FLAG_MASK, batchAttributes, forEachBatch } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { encodeStateKey, type StateKey, type StateKeyRecord } from './state-log-codec.js';

export const SHARE_STATE_TOPIC = '__share_group_state';

/** The settings Kafka creates __share_group_state with (delete policy, kept until pruned). */
export const SHARE_STATE_TOPIC_CONFIGS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
  'segment.bytes': '104857600',
  'compression.type': 'producer',
};

const READ_CHUNK_BYTES = 1 << 20;

/** One record read back, in log order. */
export interface StateLogRecord {
  partition: number;
  offset: number;
  key: Buffer;
  value: Buffer | null;
}

/** What append() keeps of a share-partition's key: the fields it was made from, and its results. */
interface KnownKey extends StateKey {
  logPartition: number;
  /** Encoded record keys by record type (snapshot, update), made on first use. */
  encoded: [Buffer | null, Buffer | null];
}

export class ShareStateLog {
  constructor(
    private readonly logs: LogManager,
    readonly partitions: number,
    /** Creates the topic when it does not exist yet (first use). */
    private readonly ensureTopic: () => Promise<void>,
    /** The internal topic (AMQP queues and MQTT shared subscriptions keep their delivery state in logs of their own). */
    readonly topic: string = SHARE_STATE_TOPIC,
  ) {}

  partitionFor(key: StateKey): number {
    return kafkaAbs(javaStringHashCode(`${key.groupId}:${key.topicId}:${key.partition}`)) % this.partitions;
  }

  ensure(): Promise<void> {
    return this.ensureTopic();
  }

  log(partition: number): PartitionLog {
    const log = this.logs.getLog(this.topic, partition);
    if (!log) throw new Error(`${this.topic}-${partition} is not open`);
    return log;
  }

  /** Appends one record; resolves to its offset (after fdatasync when durable). */
  async append(type: StateKeyRecord['type'], key: StateKey, value: Buffer | null, durable: boolean, now: number): Promise<number> {
    // A share-partition's key object lives as long as it does and is written on every change (an
    // AMQP queue: every delivery turn and acknowledgement): its partition and key bytes are kept.
    let known = this.keys.get(key);
    if (!known || known.groupId !== key.groupId || known.topicId !== key.topicId || known.partition !== key.partition) {
      known = { groupId: key.groupId, topicId: key.topicId, partition: key.partition, logPartition: this.partitionFor(key), encoded: [null, null] };
      this.keys.set(key, known);
    }
    const log = this.log(known.logPartition);
    const recordKey = (known.encoded[type] ??= encodeStateKey(type, key));
    // Built just here, so its CRC is known good: the log does not check it again.
    const r = await log.append(buildRecordBatch([{ key: recordKey, value }], { timestamp: now }), { durable, crcChecked: true });
    return r.baseOffset;
  }

  private readonly keys = new WeakMap<StateKey, KnownKey>();

  /** Every record of every partition, oldest first per partition. */
  async readAll(logger: Logger, each: (r: StateLogRecord) => void): Promise<number> {
    let n = 0;
    for (let p = 0; p < this.partitions; p++) {
      const log = this.logs.getLog(this.topic, p);
      if (!log) continue;
      let offset = log.logStartOffset;
      const end = log.logEndOffset;
      while (offset < end) {
        const r = await log.read(offset, READ_CHUNK_BYTES, { upTo: 'log-end' });
        if (r.kind !== 'records' || r.nextOffset <= offset) break;
        const from = offset;
        for (const chunk of r.chunks) {
          forEachBatch(chunk, 0, chunk.length, (pos) => {
            if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) return;
            try {
              forEachRecord(chunk, pos, (rec) => {
                if (rec.offset < from || rec.key === null) return;
                n++;
                each({ partition: p, offset: rec.offset, key: rec.key, value: rec.value });
              });
            } catch (e) {
              logger.warn('skipping an unreadable __share_group_state batch', { partition: p, error: String(e) });
            }
          });
        }
        offset = r.nextOffset;
      }
    }
    return n;
  }
}

/** Java's String.hashCode over UTF-16 code units, 32-bit. */
function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}
