// Shared by the produce/fetch tests: reading a whole partition back through @platformatic/kafka's
// group-less Fetch (consumer groups are another issue's), and a raw wire client for crafted requests.
import { connect, type Socket } from 'node:net';
import { Consumer } from '@platformatic/kafka';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { responseHeaderVersion } from '../../src/protocol/messages/index.js';
import type { ApiDefinition, MessageInput } from '../../src/protocol/primitives/codec.js';
import { decodeMessage } from '../../src/protocol/primitives/codec.js';
import { closeConsumer } from '../helpers/close-consumer.js';

export interface ConsumedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

/**
 * The records of `partitions` of `topic` from offset 0, in offset order per partition: long polls until
 * `expected` records arrived (the high watermark follows the fsync, so acks=1 data shows up a moment
 * after its ack), then one more fetch to make sure nothing beyond them is there.
 */
export async function readAllPlatformatic(bootstrap: string, topic: string, partitions: number[], expected: number): Promise<ConsumedRecord[]> {
  const consumer = new Consumer({ clientId: 'brook-test-reader', groupId: 'unused-no-group', bootstrapBrokers: [bootstrap], retries: 0 });
  try {
    const md = await consumer.metadata({ topics: [topic] });
    const t = md.topics.get(topic);
    if (!t) throw new Error(`no metadata for ${topic}`);
    const out: ConsumedRecord[] = [];
    const next = new Map(partitions.map((p) => [p, 0n]));
    let extraRound = false;
    for (let round = 0; round < 10_000; round++) {
      if (out.length >= expected) {
        if (extraRound) break;
        extraRound = true;
      }
      const res = await consumer.fetch({
        node: t.partitions[partitions[0]!]!.leader,
        maxWaitTime: extraRound ? 0 : 500,
        minBytes: 1,
        maxBytes: 4 << 20,
        topics: [{ topicId: t.id, partitions: [...next].map(([partition, fetchOffset]) => ({ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 })) }],
      });
      for (const p of res.responses[0]!.partitions) {
        if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode} on partition ${p.partitionIndex}`);
        let pos = next.get(p.partitionIndex)!;
        for (const batch of p.records ?? []) {
          for (const r of batch.records) {
            const offset = batch.firstOffset + BigInt(r.offsetDelta);
            if (offset < pos) continue;
            out.push({
              partition: p.partitionIndex,
              offset: Number(offset),
              timestamp: Number(batch.firstTimestamp + r.timestampDelta),
              key: r.key === null || r.key === undefined ? null : r.key.toString(),
              value: r.value === null || r.value === undefined ? null : r.value.toString(),
              headers: r.headers.map(([k, v]) => [k!.toString(), v === null ? null : v.toString()]),
            });
            pos = offset + 1n;
          }
        }
        next.set(p.partitionIndex, pos);
      }
    }
    return out;
  } finally {
    await closeConsumer(consumer);
  }
}

/** One socket speaking raw Kafka frames, for requests no client would send. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void)[] = [];
  private correlation = 1;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  async request<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: MessageInput<Req>): Promise<Res> {
    const correlationId = this.correlation++;
    const frame = encodeRequestFrame({ apiKey: api.apiKey, apiVersion: version, correlationId, clientId: 'raw' }, api.request, body);
    const response = new Promise<Buffer>((resolve) => this.waiting.push(resolve));
    this.socket.write(frame);
    const res = await response;
    const h = decodeResponseHeader(res, responseHeaderVersion(api.apiKey, version));
    if (h.correlationId !== correlationId) throw new Error(`correlation ${h.correlationId}, expected ${correlationId}`);
    return decodeMessage(api.response, res.subarray(h.bodyOffset), version);
  }

  close(): void {
    this.socket.destroy();
  }
}
