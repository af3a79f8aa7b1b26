// ShareFetch (KIP-932; Kafka's KafkaApis.handleShareFetchRequest, SharePartitionManager and
// DelayedShareFetch): piggy-backed acknowledgements first, then acquisition from every partition of
// the member's share session, long-polling until something is acquired or max_wait_ms passes.
//
//   1. the share session context (share-sessions.ts): open (epoch 0), continue (epoch n) or final
//      (epoch -1: acknowledgements only, then the session closes and the member's remaining
//      acquisitions are released);
//   2. acknowledgements, answered per partition in AcknowledgeErrorCode once durable;
//   3. for each session partition in turn (partitions that returned data rotate to the back): open
//      its share-partition (created at share.auto.offset.reset), follow the log start, read the log
//      from the next fetch offset -- stopping at the last stable offset and skipping aborted
//      transactions under share.isolation.level=read_committed -- and acquire up to the request's
//      MaxRecords in total, within MaxBytes split evenly across partitions;
//   4. nothing acquired: park (share-fetch-waiter.ts) and try again when woken, until the deadline.
// A full session (epoch 0) answers every partition; an incremental one only those with records,
// errors or acknowledgement results, as Kafka's ShareSessionContext does.
import { ErrorCode } from '../../../protocol/errors.js';
import type { ShareFetchRequest, ShareFetchResponse, ShareFetchResponsePartitionData } from '../../../protocol/messages/share-fetch.js';
import type { MessageInput } from '../../../protocol/primitives/codec.js';
import type { PartitionLog } from '../../../storage/index.js';
import { readWindow, sliceBatches, type CommittedView, type ShareSlot } from '../../queues/index.js';
import type { RequestContext } from '../../handlers/handler.js';
import { acknowledgePartitions, type AckPartitionInput, type AckPartitionResult } from './share-acks.js';
import { waitForShareData } from './share-fetch-waiter.js';
import type { ShareGroupCoordinator } from './share-group-coordinator.js';
import { sessionPartitionKey, type SessionPartition } from './share-sessions.js';
import { abortableDelay } from '../../../util/abortable-delay.js';

type PartitionOut = MessageInput<ShareFetchResponsePartitionData>;
type ResponseOut = MessageInput<ShareFetchResponse>;

interface Target {
  topicId: string;
  partition: number;
  out: PartitionOut;
  log: PartitionLog | null;
  slot: ShareSlot | null;
  topic: string;
}

/** ShareAcquireMode 1 (KIP-1206). */
const RECORD_LIMIT_MODE = 1;
/**
 * Most bytes one acquisition reads from a log (at least one whole batch is read anyway): enough
 * for hundreds of records, without walking megabytes of batch headers per fetch when MaxBytes is
 * large and MaxRecords small.
 */
const READ_CAP_BYTES = 1 << 20;

export function isValidMemberId(memberId: string | null): memberId is string {
  return memberId !== null && memberId.length > 0 && memberId.length <= 36;
}

export async function handleShareFetch(shares: ShareGroupCoordinator, request: ShareFetchRequest, ctx: RequestContext): Promise<ResponseOut> {
  const v = ctx.header.apiVersion;
  const groupId = request.groupId;
  const lockMs = groupId === null ? 0 : shares.configs.getNumber(groupId, 'share.record.lock.duration.ms');
  const topLevel = (errorCode: number, errorMessage: string | null): ResponseOut => ({ throttleTimeMs: 0, errorCode, errorMessage, acquisitionLockTimeoutMs: lockMs, responses: [], nodeEndpoints: [] });
  if (groupId === null) return topLevel(ErrorCode.INVALID_REQUEST, 'Invalid group id in the request.');
  if (!isValidMemberId(request.memberId)) return topLevel(ErrorCode.INVALID_REQUEST, 'Invalid member id in the request.');
  const memberId = request.memberId;
  const renewOnly = v >= 2 && request.isRenewAck;
  if (renewOnly && (request.maxBytes !== 0 || request.minBytes !== 0 || request.maxRecords !== 0 || request.maxWaitMs !== 0)) {
    return topLevel(ErrorCode.INVALID_REQUEST, 'maxBytes, minBytes, maxRecords and maxWaitMs must be set to 0 if isRenewAck is true.');
  }
  const added: SessionPartition[] = [];
  const acks: AckPartitionInput[] = [];
  for (const t of request.topics) {
    for (const p of t.partitions) {
      added.push({ topicId: t.topicId, partition: p.partitionIndex });
      if (p.acknowledgementBatches.length > 0) acks.push({ topicId: t.topicId, partition: p.partitionIndex, batches: p.acknowledgementBatches });
    }
  }
  const forgotten = request.forgottenTopicsData.flatMap((t) => t.partitions.map((partition) => ({ topicId: t.topicId, partition })));
  const context = shares.sessions.fetchContext(groupId, memberId, request.shareSessionEpoch, added, forgotten, acks.length > 0, ctx.connectionId, ctx.signal);
  if (context.kind === 'error') {
    if (context.errorCode === ErrorCode.SHARE_SESSION_LIMIT_REACHED) await abortableDelay(request.maxWaitMs, ctx.signal);
    return topLevel(context.errorCode, context.message);
  }
  const ackResults = acks.length > 0 ? await acknowledgePartitions(ctx.broker, shares, groupId, memberId, acks, v, request.isRenewAck) : [];
  let targets: Target[] = [];
  if (context.kind !== 'final' && !renewOnly && request.maxRecords > 0 && request.maxBytes > 0) {
    targets = await resolveTargets(shares, ctx, groupId, context.session.partitions);
    const served = await fetchRounds(shares, ctx, groupId, memberId, request, targets);
    shares.sessions.rotate(context.session, served);
  }
  if (context.kind === 'final') {
    shares.sessions.close(groupId, memberId);
    await shares.engine.releaseMember(groupId, memberId);
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    acquisitionLockTimeoutMs: lockMs,
    responses: assemble(targets, ackResults, context.kind === 'full', ctx.broker.nodeId),
    nodeEndpoints: [],
  };
}

async function resolveTargets(shares: ShareGroupCoordinator, ctx: RequestContext, groupId: string, partitions: readonly SessionPartition[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const sp of partitions) {
    const out: PartitionOut = { partitionIndex: sp.partition, errorCode: ErrorCode.NONE, errorMessage: null, acknowledgeErrorCode: ErrorCode.NONE, acknowledgeErrorMessage: null, currentLeader: { leaderId: ctx.broker.nodeId, leaderEpoch: 0 }, records: [], acquiredRecords: [] };
    const target: Target = { topicId: sp.topicId, partition: sp.partition, out, log: null, slot: null, topic: '' };
    targets.push(target);
    const topic = ctx.broker.topics.nameForId(sp.topicId);
    if (topic === undefined) {
      out.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
      continue;
    }
    target.topic = topic;
    const log = ctx.broker.logs.getLog(topic, sp.partition);
    if (!log) {
      out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      continue;
    }
    if (log.isOffline) {
      out.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      continue;
    }
    try {
      target.slot = await shares.openPartition(groupId, topic, sp.topicId, sp.partition, log);
      target.log = log;
    } catch (e) {
      out.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      out.errorMessage = e instanceof Error ? e.message : String(e);
    }
  }
  return targets;
}

/** Acquires across the targets, parking until something is acquired or the wait ends; returns the partitions served. */
async function fetchRounds(shares: ShareGroupCoordinator, ctx: RequestContext, groupId: string, memberId: string, request: ShareFetchRequest, targets: Target[]): Promise<Set<string>> {
  const served = new Set<string>();
  const live = targets.filter((t) => t.slot && t.log);
  if (live.length === 0) return served;
  const deadline = Date.now() + request.maxWaitMs;
  const readCommitted = shares.configs.get(groupId, 'share.isolation.level') === 'read_committed';
  // Memory (docs/limits.md), as Fetch: the response's size is reserved from the connection's and the broker's budgets
  // before storage is read, and only what was granted is read. Unlike Fetch, records read are acquired at once, so a
  // batch past the grant (KIP-74: at least one whole batch per partition) is kept rather than dropped: the
  // overshoot is at most one batch per partition, and the response settles to its exact size when encoded.
  const planned = Math.min(request.maxBytes, ctx.broker.config.getNumber('fetch.max.bytes'), READ_CAP_BYTES * live.length);
  let granted = 0;
  for (;;) {
    if (granted < planned) granted += ctx.memory ? ctx.memory.reserveUpTo(planned - granted) : planned - granted;
    if (granted === 0) {
      // Nothing granted: the budgets are full of responses not yet read by their clients. Answer empty at the
      // deadline, as a Fetch granted nothing does; the consumer asks again.
      await abortableDelay(Math.max(0, deadline - Date.now()), ctx.signal);
      return served;
    }
    const perPartitionBytes = Math.max(1, Math.min(READ_CAP_BYTES, Math.floor(granted / live.length)));
    const seen = live.map((t) => ({ log: t.log!, seenHighWatermark: t.log!.highWatermark, slot: t.slot!, seenVersion: t.slot!.version }));
    let recordsLeft = request.maxRecords;
    let bytes = 0;
    // Another fetch on the same share-partition (a pipelined request, another member) may acquire what this one
    // read while the read was in flight. Acquisition wakes no parked fetch, so parking after losing that race
    // would sleep to max_wait_ms beside acquirable records: such a round is retried at once instead.
    let raced = false;
    for (const t of live) {
      if (recordsLeft <= 0) break;
      try {
        await shares.engine.syncLogStart(t.slot!);
        if (!shares.engine.hasAcquirable(t.slot!)) continue;
        const committed = readCommitted ? await committedView(ctx, t.log!) : null;
        const from = shares.engine.nextFetchOffset(t.slot!);
        const read = await readWindow(t.log!, from, readBytesFor(t.log!, recordsLeft, perPartitionBytes), committed);
        if (!read || read.extents.length === 0) continue;
        const ranges = await shares.engine.acquire(t.slot!, memberId, read.extents, {
          maxRecords: recordsLeft,
          batchSize: request.batchSize,
          recordLimit: request.shareAcquireMode === RECORD_LIMIT_MODE,
          now: Date.now(),
        });
        if (ranges.length === 0) {
          if (shares.engine.nextFetchOffset(t.slot!) !== from && shares.engine.hasAcquirable(t.slot!)) raced = true;
          continue;
        }
        t.out.records = sliceBatches(read.chunks, ranges[0]!.first, ranges[ranges.length - 1]!.last);
        t.out.acquiredRecords = ranges.map((r) => ({ firstOffset: BigInt(r.first), lastOffset: BigInt(r.last), deliveryCount: r.deliveryCount }));
        for (const r of ranges) recordsLeft -= r.last - r.first + 1;
        bytes += t.out.records.reduce((n, c) => n + c.length, 0);
        served.add(sessionPartitionKey(t));
      } catch (e) {
        t.out.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
        t.out.errorMessage = e instanceof Error ? e.message : String(e);
      }
    }
    if (bytes > granted) ctx.memory?.takeExcess(bytes - granted);
    if (served.size > 0 && bytes >= request.minBytes) return served;
    if (served.size > 0 || live.some((t) => t.out.errorCode !== ErrorCode.NONE)) return served;
    if (raced && !ctx.signal.aborted) continue;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return served;
    // Parked with nothing read: hold nothing meanwhile, so idle share consumers do not starve the others.
    ctx.memory?.giveBack(granted);
    granted = 0;
    const reason = await waitForShareData(shares.engine, seen, remaining, ctx.signal);
    if (reason !== 'changed') return served;
  }
}

/**
 * Bytes to read for about `records` records: the log's average record size (with a margin) times
 * the count, between 16 KiB and `limit`. A fetch asking 500 records of a log of small records reads
 * tens of KiB, not the whole MaxBytes share (at least one whole batch is read anyway).
 */
function readBytesFor(log: PartitionLog, records: number, limit: number): number {
  const count = log.logEndOffset - log.logStartOffset;
  const average = count > 0 ? log.sizeInBytes / count : 1024;
  return Math.max(1, Math.min(limit, Math.max(16 * 1024, Math.ceil(records * average * 1.25))));
}

async function committedView(ctx: RequestContext, log: PartitionLog): Promise<CommittedView> {
  const txns = ctx.broker.producers.transactions;
  const state = txns.peek(log) ?? (await txns.get(log));
  return { lastStableOffset: state.lastStableOffset(log.highWatermark), abortedIn: (from, upTo) => state.abortedIn(from, upTo) };
}

function assemble(targets: readonly Target[], acks: readonly AckPartitionResult[], full: boolean, nodeId: number): ResponseOut['responses'] {
  const byTopic = new Map<string, PartitionOut[]>();
  const add = (topicId: string, p: PartitionOut): void => {
    let list = byTopic.get(topicId);
    if (!list) byTopic.set(topicId, (list = []));
    list.push(p);
  };
  const ackByKey = new Map(acks.map((a) => [`${a.topicId}:${a.partition}`, a]));
  for (const t of targets) {
    const ack = ackByKey.get(`${t.topicId}:${t.partition}`);
    if (ack) {
      t.out.acknowledgeErrorCode = ack.errorCode;
      t.out.acknowledgeErrorMessage = ack.errorMessage;
      ackByKey.delete(`${t.topicId}:${t.partition}`);
    }
    const hasRecords = (t.out.acquiredRecords?.length ?? 0) > 0;
    if (full || hasRecords || ack || t.out.errorCode !== ErrorCode.NONE) add(t.topicId, t.out);
  }
  for (const a of ackByKey.values()) {
    add(a.topicId, { partitionIndex: a.partition, errorCode: ErrorCode.NONE, errorMessage: null, acknowledgeErrorCode: a.errorCode, acknowledgeErrorMessage: a.errorMessage, currentLeader: { leaderId: nodeId, leaderEpoch: 0 }, records: [], acquiredRecords: [] });
  }
  return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }));
}
