// A minimal scripted Kafka responder for capturing golden request bytes from real clients
// (scripts/capture-golden.ts drives the clients). It is NOT a broker: it stores nothing, answers
// every group request as if this member were alone, and exists only so that clients get far enough
// to send the requests we want to record. Every request frame it receives is handed to `onFrame`
// as raw bytes (int32 size prefix and header included) before it is answered.
//
// Answers (all from the generated codecs):
//   ApiVersions      every API in the registry with its full range; a version above ours gets a v0
//                    UNSUPPORTED_VERSION answer with the key list, so the client retries (KIP-511)
//   Metadata         this responder as node 0; every requested topic exists with 1 partition;
//                    "all topics" lists the topics named so far
//   Produce          success, base offsets increasing per partition (acks=0: no answer)
//   Fetch            at offset 0 one small batch (so group consumers have something to commit),
//                    otherwise empty, after the request's max wait (capped), as a broker would park it
//   ListOffsets      offset 0; FindCoordinator: this responder; InitProducerId: pid 1 epoch 0
//   JoinGroup        v4+ without member id: MEMBER_ID_REQUIRED first (KIP-394); then success with
//                    the member as leader of a group of one
//   SyncGroup        partition 0 of each subscribed topic, as a ConsumerProtocolAssignment v0
//   other APIs       the response's all-defaults value (error code 0 everywhere)
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { apiByKey, apiList, ApiKey, apis, dataStructures } from '../src/protocol/messages/index.js';
import { decodeRequestBody, decodeRequestHeader, encodeResponseFrame, type RequestHeader } from '../src/protocol/headers.js';
import { FrameDecoder } from '../src/protocol/framing.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { encodeMessage, type MessageCodec } from '../src/protocol/primitives/codec.js';
import { ByteReader } from '../src/protocol/primitives/byte-reader.js';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { BATCH_HEADER_SIZE, batchRecordCount, batchTotalSize } from '../src/protocol/records/batch-header.js';

const NODE_ID = 0;
const CLUSTER_ID = 'brook-golden-capture';
const MAX_FETCH_PARK_MS = 200;

/** A stable topic id per topic name (22-char base64url of 16 bytes derived from the name). */
export function topicIdFor(name: string): string {
  const b = Buffer.alloc(16);
  b.write(name.slice(0, 15), 1, 'utf8');
  b[0] = 0x42;
  return b.toString('base64url');
}

export interface ResponderOptions {
  onFrame: (frame: Buffer, header: RequestHeader) => void;
  log?: (line: string) => void;
}

export class GoldenResponder {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly nextOffset = new Map<string, bigint>();
  private readonly topicNames = new Map<string, string>(); // topic id -> name
  private readonly subscriptions = new Map<string, string[]>(); // member id -> topics
  private memberSeq = 0;
  port = 0;

  constructor(private readonly options: ResponderOptions) {}

  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const frames = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      try {
        for (let frame = frames.next(); frame !== null; frame = frames.next()) this.handle(socket, frame);
      } catch (e) {
        this.options.log?.(`closing connection: ${String(e)}`);
        socket.destroy();
      }
    });
  }

  private handle(socket: Socket, frame: Buffer): void {
    const header = decodeRequestHeader(frame);
    const raw = Buffer.alloc(4 + frame.length);
    raw.writeInt32BE(frame.length, 0);
    frame.copy(raw, 4);
    this.options.onFrame(raw, header);
    const api = apiByKey(header.apiKey);
    if (api === undefined) {
      socket.destroy();
      return;
    }
    if (header.apiKey === ApiKey.ApiVersions && header.apiVersion > api.maxVersion) {
      // KIP-511: answer in v0 with our key list so the client can pick a version and retry.
      this.reply(socket, header, 0, apis.ApiVersions.response, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: versionList() });
      return;
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      socket.destroy();
      return;
    }
    const body: unknown = decodeRequestBody(frame, header, api.request);
    const answer = this.answer(header, body);
    if (answer === 'none') return;
    const send = (): void => this.reply(socket, header, header.apiVersion, api.response, answer.body);
    if (answer.delayMs > 0) setTimeout(send, answer.delayMs).unref();
    else send();
  }

  private reply<T>(socket: Socket, header: RequestHeader, version: number, codec: MessageCodec<T>, body: unknown): void {
    if (socket.destroyed) return;
    socket.write(encodeResponseFrame(header.apiKey, version, header.correlationId, codec, body as never));
  }

  /** The response body for a request, or 'none' when Kafka sends none (acks=0 Produce). */
  private answer(header: RequestHeader, request: unknown): { body: unknown; delayMs: number } | 'none' {
    const now = (body: unknown): { body: unknown; delayMs: number } => ({ body, delayMs: 0 });
    const v = header.apiVersion;
    switch (header.apiKey) {
      case ApiKey.ApiVersions:
        return now({ errorCode: 0, apiKeys: versionList() });
      case ApiKey.Metadata:
        return now(this.metadata(request as MetadataRequestLike, v));
      case ApiKey.Produce:
        return this.produce(request as ProduceRequestLike);
      case ApiKey.Fetch:
        return this.fetch(request as FetchRequestLike, v);
      case ApiKey.ListOffsets:
        return now(listOffsets(request as ListOffsetsRequestLike));
      case ApiKey.FindCoordinator:
        return now(this.findCoordinator(request as { key: string; coordinatorKeys: string[] }));
      case ApiKey.InitProducerId:
        return now({ producerId: 1n, producerEpoch: 0 });
      case ApiKey.JoinGroup:
        return now(this.joinGroup(request as JoinGroupRequestLike, v));
      case ApiKey.SyncGroup:
        return now(this.syncGroup(request as { memberId: string; protocolType: string | null; protocolName: string | null }));
      case ApiKey.OffsetCommit:
        return now(offsetCommit(request as OffsetCommitRequestLike));
      case ApiKey.OffsetFetch:
        return now(offsetFetch(request as OffsetFetchRequestLike));
      default:
        return now({}); // Heartbeat, LeaveGroup, ...: every field at its default (no error)
    }
  }

  private metadata(req: MetadataRequestLike, v: number): unknown {
    // All topics (null, or an empty list in v0): the ones clients have named so far, so a client
    // that lists everything (kafka-python) still finds the topic it subscribed to.
    const all = req.topics === null || (v === 0 && req.topics.length === 0);
    const names = all ? [...this.topicNames.values()] : (req.topics ?? []).map((t) => t.name ?? this.topicNames.get(t.topicId) ?? '');
    return {
      brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port: this.port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: NODE_ID,
      topics: names.map((name) => {
        const topicId = topicIdFor(name);
        this.topicNames.set(topicId, name);
        return {
          name,
          topicId,
          partitions: [{ partitionIndex: 0, leaderId: NODE_ID, leaderEpoch: 0, replicaNodes: [NODE_ID], isrNodes: [NODE_ID] }],
        };
      }),
    };
  }

  private produce(req: ProduceRequestLike): { body: unknown; delayMs: number } | 'none' {
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const key = `${t.name}/${p.index}`;
        const base = this.nextOffset.get(key) ?? 0n;
        this.nextOffset.set(key, base + BigInt(recordCountOf(p.records)));
        return { index: p.index, errorCode: 0, baseOffset: base, logAppendTimeMs: -1n, logStartOffset: 0n };
      }),
    }));
    return req.acks === 0 ? 'none' : { body: { responses }, delayMs: 0 };
  }

  private fetch(req: FetchRequestLike, v: number): { body: unknown; delayMs: number } {
    let anyRecords = false;
    const responses = req.topics.map((t) => ({
      topic: v >= 13 ? (this.topicNames.get(t.topicId) ?? '') : t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => {
        const records = p.fetchOffset === 0n ? goldenFetchBatch() : Buffer.alloc(0); // librdkafka rejects null (-1)
        anyRecords ||= records.length > 0;
        return { partitionIndex: p.partition, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, records };
      }),
    }));
    return { body: { responses }, delayMs: anyRecords ? 0 : Math.min(req.maxWaitMs, MAX_FETCH_PARK_MS) };
  }

  private findCoordinator(req: { key: string; coordinatorKeys: string[] }): unknown {
    const me = { nodeId: NODE_ID, host: '127.0.0.1', port: this.port };
    return { ...me, coordinators: req.coordinatorKeys.map((key) => ({ key, ...me })) };
  }

  private joinGroup(req: JoinGroupRequestLike, v: number): unknown {
    const protocol = req.protocols[0];
    if (req.memberId === '' && v >= 4) {
      // KIP-394: a v4+ member joins twice, the second time with the id we hand out here.
      return { errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, memberId: `member-${++this.memberSeq}` };
    }
    const memberId = req.memberId === '' ? `member-${++this.memberSeq}` : req.memberId;
    if (protocol && req.protocolType === 'consumer') this.subscriptions.set(memberId, subscribedTopics(protocol.metadata));
    return {
      generationId: 1,
      protocolType: req.protocolType,
      protocolName: protocol?.name ?? null,
      leader: memberId,
      memberId,
      members: [{ memberId, groupInstanceId: req.groupInstanceId, metadata: protocol?.metadata ?? Buffer.alloc(0) }],
    };
  }

  private syncGroup(req: { memberId: string; protocolType: string | null; protocolName: string | null }): unknown {
    const topics = this.subscriptions.get(req.memberId) ?? [];
    const data = dataStructures.ConsumerProtocolAssignment;
    const version = 0;
    const body = encodeMessage(data.codec, { assignedPartitions: topics.map((topic) => ({ topic, partitions: [0] })), userData: null }, version);
    const assignment = Buffer.alloc(2 + body.length);
    assignment.writeInt16BE(version, 0); // the consumer protocol's own version prefix
    body.copy(assignment, 2);
    return { protocolType: req.protocolType, protocolName: req.protocolName, assignment };
  }
}

// ---- request shapes the responder reads (the generated types, narrowed to what is used) ----
interface MetadataRequestLike {
  topics: { name: string | null; topicId: string }[] | null;
}
interface ProduceRequestLike {
  acks: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}
interface FetchRequestLike {
  maxWaitMs: number;
  topics: { topic: string; topicId: string; partitions: { partition: number; fetchOffset: bigint }[] }[];
}
interface ListOffsetsRequestLike {
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}
interface JoinGroupRequestLike {
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}
interface OffsetCommitRequestLike {
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}
interface OffsetFetchRequestLike {
  topics: { name: string; partitionIndexes: number[] }[] | null;
  groups: { groupId: string; topics: { name: string; partitionIndexes: number[] }[] | null }[];
}

function versionList(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return apiList.map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }));
}

function listOffsets(req: ListOffsetsRequestLike): unknown {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp: -1n, offset: 0n, oldStyleOffsets: [0n] })),
    })),
  };
}

function offsetCommit(req: OffsetCommitRequestLike): unknown {
  return {
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex })) })),
  };
}

function offsetFetch(req: OffsetFetchRequestLike): unknown {
  const partitions = (ts: { name: string; partitionIndexes: number[] }[] | null) =>
    (ts ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((i) => ({ partitionIndex: i, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '' })),
    }));
  return {
    topics: partitions(req.topics),
    groups: req.groups.map((g) => ({ groupId: g.groupId, topics: partitions(g.topics) })),
  };
}

/**
 * Topics of a consumer protocol subscription (int16 version prefix, then the versioned body). Read
 * as v0 when the declared version does not decode: @platformatic/kafka 1.x declares v1 but sends
 * the v0 body (no OwnedPartitions), see test/fixtures/golden/README.md.
 */
function subscribedTopics(metadata: Buffer): string[] {
  const sub = dataStructures.ConsumerProtocolSubscription;
  for (const asV0 of [false, true]) {
    try {
      const r = new ByteReader(metadata);
      const version = r.int16();
      return sub.codec.read(r, asV0 ? 0 : Math.min(version, sub.maxVersion)).topics;
    } catch {
      // try the next reading
    }
  }
  return [];
}

/** Records in a produced records field, from the batch headers (enough for increasing offsets). */
function recordCountOf(records: Buffer | null): number {
  let n = 0;
  for (let pos = 0; records !== null && pos + BATCH_HEADER_SIZE <= records.length; ) {
    const size = batchTotalSize(records, pos);
    if (size < BATCH_HEADER_SIZE) break;
    n += batchRecordCount(records, pos);
    pos += size;
  }
  return Math.max(n, 1);
}

let fetchBatch: Buffer | null = null;
function goldenFetchBatch(): Buffer {
  fetchBatch ??= buildRecordBatch([{ key: Buffer.from('golden-key'), value: Buffer.from('golden-value') }], {
    timestamp: 1_700_000_000_000,
  });
  return fetchBatch;
}
