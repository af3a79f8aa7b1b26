// Committed offsets WITH metadata. @platformatic/kafka's Consumer.commit always sends a null
// metadata string and listCommittedOffsets drops the one the broker returns, but brook/streams
// keeps task state there (stream time, emit-final positions, changelog end offsets), as Kafka
// Streams keeps partition time in commit metadata (KIP-447 era). So these two calls speak
// OffsetCommit v8 / OffsetFetch v8 themselves on a connection to the group coordinator, using the
// member id and generation of a consumer that has joined the group: a commit from a member whose
// generation is stale is refused by the coordinator, which is what fences a consumer that lost
// its partitions in a rebalance.

import { Connection, offsetCommitV8, offsetFetchV8 } from '@platformatic/kafka';
import type { Consumer } from '@platformatic/kafka';

export interface OffsetWithMetadata {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume. */
  readonly offset: bigint;
  readonly metadata: string;
}

export interface CommittedOffset {
  readonly offset: bigint;
  readonly metadata: string | null;
}

/** A partition-level error the coordinator returned (Kafka error code, e.g. 22 ILLEGAL_GENERATION, 27 REBALANCE_IN_PROGRESS). */
export class OffsetCommitError extends Error {
  override readonly name = 'OffsetCommitError';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Kafka error codes meaning "this member's generation is over": the commit is fenced. */
export const FENCED_COMMIT_CODES: ReadonlySet<number> = new Set([22, 25, 27, 79]);

const UNSTABLE_OFFSET_COMMIT = 88;
/** How long fetch() waits for a pending transactional commit to become stable: 200 x 50 ms. */
const UNSTABLE_RETRIES = 200;
const UNSTABLE_RETRY_MS = 50;

type OffsetFetchResponse = Awaited<ReturnType<typeof offsetFetchV8.api.async>>;

function unstable(response: OffsetFetchResponse): boolean {
  return response.groups.some((g) => g.errorCode === UNSTABLE_OFFSET_COMMIT || g.topics.some((t) => t.partitions.some((p) => p.errorCode === UNSTABLE_OFFSET_COMMIT)));
}

export class GroupOffsets {
  private connection: Connection | undefined;

  /**
   * With `requireStable` (KIP-447; what a read_committed consumer asks), offsets a transaction has
   * committed but whose markers the broker has not yet written come back as UNSTABLE_OFFSET_COMMIT,
   * and fetch() waits for them instead of returning the older, stable offset. Brook writes the
   * markers before EndTxn answers; Kafka writes them just after, so there the window is real and a
   * task reassigned right after a commit would otherwise re-process committed input.
   */
  constructor(
    private readonly consumer: Consumer,
    private readonly options: { requireStable?: boolean } = {},
  ) {}

  /** Commit offsets with metadata as the consumer's current member and generation. */
  async commit(offsets: readonly OffsetWithMetadata[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string }[] }>();
    for (const o of offsets) {
      let t = byTopic.get(o.topic);
      if (!t) byTopic.set(o.topic, (t = { name: o.topic, partitions: [] }));
      t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata });
    }
    const c = this.consumer;
    const response = await this.call((conn) => offsetCommitV8.api.async(conn, c.groupId, c.generationId, c.memberId ?? '', c.groupInstanceId, [...byTopic.values()]));
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new OffsetCommitError(p.errorCode, `offset commit for ${t.name}-${p.partitionIndex} refused with Kafka error ${p.errorCode}`);
      }
    }
  }

  /** Committed offsets and metadata, keyed by `${topic}:${partition}`; partitions without a commit are absent. */
  async fetch(partitions: ReadonlyArray<{ topic: string; partitions: readonly number[] }>): Promise<Map<string, CommittedOffset>> {
    const out = new Map<string, CommittedOffset>();
    if (partitions.length === 0) return out;
    const topics = partitions.map((p) => ({ name: p.topic, partitionIndexes: [...p.partitions] }));
    const requireStable = this.options.requireStable === true;
    const fetchOnce = () =>
      this.call(async (conn) => {
        try {
          return await offsetFetchV8.api.async(conn, [{ groupId: this.consumer.groupId, memberEpoch: -1, topics }], requireStable);
        } catch (e) {
          // The library throws on any error code, with the parsed response attached: read the codes here.
          const attached = (e as { response?: OffsetFetchResponse }).response;
          if (attached && Array.isArray(attached.groups)) return attached;
          throw e;
        }
      });
    let response = await fetchOnce();
    for (let retry = 0; requireStable && unstable(response) && retry < UNSTABLE_RETRIES; retry++) {
      await new Promise((r) => setTimeout(r, UNSTABLE_RETRY_MS));
      response = await fetchOnce();
    }
    for (const g of response.groups) {
      if (g.errorCode !== 0) throw new OffsetCommitError(g.errorCode, `offset fetch for group ${g.groupId} failed with Kafka error ${g.errorCode}`);
      for (const t of g.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new OffsetCommitError(p.errorCode, `offset fetch for ${t.name}-${p.partitionIndex} failed with Kafka error ${p.errorCode}`);
          if (p.committedOffset >= 0n) out.set(`${t.name}:${p.partitionIndex}`, { offset: p.committedOffset, metadata: p.metadata ?? null });
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    if (c) await c.close();
  }

  private async call<T>(request: (connection: Connection) => Promise<T>): Promise<T> {
    try {
      return await request(await this.coordinator());
    } catch (e) {
      // A broken connection (broker restart, coordinator moved): reconnect once, then give up.
      if (e instanceof OffsetCommitError) throw e;
      await this.close();
      return request(await this.coordinator());
    }
  }

  private async coordinator(): Promise<Connection> {
    if (this.connection) return this.connection;
    const id = await this.consumer.findGroupCoordinator();
    const metadata = await this.consumer.metadata({ topics: [] });
    const broker = metadata.brokers.get(id);
    if (!broker) throw new Error(`group coordinator ${id} is not in the cluster metadata`);
    const connection = new Connection(this.consumer.clientId);
    await connection.connect(broker.host, broker.port);
    this.connection = connection;
    return connection;
  }
}
