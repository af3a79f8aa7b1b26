// Topic lifecycle as the broker's APIs see it: validation with Kafka's error codes, creation
// (explicit and automatic), deletion and lookup by name or id. Storage does the durable work;
// this module decides what is allowed and which error code a client gets.
//
// Partition limit (docs/limits.md): the broker holds at most brook.max.partitions partitions, counting
// those being created, so no request can make it walk an unbounded number of directories or list an
// unbounded topic. Going over is POLICY_VIOLATION, the code Kafka gives a create its policy refuses.
// Internal topics are created whatever the limit (the coordinators need them) but count towards it.
import { ErrorCode } from '../../protocol/errors.js';
import type { LogManager, TopicInfo } from '../../storage/index.js';
import { StorageError, isValidTopicName, kafkaErrorCodes } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { validateTopicOverrides, type BrokerConfig } from '../config/broker-config.js';
import { isInternalTopic } from './internal-topics.js';
import { topicIdToWire } from './topic-ids.js';

export interface TopicOutcome {
  errorCode: number;
  errorMessage: string | null;
  topic?: TopicInfo;
}

export interface CreateTopicSpec {
  name: string;
  /** -1: the broker's num.partitions. */
  numPartitions: number;
  /** -1 or 1 on a single node. */
  replicationFactor: number;
  configs: Record<string, string>;
  /** Replica assignments given explicitly (CreateTopics); each partition must be on node 0. */
  assignments?: { partitionIndex: number; brokerIds: number[] }[];
}

export class TopicService {
  private readonly creating = new Map<string, Promise<TopicOutcome>>();
  private readonly byId = new Map<string, string>();
  /** Partitions of creates and grows under way (not yet listed by storage). */
  private pendingPartitions = 0;

  constructor(
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly nodeId: number,
    private readonly logger: Logger,
  ) {
    for (const t of logs.listTopics()) this.byId.set(topicIdToWire(t.topicId), t.name);
  }

  get(name: string): TopicInfo | undefined {
    return this.logs.getTopic(name);
  }

  nameForId(wireId: string): string | undefined {
    return this.byId.get(wireId);
  }

  list(): TopicInfo[] {
    return this.logs.listTopics();
  }

  /** Checks a create request without side effects; returns the error, or null. */
  validate(spec: CreateTopicSpec): TopicOutcome | null {
    const fail = (errorCode: number, errorMessage: string): TopicOutcome => ({ errorCode, errorMessage });
    if (!isValidTopicName(spec.name)) {
      return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${spec.name}" is illegal: it must be 1-249 characters of [a-zA-Z0-9._-], not "." or ".."`);
    }
    if (this.logs.getTopic(spec.name) || this.creating.has(spec.name)) {
      return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
    }
    const normalised = spec.name.replace(/\./g, '_');
    // Only names with '.' or '_' can collide with a different name.
    for (const existing of normalised.includes('_') ? this.logs.topicNames() : []) {
      if (existing !== spec.name && existing.replace(/\./g, '_') === normalised) {
        return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${spec.name}' collides with existing topic '${existing}' ('.' and '_' are interchangeable in metric names)`);
      }
    }
    if (spec.assignments && spec.assignments.length > 0) {
      if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
        return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set; only one is allowed');
      }
      for (const a of spec.assignments) {
        if (a.brokerIds.length !== 1 || a.brokerIds[0] !== this.nodeId) {
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partition ${a.partitionIndex} must be assigned to broker ${this.nodeId} alone`);
        }
      }
    } else {
      if (spec.numPartitions === 0 || spec.numPartitions < -1) {
        return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
      }
      if (spec.replicationFactor === 0 || spec.replicationFactor < -1) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
      }
      if (spec.replicationFactor > 1) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${spec.replicationFactor} larger than available brokers: 1.`);
      }
    }
    const problem = validateTopicOverrides(spec.configs);
    if (problem) return fail(ErrorCode.INVALID_CONFIG, problem);
    return this.checkPartitionLimit(this.partitionsFor(spec));
  }

  /** Partitions the broker holds, counting creates and grows under way. */
  totalPartitions(): number {
    return this.pendingPartitions + this.logs.partitionCount;
  }

  /** POLICY_VIOLATION when `adding` more partitions would pass brook.max.partitions, else null. */
  checkPartitionLimit(adding: number): TopicOutcome | null {
    const max = this.config.getNumber('brook.max.partitions');
    const total = this.totalPartitions();
    if (adding <= 0 || total + adding <= max) return null;
    return {
      errorCode: ErrorCode.POLICY_VIOLATION,
      errorMessage: `Adding ${adding} partitions to the broker's ${total} would exceed brook.max.partitions (${max}).`,
    };
  }

  /** CreatePartitions: grows a topic to `total` partitions within the broker's partition limit. */
  async grow(name: string, total: number): Promise<TopicOutcome> {
    const topic = this.logs.getTopic(name);
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` };
    const adding = total - topic.partitions;
    const over = this.checkPartitionLimit(adding);
    if (over) return over;
    this.pendingPartitions += adding;
    try {
      const grown = await this.logs.addPartitions(name, total);
      this.logger.info('added partitions', { topic: name, partitions: total });
      return { errorCode: ErrorCode.NONE, errorMessage: null, topic: grown };
    } catch (e) {
      return storageOutcome(e);
    } finally {
      this.pendingPartitions -= adding;
    }
  }

  partitionsFor(spec: CreateTopicSpec): number {
    if (spec.assignments && spec.assignments.length > 0) return spec.assignments.length;
    return spec.numPartitions === -1 ? this.config.getNumber('num.partitions') : spec.numPartitions;
  }

  /** Creates a topic after validation; concurrent creates of one name share the outcome. */
  create(spec: CreateTopicSpec): Promise<TopicOutcome> {
    const invalid = this.validate(spec);
    if (invalid) return Promise.resolve(invalid);
    const pending = this.doCreate(spec.name, this.partitionsFor(spec), spec.configs).finally(() => this.creating.delete(spec.name));
    this.creating.set(spec.name, pending);
    return pending;
  }

  /**
   * Metadata/Produce auto-creation: only when auto.create.topics.enable, never for internal
   * topics, and concurrent requests for one name wait for the same creation.
   */
  async autoCreate(name: string): Promise<TopicOutcome> {
    const existing = this.logs.getTopic(name);
    if (existing) return { errorCode: ErrorCode.NONE, errorMessage: null, topic: existing };
    const inFlight = this.creating.get(name);
    if (inFlight) return inFlight;
    if (!isValidTopicName(name)) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic name "${name}" is illegal` };
    if (isInternalTopic(name) || !this.config.getBoolean('auto.create.topics.enable')) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
    }
    return this.create({ name, numPartitions: -1, replicationFactor: -1, configs: {} });
  }

  /** Creates an internal topic if missing (used by the group and transaction coordinators). */
  async ensureInternal(name: string, partitions: number, configs: Record<string, string>): Promise<TopicInfo> {
    const existing = this.logs.getTopic(name);
    if (existing) return existing;
    const outcome = await this.doCreate(name, partitions, configs);
    if (!outcome.topic) throw new Error(`could not create internal topic ${name}: ${outcome.errorMessage ?? outcome.errorCode}`);
    return outcome.topic;
  }

  async delete(name: string): Promise<TopicOutcome> {
    if (!this.config.getBoolean('delete.topic.enable')) {
      return { errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.' };
    }
    const topic = this.logs.getTopic(name);
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
    if (isInternalTopic(name)) return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `Internal topic ${name} cannot be deleted` };
    try {
      await this.logs.deleteTopic(name);
      this.byId.delete(topicIdToWire(topic.topicId));
      this.logger.info('deleted topic', { topic: name });
      return { errorCode: ErrorCode.NONE, errorMessage: null, topic };
    } catch (e) {
      return storageOutcome(e);
    }
  }

  /** Deletes a topic the broker owns (AMQP queues' logs), whatever delete.topic.enable says. */
  async deleteInternal(name: string): Promise<void> {
    const topic = this.logs.getTopic(name);
    if (!topic) return;
    await this.logs.deleteTopic(name);
    this.byId.delete(topicIdToWire(topic.topicId));
    this.logger.info('deleted topic', { topic: name });
  }

  private async doCreate(name: string, partitions: number, configs: Record<string, string>): Promise<TopicOutcome> {
    this.pendingPartitions += partitions;
    try {
      const topic = await this.logs.createTopic(name, partitions, configs);
      this.byId.set(topicIdToWire(topic.topicId), name);
      this.logger.info('created topic', { topic: name, partitions });
      return { errorCode: ErrorCode.NONE, errorMessage: null, topic };
    } catch (e) {
      return storageOutcome(e);
    } finally {
      this.pendingPartitions -= partitions;
    }
  }
}

/** Maps a storage failure to the Kafka error code a client should see. */
export function storageOutcome(e: unknown): TopicOutcome {
  if (e instanceof StorageError) return { errorCode: kafkaErrorCodes[e.kind], errorMessage: e.message };
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: String(e) };
}
