// Produce (key 0), v3-11. v0-2 carry the old message formats, which Kafka 4 no longer accepts
// (KIP-896); every current client (librdkafka, kafka-python 2.0.2 against a modern broker, KafkaJS,
// @platformatic/kafka) sends v3+ record batches.
//
// Per partition, in Kafka's order: topic and partition exist and are not internal, the records pass
// Kafka's batch checks (produce-validation.ts; a large batch on a worker thread, with the partition's
// later batches waiting their turn: produce/ordered-validation.ts), transactional batches are verified against the
// transaction coordinator (transactions/transactional-append.ts), idempotent batches go through the
// producer's sequence window (producers/), everything else is appended as is. Only batch headers are
// read: a non-transactional batch pays one attribute-bit test for transactions. A topic whose
// compression.type names a codec gets batches compressed otherwise re-encoded with it
// (topics/topic-compression.ts); under 'producer', the default, batches are stored as sent.
// acks=all needs min.insync.replicas in-sync replicas: one node has one, so a topic asking for more
// answers NOT_ENOUGH_REPLICAS to acks=all, as a one-broker Kafka does (acks=0/1 are not affected).
//
//   acks  when the response is sent                         (docs/ARCHITECTURE.md, Durability)
//   ----  -----------------------------------------------------------------------------
//    0    never (NO_RESPONSE; the append still completes before the next slot is released); if any
//         partition failed, the connection is closed instead, as Kafka does (KafkaApis.handleProduceRequest:
//         the client has no other way to learn of the error; it reconnects and refreshes metadata)
//    1    after the write reached the operating system
//   -1    after fdatasync (group commit with every concurrent durable append)
//   else  INVALID_REQUIRED_ACKS for every partition, nothing written
//
// Limits (docs/limits.md): the records of one partition larger than the topic's segment.bytes get
// RECORD_LIST_TOO_LARGE, as in Kafka (UnifiedLog.append, after the max.message.bytes check); while
// the broker's resource alarm is set (limits/resource-alarm.ts) every partition gets
// NOT_ENOUGH_REPLICAS: retriable and "not persisted" for every client, so producers back off and
// retry without losing or duplicating data while consumers drain memory.
import { ErrorCode, errorName } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { ProduceResponsePartitionProduceResponse, ProduceResponseTopicProduceResponse } from '../../protocol/messages/produce.js';
import type { MessageInput } from '../../protocol/primitives/codec.js';
import { batchIsTransactional, batchProducerId, forEachBatch } from '../../protocol/records/batch-header.js';
import { explainProduceRecords, type ProduceRecordsRejection, type ProduceTimestampPolicy, type ProduceValidationOptions } from '../../protocol/records/produce-validation.js';
import { type LogConfig, type PartitionLog } from '../../storage/index.js';
import type { BrokerState } from '../broker-state.js';
import { errorCodeOf, lookupPartition } from '../topics/partition-lookup.js';
import { isInternalTopic } from '../topics/internal-topics.js';
import { applyTopicCompression } from '../topics/topic-compression.js';
import { appendTransactional } from '../transactions/transactional-append.js';
import type { ValidationTurn } from '../produce/ordered-validation.js';
import { NO_RESPONSE, closeConnection, defineHandler, type CloseConnection } from './handler.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';

type PartitionOut = MessageInput<ProduceResponsePartitionProduceResponse>;

/** LogConfig's clamp of Kafka's Long.MAX_VALUE (storage/log-config.ts). */
const NEVER_MS = Number.MAX_SAFE_INTEGER;

export default defineHandler({
  api: apis.Produce,
  minVersion: 3,
  maxVersion: 11,
  async handle(request, ctx) {
    const { broker, header } = ctx;
    const acks = request.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const responses: (MessageInput<ProduceResponseTopicProduceResponse> & { name: string; partitionResponses: PartitionOut[] })[] = [];
    // Appends still running: each one's promise, and where its answer goes (list and index), so the
    // request waits on one Promise.all without a closure and a promise per partition.
    const pending: Promise<PartitionOut>[] = [];
    const pendingIn: PartitionOut[][] = [];
    const pendingAt: number[] = [];
    // ACLs (KafkaApis.handleProduceRequest): WRITE on the transactional id when there is one, else
    // TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere; WRITE on each topic, else TOPIC_AUTHORIZATION_FAILED.
    const transactionDenied = request.transactionalId != null && !authorize(ctx, AclOperation.WRITE, 'transactional-id', request.transactionalId);
    for (const topic of request.topicData) {
      const partitionResponses: PartitionOut[] = [];
      responses.push({ name: topic.name, partitionResponses });
      const denied = transactionDenied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : authorize(ctx, AclOperation.WRITE, 'topic', topic.name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      for (const pd of topic.partitionData) {
        if (!validAcks) {
          partitionResponses.push(failure(pd.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${acks}`));
        } else if (denied !== ErrorCode.NONE) {
          partitionResponses.push(failure(pd.index, denied, null));
        } else {
          let answer: PartitionOut | Promise<PartitionOut>;
          try {
            answer = producePartition(broker, topic.name, pd.index, pd.records, acks === -1, header.apiVersion);
          } catch (e) {
            // As when it was async: the other partitions still go ahead, and the request fails after them.
            answer = Promise.reject(e);
          }
          if (answer instanceof Promise) {
            pending.push(answer);
            pendingIn.push(partitionResponses);
            pendingAt.push(partitionResponses.length);
            partitionResponses.push(failure(pd.index, ErrorCode.UNKNOWN_SERVER_ERROR, null));
          } else partitionResponses.push(answer);
        }
      }
    }
    if (pending.length > 0) {
      const answers = pending.length === 1 ? [await pending[0]!] : await Promise.all(pending);
      for (let i = 0; i < answers.length; i++) pendingIn[i]![pendingAt[i]!] = answers[i]!;
    }
    if (acks === 0) return failedAcksZero(responses) ?? NO_RESPONSE;
    return { responses, throttleTimeMs: 0 };
  },
});

/** The partition's answer: at once when refused before any append, else once the append is done. */
function producePartition(
  broker: BrokerState,
  topic: string,
  partition: number,
  records: Buffer | null,
  durable: boolean,
  version: number,
): PartitionOut | Promise<PartitionOut> {
  // Kafka refuses client writes to its internal topics with INVALID_TOPIC_EXCEPTION.
  if (isInternalTopic(topic)) return failure(partition, ErrorCode.INVALID_TOPIC_EXCEPTION, `cannot produce to internal topic ${topic}`);
  const found = lookupPartition(broker, topic, partition);
  if (!found.log) return failure(partition, found.errorCode, null);
  const log = found.log;
  if (records === null) return failure(partition, ErrorCode.INVALID_RECORD, 'no records');
  const config = log.logConfig;
  const options: ProduceValidationOptions = {
    maxMessageBytes: config.maxMessageBytes,
    produceVersion: version,
    compactedTopic: config.compacted,
    timestamps: timestampPolicy(config),
  };
  // Large batches are validated on a worker thread; then this partition's later batches wait their
  // turn, so appends keep arrival order (produce/ordered-validation.ts). Small ones, the common
  // case, are validated here and now.
  const turn = broker.produceValidation.turn(log, records, options);
  if (turn === null) return appendValidated(broker, log, topic, partition, records, durable, explainProduceRecords(records, options), null);
  return appendAfterWorker(broker, log, topic, partition, records, durable, turn);
}

/** A large batch: its validation's verdict from the worker thread, then the append in its turn. */
async function appendAfterWorker(broker: BrokerState, log: PartitionLog, topic: string, partition: number, records: Buffer, durable: boolean, turn: ValidationTurn): Promise<PartitionOut> {
  try {
    const rejection = await turn.verdict;
    // Resolves once the append is under way (or refused): from here the partition's next batch may go.
    return await appendValidated(broker, log, topic, partition, records, durable, rejection, turn);
  } finally {
    turn.release(); // on every path; a no-op once the append released it
  }
}

/**
 * Everything after validation. Synchronous up to the append call, which releases `turn` (if any) the
 * moment the batch's place in the log is fixed.
 */
async function appendValidated(
  broker: BrokerState,
  log: PartitionLog,
  topic: string,
  partition: number,
  records: Buffer,
  durable: boolean,
  rejection: ProduceRecordsRejection | null,
  turn: ValidationTurn | null,
): Promise<PartitionOut> {
  const config = log.logConfig;
  if (rejection) {
    broker.logger.debug('rejected produce', { topic, partition, error: rejection.error, reason: rejection.message });
    const legacyMagic = records.length > MAGIC_OFFSET && records[MAGIC_OFFSET] !== 2; // refused before the log is asked
    const answered = failure(partition, ErrorCode[rejection.error], rejection.message);
    return legacyMagic ? answered : withLogStart(answered, log);
  }
  if (durable && config.minInsyncReplicas > 1) {
    return failure(partition, ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the in-sync replica set (1) is insufficient to satisfy min.insync.replicas=${config.minInsyncReplicas} for partition ${topic}-${partition}`);
  }
  if (records.length > config.segmentBytes) {
    return failure(partition, ErrorCode.RECORD_LIST_TOO_LARGE, `Message batch size is ${records.length} bytes in append to partition ${topic}-${partition}, which exceeds the maximum configured segment size of ${config.segmentBytes}.`);
  }
  const alarm = broker.resources.alarm;
  if (alarm.active) return failure(partition, ErrorCode.NOT_ENOUGH_REPLICAS, `The broker is shedding load: ${alarm.reason}.`);
  if (durable) broker.metrics.produceWaiting(1);
  const appendStarts = turn ? (): void => turn.release() : undefined;
  try {
    const produced = records;
    records = applyTopicCompression(records, config.compressionType);
    // Re-encoding can grow a batch (a topic that stores uncompressed): the limit applies to what is stored, as in Kafka.
    if (records !== produced && batchesOver(records, config.maxMessageBytes)) {
      return failure(partition, ErrorCode.MESSAGE_TOO_LARGE, `a batch re-encoded for compression.type=${config.compressionType} exceeds max.message.bytes=${config.maxMessageBytes}`);
    }
    if (batchProducerId(records) >= 0) {
      const outcome = batchIsTransactional(records)
        ? await appendTransactional(broker, log, topic, partition, records, durable, appendStarts)
        : await broker.producers.append(log, records, durable, appendStarts);
      if (outcome.kind === 'rejected') return withLogStart(failure(partition, outcome.errorCode, outcome.message), log);
      if (outcome.kind === 'duplicate') return success(log, partition, outcome.baseOffset, outcome.logAppendTimeMs);
      broker.metrics.produced(topic, records);
      return success(log, partition, outcome.result.baseOffset, outcome.result.logAppendTimeMs);
    }
    // The CRC was checked by explainProduceRecords above (or the batch was just built by us): once is enough.
    const appending = log.append(records, { durable, crcChecked: true });
    appendStarts?.();
    const r = await appending;
    broker.metrics.produced(topic, records);
    return success(log, partition, r.baseOffset, r.logAppendTimeMs);
  } catch (e) {
    return failure(partition, errorCodeOf(e), e instanceof Error ? e.message : String(e));
  } finally {
    if (durable) broker.metrics.produceWaiting(-1);
  }
}

function batchesOver(records: Buffer, maxBytes: number): boolean {
  let over = false;
  forEachBatch(records, 0, records.length, (_pos, size) => {
    if (size > maxBytes) over = true;
  });
  return over;
}

/** Kafka's "error during produce request with ack=0": names each failed partition and its error. */
function failedAcksZero(responses: readonly { name: string; partitionResponses: PartitionOut[] }[]): CloseConnection | null {
  const failed: string[] = [];
  for (const t of responses) {
    for (const p of t.partitionResponses) {
      const code = p.errorCode ?? ErrorCode.NONE;
      if (code !== ErrorCode.NONE) failed.push(`${t.name}-${p.index ?? -1}: ${errorName(code)}${p.errorMessage ? ` (${p.errorMessage})` : ''}`);
    }
  }
  return failed.length === 0 ? null : closeConnection('error during produce request with acks=0', { partitions: failed.join('; ') });
}

/**
 * KIP-937 bounds on CreateTime timestamps (Kafka checks every record, LogValidator.validateTimestamp).
 * Both default to Long.MAX ("never"): then no policy, so the default path walks no timestamps.
 */
function timestampPolicy(config: LogConfig): ProduceTimestampPolicy | undefined {
  if (config.logAppendTime) return undefined;
  if (config.timestampBeforeMaxMs >= NEVER_MS && config.timestampAfterMaxMs >= NEVER_MS) return undefined;
  return { type: 0, now: Date.now(), beforeMaxMs: config.timestampBeforeMaxMs, afterMaxMs: config.timestampAfterMaxMs };
}

function success(log: PartitionLog, index: number, baseOffset: number, logAppendTimeMs: number): PartitionOut {
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: BigInt(baseOffset),
    logAppendTimeMs: BigInt(logAppendTimeMs),
    logStartOffset: BigInt(log.logStartOffset),
    recordErrors: [],
    errorMessage: null,
  };
}

const MAGIC_OFFSET = 16; // record batch v2 header: the magic byte
const WITHOUT_LOG_START: ReadonlySet<number> = new Set([ErrorCode.CORRUPT_MESSAGE, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.KAFKA_STORAGE_ERROR]);

/**
 * Kafka (ReplicaManager.appendToLocalLog) answers an append the log refused (record validation,
 * producer sequence or epoch) with the partition's log start offset; a corrupt or too large batch
 * and a storage failure with -1.
 */
function withLogStart(answered: PartitionOut, log: PartitionLog): PartitionOut {
  return WITHOUT_LOG_START.has(answered.errorCode ?? ErrorCode.NONE) ? answered : { ...answered, logStartOffset: BigInt(log.logStartOffset) };
}

function failure(index: number, errorCode: number, errorMessage: string | null): PartitionOut {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}
