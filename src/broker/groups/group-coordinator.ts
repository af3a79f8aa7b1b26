// The group coordinator and committed offsets. Owns the groups of this node: classic groups (the
// JoinGroup/SyncGroup rebalance protocol, group-membership.ts) and KIP-848 consumer groups
// (consumer/consumer-group-service.ts), one group id being one kind at a time (group-protocols.ts routes
// the APIs, and migrates groups between the kinds); committed offsets (committed-offsets.ts), shared by
// both kinds; persistence to __consumer_offsets (offsets-topic.ts, loaded at start by
// offsets-topic-loader.ts) and offset expiry. Every group maps to the partition Kafka would choose, so a
// data dir reads the same as Kafka's; on one node this broker coordinates them all.
import { ErrorCode } from '../../protocol/errors.js';
import type { FileSystem, PartitionLog } from '../../storage/index.js';
import { topicIdToWire } from '../topics/topic-ids.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import { CONSUMER_OFFSETS_TOPIC } from '../topics/internal-topics.js';
import { ClassicGroup } from './classic-group.js';
import { CommittedOffsets } from './committed-offsets.js';
import { AssignorRegistry } from './consumer/assignors/assignors.js';
import type { ConsumerGroup } from './consumer/consumer-group.js';
import type { ConsumerGroupRecord } from './consumer/consumer-records.js';
import { ConsumerGroupService } from './consumer/consumer-group-service.js';
import { configuredAssignors, consumerGroupSettings } from './consumer/consumer-settings.js';
import type { TopicsView } from './consumer/topic-metadata.js';
import { GroupConfigStore } from './group-configs.js';
import { GroupKinds } from './group-kinds.js';
import { GroupMembership, type GroupRegistry } from './group-membership.js';
import { GroupProtocols } from './group-protocols.js';
import { LazyInternalTopic } from './lazy-internal-topic.js';
import { GroupMember } from './member.js';
import { expiredConsumerGroupOffsets, expiredOffsets } from './offset-expiry.js';
import { decodeKey, decodeOffsetValue, encodeGroupKey, encodeGroupValue, encodeOffsetKey, type GroupValue } from './offsets-record-codec.js';
import { loadOffsetsTopic } from './offsets-topic-loader.js';
import { OffsetsTopicWriter } from './offsets-topic.js';
import { TxnOffsets } from './txn-offsets.js';

/** __consumer_offsets is compacted: the latest record per key is all that matters (Kafka's settings). */
const OFFSETS_TOPIC_CONFIGS = { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' };

export class GroupCoordinator implements BrokerService {
  readonly groups = new Map<string, ClassicGroup>();
  private writer!: OffsetsTopicWriter;
  private offsetsTopic!: LazyInternalTopic;
  private membershipFlow!: GroupMembership;
  private consumerFlow!: ConsumerGroupService;
  private protocolsFlow!: GroupProtocols;
  private offsetsFlow!: CommittedOffsets;
  private txnOffsetsFlow!: TxnOffsets;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly now = (): number => Date.now();

  /** Group configs of every kind of group (KIP-848/KIP-932 GROUP config resources, meta/group-configs). */
  readonly configs: GroupConfigStore;
  /** Which kind of group holds an id; ListGroups and DeleteGroups over every kind (group-kinds.ts). */
  readonly kinds = new GroupKinds();

  /** `storage`: where group configs are kept (meta/group-configs). */
  constructor(
    readonly deps: ServiceDeps,
    storage: { fs: FileSystem; dataDir: string },
  ) {
    this.configs = new GroupConfigStore(storage.fs, storage.dataDir, deps.config);
    this.registerKinds();
  }

  private registerKinds(): void {
    this.kinds.register({
      type: 'classic',
      has: (id) => {
        const g = this.groups.get(id);
        return g !== undefined && !g.is('Dead');
      },
      list: () => [...this.groups.values()].filter((g) => !g.is('Dead')).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' })),
      delete: async (id) => {
        const g = this.groups.get(id);
        if (!g || g.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: null };
        if (!g.is('Empty')) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: null };
        try {
          await this.deleteGroup(g);
          return { errorCode: ErrorCode.NONE, errorMessage: null };
        } catch {
          return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null };
        }
      },
    });
    this.kinds.register({
      type: 'consumer',
      has: (id) => this.consumerGroup(id) !== undefined,
      list: () => [...this.consumerFlow.groups.values()].filter((g) => !g.dead).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'consumer' })),
      delete: async (id) => {
        const g = this.consumerGroup(id)!;
        if (!g.isEmpty) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: null };
        return { errorCode: await this.deleteConsumerGroup(g), errorMessage: null };
      },
    });
  }

  get membership(): GroupMembership {
    return this.membershipFlow;
  }

  /** KIP-848 consumer groups. */
  get consumerGroups(): ConsumerGroupService {
    return this.consumerFlow;
  }

  /** JoinGroup/SyncGroup/Heartbeat/LeaveGroup and ConsumerGroupHeartbeat, routed by the group's kind. */
  get protocols(): GroupProtocols {
    return this.protocolsFlow;
  }

  /** The consumer group with this id, if the id is one (not a classic group). */
  consumerGroup(groupId: string): ConsumerGroup | undefined {
    return this.consumerFlow.consumerGroup(groupId);
  }

  /** Topics as consumer groups see them: by name and by id (the wire's base64url form). */
  readonly topicsView: TopicsView = {
    byName: (name) => {
      const t = this.deps.topics.get(name);
      return t ? { id: topicIdToWire(t.topicId), name: t.name, partitions: t.partitions } : undefined;
    },
    byId: (id) => {
      const name = this.deps.topics.nameForId(id);
      return name === undefined ? undefined : this.topicsView.byName(name);
    },
    names: () => this.deps.topics.list().map((t) => t.name),
    racks: () => {
      const rack = this.deps.config.get('broker.rack');
      return new Set(rack === null || rack === '' ? [] : [rack]);
    },
  };

  get offsets(): CommittedOffsets {
    return this.offsetsFlow;
  }

  /** Offsets committed in transactions, waiting for their markers (TxnOffsetCommit). */
  get txnOffsets(): TxnOffsets {
    return this.txnOffsetsFlow;
  }

  /**
   * Creates __consumer_offsets if this is its first use (AddOffsetsToTxn: its partition joins a
   * transaction before anything is written there). False, logged, when creating it failed.
   */
  async ensureOffsetsTopic(): Promise<boolean> {
    try {
      await this.offsetsTopic.ensure();
      return true;
    } catch (e) {
      this.deps.logger.error('creating __consumer_offsets failed', { error: String(e) });
      return false;
    }
  }

  /** The __consumer_offsets partition that holds a group (Kafka's hash). */
  partitionFor(groupId: string): number {
    return this.writer.partitionFor(groupId);
  }

  async start(): Promise<void> {
    const { config, topics, logs, logger } = this.deps;
    // Kafka creates __consumer_offsets on first use; an existing one is loaded now, with the partition
    // count it has (groups hash by it), else the configured count it will be created with.
    const existing = topics.get(CONSUMER_OFFSETS_TOPIC);
    const partitions = existing?.partitions ?? config.getNumber('offsets.topic.num.partitions');
    const lazyTopic = new LazyInternalTopic(topics, CONSUMER_OFFSETS_TOPIC, partitions, OFFSETS_TOPIC_CONFIGS, logger);
    this.offsetsTopic = lazyTopic;
    this.writer = new OffsetsTopicWriter(logs, partitions, () => lazyTopic.ensure());
    const registry: GroupRegistry & { createSimple(groupId: string): ClassicGroup } = {
      get: (id) => this.groups.get(id),
      getOrCreate: (id) => this.getOrCreate(id),
      createSimple: (id) => this.getOrCreate(id),
      dropIfUnused: (g) => {
        if (g.is('Empty') && g.size === 0 && !this.offsetsFlow.store.hasOffsets(g.groupId) && this.groups.get(g.groupId) === g && g.generationId === 0) {
          this.groups.delete(g.groupId);
        }
      },
      persist: (g) => this.writer.write(g.groupId, [{ key: encodeGroupKey(g.groupId), value: encodeGroupValue(g.toRecord()) }], this.now()),
    };
    await this.configs.load();
    const groupConfigs = this.configs;
    this.consumerFlow = new ConsumerGroupService({
      logger,
      settings: consumerGroupSettings(config, (groupId, key) => groupConfigs.overrides(groupId)[key]),
      topics: this.topicsView,
      assignors: new AssignorRegistry(configuredAssignors(config)),
      writer: () => this.writer,
      isShareGroup: (id) => this.kinds.typeOf(id) === 'share',
      reload: (id) => this.consumerGroupRecords(id),
      now: this.now,
      classic: {
        get: (id) => this.groups.get(id),
        drop: (g) => {
          this.membershipFlow.retire(g);
          if (this.groups.get(g.groupId) === g) this.groups.delete(g.groupId);
        },
        adopt: (g, reason) => {
          this.groups.set(g.groupId, g);
          this.membershipFlow.adoptConverted(g, reason);
        },
      },
    });
    this.membershipFlow = new GroupMembership(
      registry,
      {
        initialRebalanceDelayMs: config.getNumber('group.initial.rebalance.delay.ms'),
        minSessionTimeoutMs: config.getNumber('group.min.session.timeout.ms'),
        maxSessionTimeoutMs: config.getNumber('group.max.session.timeout.ms'),
        maxGroupSize: config.getNumber('group.max.size'),
      },
      logger,
      this.now,
    );
    this.protocolsFlow = new GroupProtocols(this.membershipFlow, this.consumerFlow);
    const offsetsDeps = {
      registry,
      writer: this.writer,
      partitionExists: (t: string, p: number) => {
        const info = topics.get(t);
        return info !== undefined && p >= 0 && p < info.partitions;
      },
      consumerGroup: (id: string) => this.consumerFlow.consumerGroup(id),
      isShareGroup: (id: string) => this.kinds.typeOf(id) === 'share',
      topicId: (t: string) => this.topicsView.byName(t)?.id,
      logger,
      now: this.now,
    };
    this.offsetsFlow = new CommittedOffsets(offsetsDeps);
    this.txnOffsetsFlow = new TxnOffsets(offsetsDeps, this.offsetsFlow.store, (groupId) => this.partitionFor(groupId));
    if (existing) await this.load(partitions);
    const interval = config.getNumber('offsets.retention.check.interval.ms');
    this.expiryTimer = setInterval(() => void this.expireOffsets(this.now()), interval);
    this.expiryTimer.unref();
  }

  async close(): Promise<void> {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    for (const g of this.groups.values()) this.membershipFlow?.forget(g);
    this.membershipFlow?.close();
    this.consumerFlow?.close();
  }

  private getOrCreate(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new ClassicGroup(groupId, this.now())));
    return g;
  }

  private async load(partitions: number): Promise<void> {
    const started = this.now();
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) {
      const log = this.deps.logs.getLog(CONSUMER_OFFSETS_TOPIC, p);
      if (log) logs.push(log);
    }
    const loaded = await loadOffsetsTopic(logs, this.deps.logger, (r) => this.consumerFlow.replayLoaded(r));
    for (const [groupId, value] of loaded.groups) {
      if (!this.consumerFlow.consumerGroup(groupId)) this.restoreGroup(groupId, value);
    }
    this.consumerFlow.startLoaded();
    for (const [groupId, offsets] of loaded.offsets) {
      if (offsets.size === 0) continue;
      if (!this.consumerFlow.consumerGroup(groupId)) this.getOrCreate(groupId);
      for (const { topic, partition, value } of offsets.values()) {
        this.offsetsFlow.store.set(groupId, topic, partition, { offset: value.offset, leaderEpoch: value.leaderEpoch, metadata: value.metadata, commitTimestamp: value.commitTimestamp });
      }
    }
    for (const [producerId, records] of loaded.pendingTxn) this.holdLoadedTxnOffsets(producerId, records);
    this.deps.logger.info('loaded consumer groups', { groups: this.groups.size, consumerGroups: this.consumerFlow.groups.size, records: loaded.records, ms: this.now() - started });
  }

  private holdLoadedTxnOffsets(producerId: number, records: readonly { key: Buffer; value: Buffer | null }[]): void {
    for (const r of records) {
      try {
        const key = decodeKey(r.key);
        if (key === null || key.kind !== 'offset' || r.value === null) continue;
        const v = decodeOffsetValue(r.value);
        this.txnOffsetsFlow.hold(producerId, {
          groupId: key.group,
          topic: key.topic,
          partition: key.partition,
          value: { offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp },
        });
      } catch (e) {
        this.deps.logger.warn('skipping an undecodable transactional offset record', { producerId, error: String(e) });
      }
    }
  }

  /** The records of one consumer group, read back from its partition of __consumer_offsets in log order. */
  private async consumerGroupRecords(groupId: string): Promise<ConsumerGroupRecord[]> {
    const log = this.deps.logs.getLog(CONSUMER_OFFSETS_TOPIC, this.partitionFor(groupId));
    const records: ConsumerGroupRecord[] = [];
    if (!log) return records;
    await loadOffsetsTopic([log], this.deps.logger, (r) => {
      if (r.groupId === groupId) records.push(r);
    });
    return records;
  }

  /** A persisted group comes back Stable with its members (they must heartbeat within their session) or Empty. */
  private restoreGroup(groupId: string, v: GroupValue): void {
    const g = this.getOrCreate(groupId);
    g.generationId = v.generation;
    g.protocolType = v.protocolType === '' ? null : v.protocolType;
    g.protocolName = v.protocol;
    g.currentStateTimestamp = v.currentStateTimestamp >= 0 ? v.currentStateTimestamp : this.now();
    for (const m of v.members) {
      const member = new GroupMember({ ...m, protocolType: v.protocolType, protocols: [{ name: v.protocol ?? '', metadata: m.subscription }] });
      member.assignment = m.assignment;
      g.add(member);
    }
    g.leaderId = v.leader !== null && g.members.has(v.leader) ? v.leader : (g.members.keys().next().value ?? null);
    g.state = v.members.length > 0 ? 'Stable' : 'Empty';
    this.membershipFlow.adoptLoaded(g);
  }

  /** Deletes an Empty group and its offsets (DeleteGroups): tombstones first, then memory. */
  async deleteGroup(group: ClassicGroup): Promise<void> {
    const tombstones = this.offsetsFlow.store.all(group.groupId).map((o) => ({ key: encodeOffsetKey(group.groupId, o.topic, o.partition), value: null }));
    tombstones.push({ key: encodeGroupKey(group.groupId), value: null });
    await this.writer.write(group.groupId, tombstones, this.now());
    this.membershipFlow.forget(group);
    group.transitionTo('Dead', this.now());
    this.groups.delete(group.groupId);
    this.offsetsFlow.store.deleteGroup(group.groupId);
  }

  /** Deletes an empty KIP-848 consumer group and its offsets (DeleteGroups): tombstones in one batch. */
  async deleteConsumerGroup(group: ConsumerGroup): Promise<number> {
    const offsets = this.offsetsFlow.store.all(group.groupId);
    const result = await this.consumerFlow.run(
      group.groupId,
      (op) => {
        for (const o of offsets) op.raw(encodeOffsetKey(group.groupId, o.topic, o.partition), null);
        this.consumerFlow.deleteGroupRecords(op, group);
        return ErrorCode.NONE;
      },
      (errorCode) => errorCode,
    );
    if (result === ErrorCode.NONE) this.offsetsFlow.store.deleteGroup(group.groupId);
    return result;
  }

  /** offsets.retention.minutes: expires offsets of Empty groups; a group left with none is removed. */
  async expireOffsets(now: number): Promise<number> {
    const retentionMs = this.deps.config.getNumber('offsets.retention.minutes') * 60_000;
    let expired = 0;
    for (const group of [...this.groups.values()]) {
      const gone = expiredOffsets(group, this.offsetsFlow.store.all(group.groupId), now, retentionMs);
      const removeGroup = group.is('Empty') && gone.length === this.offsetsFlow.store.all(group.groupId).length;
      if (gone.length === 0 && !removeGroup) continue;
      const records = gone.map((o) => ({ key: encodeOffsetKey(group.groupId, o.topic, o.partition), value: null }));
      if (removeGroup) records.push({ key: encodeGroupKey(group.groupId), value: null });
      try {
        await this.writer.write(group.groupId, records, now);
      } catch (e) {
        this.deps.logger.error('writing expired offsets failed', { group: group.groupId, error: String(e) });
        continue;
      }
      for (const o of gone) this.offsetsFlow.store.delete(group.groupId, o.topic, o.partition);
      expired += gone.length;
      if (removeGroup && group.is('Empty') && !this.offsetsFlow.store.hasOffsets(group.groupId)) {
        group.transitionTo('Dead', now);
        this.groups.delete(group.groupId);
        this.deps.logger.info('expired group', { group: group.groupId, offsets: gone.length });
      }
    }
    for (const group of [...this.consumerFlow.groups.values()]) expired += await this.expireConsumerGroupOffsets(group, now, retentionMs);
    return expired;
  }

  /** An empty consumer group whose every offset expired is deleted with them (Kafka's maybeDeleteGroup). */
  private async expireConsumerGroupOffsets(group: ConsumerGroup, now: number, retentionMs: number): Promise<number> {
    const all = this.offsetsFlow.store.all(group.groupId);
    const gone = expiredConsumerGroupOffsets(group, all, now, retentionMs);
    if (gone.length === 0) return 0;
    const removeGroup = gone.length === all.length;
    const result = await this.consumerFlow.run(
      group.groupId,
      (op) => {
        op.group = group;
        for (const o of gone) op.raw(encodeOffsetKey(group.groupId, o.topic, o.partition), null);
        if (removeGroup && group.isEmpty) this.consumerFlow.deleteGroupRecords(op, group);
        return ErrorCode.NONE;
      },
      (errorCode) => errorCode,
    );
    if (result !== ErrorCode.NONE) return 0;
    for (const o of gone) this.offsetsFlow.store.delete(group.groupId, o.topic, o.partition);
    if (removeGroup) this.deps.logger.info('expired group', { group: group.groupId, offsets: gone.length });
    return gone.length;
  }
}
