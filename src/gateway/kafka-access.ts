// The gateway's connections to the cluster, all through src/client (the layer rule): one Admin
// for metadata, configs, offsets and groups; one library Producer whose connection pool the
// BatchProducer uses (one record batch per partition per request); one Consumer whose Fetch the
// LogReader uses for SSE and REST reads. Created once and shared by every route, so a thousand
// HTTP requests share a handful of Kafka connections. Topic metadata is cached briefly (the
// produce path asks for partition counts on every request).
import {
  BatchProducer,
  LogReader,
  createAdmin,
  createConsumer,
  createProducer,
  describeTopics,
  isNetworkError,
  kafkaErrorName,
  type Admin,
  type ClientOptions,
  type Consumer,
  type Producer,
  type TopicView,
} from '../client/index.js';
import { HttpError, rest } from './http-error.js';

const METADATA_TTL_MS = 1000;

export class KafkaAccess {
  readonly admin: Admin;
  private producerClient: Producer | null = null;
  private batchProducer: BatchProducer | null = null;
  private consumerClient: Consumer | null = null;
  private readonly topicCache = new Map<string, { at: number; view: TopicView | null }>();

  constructor(readonly client: ClientOptions) {
    this.admin = createAdmin(client);
  }

  get producer(): BatchProducer {
    if (!this.batchProducer) {
      this.producerClient = createProducer(this.client);
      this.batchProducer = new BatchProducer(this.producerClient, { timeoutMs: this.client.timeoutMs ?? 30_000 });
    }
    return this.batchProducer;
  }

  /** A consumer for raw Fetch (no group membership): reads are by explicit position. */
  get fetchConsumer(): Consumer {
    this.consumerClient ??= createConsumer(this.client, { groupId: `${this.client.clientId}-reader`, autocommit: false });
    return this.consumerClient;
  }

  /** A reader on the shared connection: only for fetches that do not wait (maxWaitMs 0). */
  reader(maxWaitMs: number, maxBytes?: number): LogReader {
    return new LogReader(this.fetchConsumer, { maxWaitMs, ...(maxBytes !== undefined ? { maxBytes, partitionMaxBytes: maxBytes } : {}) });
  }

  /**
   * A reader with a connection of its own, for a loop of long polls. A broker answers the requests
   * of one connection in order, so a long poll parked on a quiet topic would hold back every
   * answer queued behind it on a shared connection (SSE deliveries waited out `_schemas` polls).
   */
  longPollReader(name: string, maxWaitMs: number, maxBytes?: number): { reader: LogReader; close: () => Promise<void> } {
    const consumer = createConsumer({ ...this.client, clientId: `${this.client.clientId}-${name}` }, { groupId: `${this.client.clientId}-${name}`, autocommit: false });
    const reader = new LogReader(consumer, { maxWaitMs, ...(maxBytes !== undefined ? { maxBytes, partitionMaxBytes: maxBytes } : {}) });
    return { reader, close: () => closeConsumer(consumer) };
  }

  /** The topic (cached for a second), or null when it does not exist. */
  async topic(name: string, fresh = false): Promise<TopicView | null> {
    const cached = this.topicCache.get(name);
    if (!fresh && cached && Date.now() - cached.at < METADATA_TTL_MS) return cached.view;
    const view = (await describeTopics(this.admin, [name])).get(name) ?? null;
    this.topicCache.set(name, { at: Date.now(), view });
    return view;
  }

  async requireTopic(name: string, fresh = false): Promise<TopicView> {
    const view = await this.topic(name, fresh);
    if (!view) throw rest.topicNotFound();
    return view;
  }

  /**
   * The topic a v2 produce writes to: when it does not exist, a Metadata request that allows
   * auto-creation creates it if the cluster's auto.create.topics.enable says so (as kafka-rest's
   * producer does); otherwise 40401.
   */
  async topicForProduce(name: string): Promise<TopicView> {
    const known = await this.topic(name);
    if (known) return known;
    try {
      await this.admin.metadata({ topics: [name], autocreateTopics: true, forceUpdate: true });
    } catch {
      // not created (auto-creation off, or an invalid name): answered below
    }
    return this.requireTopic(name, true);
  }

  forgetTopic(name: string): void {
    this.topicCache.delete(name);
  }

  async close(): Promise<void> {
    await Promise.all([
      this.admin.close().catch(() => undefined),
      this.producerClient?.close().catch(() => undefined),
      this.consumerClient ? closeConsumer(this.consumerClient) : undefined,
    ]);
  }
}

/** Maps a client-layer failure to the REST Proxy's error (unknown topic, retriable, other). */
export function restErrorFrom(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  const name = kafkaErrorName(e);
  if (name === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'UNKNOWN_TOPIC_ID') return rest.topicNotFound();
  if (name === 'LEADER_NOT_AVAILABLE' || name === 'NOT_LEADER_OR_FOLLOWER') return rest.kafkaRetriable(name);
  if (isNetworkError(e)) return rest.kafkaRetriable('broker unreachable');
  const message = e instanceof Error ? e.message : String(e);
  return rest.kafka(name ? `${name}: ${message}` : message);
}

// rest-utils' KafkaExceptionMapper: request problems Kafka reports are 400/40002, an unknown
// topic or partition 404/40403, retriable failures 500/50003, the rest 500/50002.
const BAD_REQUEST = new Set([
  'TOPIC_ALREADY_EXISTS',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'INVALID_TOPIC_EXCEPTION',
  'NON_EMPTY_GROUP',
  'RECORD_LIST_TOO_LARGE',
  'MESSAGE_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

export function v3ErrorFrom(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  const name = kafkaErrorName(e);
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'UNKNOWN_TOPIC_ID') return new HttpError(404, 40403, 'This server does not host this topic-partition.');
  if (name === 'GROUP_ID_NOT_FOUND') return new HttpError(404, 404, 'Consumer group not found.');
  if (name !== undefined && BAD_REQUEST.has(name)) return new HttpError(400, 40002, `${name}: ${serverMessage(e) ?? message}`);
  if (isNetworkError(e)) return new HttpError(500, 50003, 'Retriable Kafka error: broker unreachable');
  return new HttpError(500, 50002, `Kafka error: ${name ? `${name}: ` : ''}${message}`);
}

function serverMessage(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (x: unknown): string | undefined => {
    if (typeof x !== 'object' || x === null || seen.has(x)) return undefined;
    seen.add(x);
    const o = x as { serverErrorMessage?: unknown; errors?: unknown; cause?: unknown };
    if (typeof o.serverErrorMessage === 'string' && o.serverErrorMessage !== '') return o.serverErrorMessage;
    if (Array.isArray(o.errors)) for (const i of o.errors) { const m = walk(i); if (m) return m; }
    return walk(o.cause);
  };
  return walk(e);
}

/** Closes a consumer even with streams or a group membership open, never throwing. */
export function closeConsumer(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}
