// Fetch (key 1), v4-17 (v4 is the first that carries v2 record batches; v0-3 clients no longer exist
// against Kafka 4, KIP-896). v13+ names topics by id (KIP-516): unknown ids get UNKNOWN_TOPIC_ID.
//
// READ_COMMITTED (isolation 1) reads stop at each partition's last stable offset and carry the aborted
// transactions overlapping the data returned (KIP-98, fetch/partition-reader.ts).
//
// Long poll: read every partition once; answer at once when the data reaches min_bytes, max_wait_ms is
// 0, or a partition has an error; otherwise park on the partitions read (fetch/fetch-waiters.ts), and
// read again when one of them advances its high watermark, until min_bytes or the deadline. A fetch
// at every partition's high watermark (a consumer keeping up) parks before its first read: there is
// nothing to read, and the read would only make garbage (fetch/partition-reader.ts caughtUpPartitions). A park ends
// at once when the client's connection closes (ctx.signal), as Kafka's purgatory drops the request.
//
// Fetch sessions (KIP-227) are declined: a full fetch (session id 0, epoch -1 or 0) is answered with
// session id 0, which tells the client the broker keeps no session, as Kafka does when its session
// cache is full. An incremental fetch for a session id (we never hand one out) gets
// FETCH_SESSION_ID_NOT_FOUND, and session id 0 with any other epoch INVALID_FETCH_SESSION_EPOCH, so the
// client falls back to full fetches.
//
// Memory (docs/limits.md): the response is sized before anything is read. max_bytes is capped by the
// broker's fetch.max.bytes (Kafka's broker config), and the request then reserves up to that much from
// its connection's and the broker's memory budgets (ctx.memory; never waits). Storage is read only up
// to what was granted (at least one whole batch when anything was granted, KIP-74), so the budgets
// hold for responses built from stored data; a fetch granted nothing answers without records after
// max_wait_ms. A parked long poll gives back what it did not fill and each round tops it up again.
// A batch larger than the grant (KIP-74) is kept only if the budgets can take the excess, or if the
// fetch is all its connection holds; otherwise it is dropped and fetched again later.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { FetchRequest } from '../../protocol/messages/fetch.js';
import { lookupPartition } from '../topics/partition-lookup.js';
import { caughtUpPartitions, readPartitions, type PartitionRead, type PartitionToRead, type ReadRound } from '../fetch/partition-reader.js';
import { ZERO_UUID } from '../topics/topic-ids.js';
import { defineHandler, type RequestContext } from './handler.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';

const FIRST_TOPIC_ID_VERSION = 13;

interface TopicToRead {
  name: string;
  topicId: string;
  partitions: PartitionToRead[];
}

export default defineHandler({
  api: apis.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    if (request.sessionId !== 0 || (request.sessionEpoch !== -1 && request.sessionEpoch !== 0)) {
      const errorCode = request.sessionId !== 0 ? ErrorCode.FETCH_SESSION_ID_NOT_FOUND : ErrorCode.INVALID_FETCH_SESSION_EPOCH;
      return { throttleTimeMs: 0, errorCode, sessionId: 0, responses: [] };
    }
    const topics = resolveTopics(ctx, request, v >= FIRST_TOPIC_ID_VERSION);
    // A loop, not flatMap: flatMap with its closure was the handler's costliest line in a CPU profile.
    const flat: PartitionToRead[] = [];
    for (const t of topics) for (const p of t.partitions) flat.push(p);
    const deadline = Date.now() + request.maxWaitMs;
    const planned = plannedBytes(flat, Math.min(request.maxBytes, ctx.broker.config.getNumber('fetch.max.bytes')));
    let granted = 0;
    const reserve = (): number => {
      if (granted < planned) granted += ctx.memory ? ctx.memory.reserveUpTo(planned - granted) : planned - granted;
      return granted;
    };
    const read = async (): Promise<ReadRound> => {
      const limit = reserve();
      const r = await readPartitions(flat, limit, request.isolationLevel, ctx.broker.producers.transactions, ctx.broker.readAhead);
      if (r.bytes > limit && ctx.memory && !ctx.memory.takeExcess(r.bytes - limit)) dropRecords(r);
      else if (r.bytes > limit) granted = r.bytes;
      return r;
    };
    // The answer's records are views of pooled read buffers: they go back once the OS has the bytes.
    // A round replaced by a later one gives its buffers back at once.
    const answer = (r: ReadRound) => {
      if (ctx.afterResponse) ctx.afterResponse(r.release);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: toResponses(topics, r) };
    };
    let round: ReadRound;
    const idle = request.minBytes > 0 ? caughtUpPartitions(flat) : null;
    if (idle) {
      // Nothing to read yet: park first, read once woken (or at the deadline).
      const reason = await ctx.broker.fetchWaiters.wait(idle, deadline - Date.now(), ctx.signal);
      round = await read();
      if (reason !== 'appended') {
        ctx.broker.metrics.fetched(topics, round.partitions);
        return answer(round);
      }
    } else round = await read();
    while (round.bytes < request.minBytes && !round.hasError && round.watched.length > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      // Parked, the fetch holds only what it has read: idle long polls must not starve the others.
      if (granted > round.bytes) {
        ctx.memory?.giveBack(granted - round.bytes);
        granted = round.bytes;
      }
      const reason = await ctx.broker.fetchWaiters.wait(round.watched, remaining, ctx.signal);
      if (reason === 'closed' || reason === 'cancelled') break;
      round.release();
      round = await read();
      if (reason === 'timeout') break;
    }
    ctx.broker.metrics.fetched(topics, round.partitions);
    return answer(round);
  },
});

/**
 * Takes the records out of a round whose one oversized batch (KIP-74) the budgets cannot hold; the
 * client fetches it again once its earlier responses are read.
 */
function dropRecords(round: ReadRound): void {
  round.release();
  for (const p of round.partitions) p.records = [];
  round.bytes = 0;
}

/** The most record bytes this fetch can return: max_bytes, or less when its partitions ask for less. */
function plannedBytes(parts: readonly PartitionToRead[], maxBytes: number): number {
  let sum = 0;
  for (const p of parts) if (p.log) sum += Math.max(0, p.partitionMaxBytes);
  return Math.max(0, Math.min(maxBytes, sum));
}

function resolveTopics(ctx: RequestContext, request: FetchRequest, byId: boolean): TopicToRead[] {
  const { broker } = ctx;
  return request.topics.map((t) => {
    const name = byId ? broker.topics.nameForId(t.topicId) : t.topic;
    // ACLs: READ on the topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (KafkaApis.handleFetchRequest).
    const denied = name !== undefined && !authorize(ctx, AclOperation.READ, 'topic', name);
    return {
      name: name ?? '',
      topicId: byId ? t.topicId : ZERO_UUID,
      partitions: t.partitions.map((p): PartitionToRead => {
        const found = name === undefined ? { log: null, errorCode: ErrorCode.UNKNOWN_TOPIC_ID } : denied ? { log: null, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED } : lookupPartition(broker, name, p.partition);
        return {
          partition: p.partition,
          log: found.log,
          errorCode: found.errorCode,
          fetchOffset: Number(p.fetchOffset),
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
        };
      }),
    };
  });
}

function toResponses(topics: readonly TopicToRead[], round: ReadRound) {
  let i = 0;
  const out: { topic: string; topicId: string; partitions: PartitionRead[] }[] = [];
  for (const t of topics) {
    const partitions: PartitionRead[] = [];
    for (let n = 0; n < t.partitions.length; n++) partitions.push(round.partitions[i++]!);
    out.push({ topic: t.name, topicId: t.topicId, partitions });
  }
  return out;
}
