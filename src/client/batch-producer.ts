// A producer for callers that already group their records by partition (the streams runtime):
// each partition's records become ONE record batch v2 built by Brook's own batch builder, and all
// the batches for one leader go out as ONE Produce v9 request (acks=all) over the library's
// connection to that leader. The library's Producer encodes record by record into many small
// buffers, which in profiles cost more CPU (and GC) than the stream processing itself.
//
// Ordering: a produce() call sends at most one request per leader, so a caller that waits for
// one produce() before starting the next keeps per-partition order (the streams collector does).
// Retries: a retriable Kafka error (leader moved, timeout, not enough replicas) resends only the
// partitions that failed, after a metadata refresh; a connection error resends everything still
// unacknowledged (at-least-once: a request that was written before the connection broke may
// have been appended too). Anything else fails the call with ProduceBatchError.
import { produceV9, Writer, type Connection, type Producer } from '@platformatic/kafka';
import { buildRecordBatch, type BatchOptions } from '../protocol/records/batch-builder.js';
import type { RecordInput } from '../protocol/records/record.js';

export type { RecordInput } from '../protocol/records/record.js';

export interface PartitionRecords {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly RecordInput[];
}

export interface BatchProducerOptions {
  /** How long the broker may take to acknowledge (acks=all waits for the fsync). */
  timeoutMs?: number;
  /** Resends after a retriable failure before giving up. */
  retries?: number;
  /** Set by TransactionalProducer: batches carry its producer id, epoch and sequences (KIP-98). */
  transaction?: BatchTransaction;
}

/** How a transactional producer stamps the batches this producer builds. */
export interface BatchTransaction {
  readonly transactionalId: string;
  /**
   * Called once per batch as it is built, in send order: the caller advances the partition's
   * sequence by `recordCount`. A resend reuses the built bytes, so the broker sees the same
   * sequence and de-duplicates it (idempotence).
   */
  stamp(topic: string, partition: number, recordCount: number): BatchOptions;
}

export class ProduceBatchError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProduceBatchError';
  }
}

// Kafka error codes worth a resend: the write did not happen, and may succeed after a metadata refresh.
const RETRIABLE = new Set([3 /* UNKNOWN_TOPIC_OR_PARTITION */, 5 /* LEADER_NOT_AVAILABLE */, 6 /* NOT_LEADER_OR_FOLLOWER */, 7 /* REQUEST_TIMED_OUT */, 19 /* NOT_ENOUGH_REPLICAS */, 20 /* NOT_ENOUGH_REPLICAS_AFTER_APPEND */]);
const ACKS_ALL = -1;
/** Well under the default message.max.bytes (1 MiB), so no broker setting needs changing. */
const MAX_BATCH_BYTES = 256 * 1024;

export class BatchProducer {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly transaction: BatchTransaction | undefined;

  /** `client` supplies metadata and connections (its pool); its own send path is not used. */
  constructor(
    private readonly client: Producer,
    options: BatchProducerOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.transaction = options.transaction;
  }

  /**
   * Appends each partition's records as one batch; resolves with each partition's base offset
   * (`${topic}:${partition}` -> offset of its first record) once the broker acknowledged all.
   */
  async produce(parts: readonly PartitionRecords[]): Promise<Map<string, bigint>> {
    // Brook (like Kafka 4) takes one batch per partition per request: a partition with more
    // records than one batch holds sends them in successive rounds, each acknowledged before the
    // next, which keeps its order. Its base offset is the first round's.
    const perPartition = parts.filter((p) => p.records.length > 0).map((p) => ({ topic: p.topic, partition: p.partition, batches: buildBatches(p.records, (n) => this.transaction?.stamp(p.topic, p.partition, n) ?? {}) }));
    const first = new Map<string, bigint>();
    for (let round = 0; ; round++) {
      const batches = perPartition.filter((p) => p.batches.length > round).map((p) => ({ topic: p.topic, partition: p.partition, batch: p.batches[round]! }));
      if (batches.length === 0) return first;
      const bases = await this.produceRound(batches);
      for (const [k, v] of bases) if (!first.has(k)) first.set(k, v);
    }
  }

  private async produceRound(batches: Array<{ topic: string; partition: number; batch: Buffer }>): Promise<Map<string, bigint>> {
    const bases = new Map<string, bigint>();
    let pending = batches;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failed: typeof pending = [];
      let lastError: ProduceBatchError | undefined;
      const metadata = await this.client.metadata({ topics: [...new Set(pending.map((b) => b.topic))], forceUpdate: attempt > 0 });
      const byLeader = new Map<number, typeof pending>();
      for (const b of pending) {
        const leader = metadata.topics.get(b.topic)?.partitions[b.partition]?.leader ?? -1;
        let list = byLeader.get(leader);
        if (!list) byLeader.set(leader, (list = []));
        list.push(b);
      }
      await Promise.all(
        [...byLeader].map(async ([leader, list]) => {
          try {
            if (leader < 0) throw new ProduceBatchError(`no leader known for ${list.map((b) => `${b.topic}-${b.partition}`).join(', ')}`, 5);
            const connection = (await this.client.connectToBrokers([leader])).get(leader);
            if (!connection) throw new ProduceBatchError(`no connection to broker ${leader}`, -1);
            const response = await this.send(connection, list);
            for (const t of response.responses) {
              for (const p of t.partitionResponses) {
                const b = list.find((x) => x.topic === t.name && x.partition === p.index);
                if (!b) continue;
                if (p.errorCode === 0) bases.set(`${b.topic}:${b.partition}`, p.baseOffset);
                else {
                  lastError = new ProduceBatchError(`producing to ${b.topic}-${b.partition} failed with Kafka error ${p.errorCode}${p.errorMessage ? `: ${p.errorMessage}` : ''}`, p.errorCode);
                  if (!RETRIABLE.has(p.errorCode)) throw lastError;
                  failed.push(b);
                }
              }
            }
            for (const b of list) if (!bases.has(`${b.topic}:${b.partition}`) && !failed.includes(b)) failed.push(b); // missing from the answer
          } catch (e) {
            if (e instanceof ProduceBatchError ? !RETRIABLE.has(e.errorCode) : !isRetriableNetworkError(e)) throw e;
            lastError = e instanceof ProduceBatchError ? e : new ProduceBatchError(`producing failed: ${e instanceof Error ? e.message : String(e)}`, -1, { cause: e });
            failed = [...failed, ...list.filter((b) => !bases.has(`${b.topic}:${b.partition}`) && !failed.includes(b))];
          }
        }),
      );
      if (failed.length > 0 && attempt >= this.retries) throw lastError ?? new ProduceBatchError('producing failed', -1);
      if (failed.length > 0) await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      pending = failed;
    }
    return bases;
  }

  private send(connection: Connection, list: readonly { topic: string; partition: number; batch: Buffer }[]): Promise<produceV9.ProduceResponse> {
    const byTopic = new Map<string, Array<{ partition: number; batch: Buffer }>>();
    for (const b of list) {
      let ps = byTopic.get(b.topic);
      if (!ps) byTopic.set(b.topic, (ps = []));
      ps.push(b);
    }
    // Produce v9 body (flexible): transactional_id, acks, timeout_ms, [topic_data: name, [index, records]].
    const payload = () => {
      const w = Writer.create().appendString(this.transaction?.transactionalId ?? null).appendInt16(ACKS_ALL).appendInt32(this.timeoutMs);
      w.appendArray([...byTopic], (tw, [topic, ps]) => {
        tw.appendString(topic).appendArray(ps, (pw, p) => {
          pw.appendInt32(p.partition).appendUnsignedVarInt(p.batch.length + 1).append(p.batch);
        });
      });
      return w.appendTaggedFields();
    };
    return new Promise((resolve, reject) => {
      connection.send(produceV9.api.key, produceV9.api.version, payload, produceV9.parseResponse, true, true, (error, response) => {
        if (!error) return resolve(response as produceV9.ProduceResponse);
        // Per-partition errors arrive as a ResponseError that still carries the parsed response.
        const parsed = (error as { response?: unknown }).response;
        if (isProduceResponse(parsed)) resolve(parsed);
        else reject(error);
      });
    });
  }
}

/**
 * The records as consecutive v2 batches of at most ~MAX_BATCH_BYTES each (the broker rejects a
 * batch over message.max.bytes, 1 MiB by default).
 */
function buildBatches(records: readonly RecordInput[], options: (recordCount: number) => BatchOptions): Buffer[] {
  const batches: Buffer[] = [];
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    bytes += 32 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const h of r.headers ?? []) bytes += 8 + h.key.length * 3 + (h.value?.length ?? 0);
    if (bytes >= MAX_BATCH_BYTES || i === records.length - 1) {
      batches.push(buildRecordBatch(records.slice(from, i + 1), options(i + 1 - from)));
      from = i + 1;
      bytes = 0;
    }
  }
  return batches;
}

function isProduceResponse(v: unknown): v is produceV9.ProduceResponse {
  return typeof v === 'object' && v !== null && Array.isArray((v as { responses?: unknown }).responses);
}

function isRetriableNetworkError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { canRetry?: unknown }).canRetry === true;
}
