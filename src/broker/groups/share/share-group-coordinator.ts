// The share-group coordinator (KIP-932), beside the classic one: membership through
// ShareGroupHeartbeat with server-side assignment, group configs, share sessions, and the queue
// engine that holds every share-partition's delivery state (src/broker/queues). One node
// coordinates every share group.
//
// Membership (Kafka's GroupMetadataManager.shareGroupHeartbeat): epoch 0 joins (the group is
// created on first join), -1 leaves; any other epoch must be the member's current one (or the one
// before it: a lost response). A change of subscriptions, of members, or of the subscribed topics'
// partitions bumps the group epoch and recomputes the target assignment (simple-assignor.ts), which
// every member takes on its next heartbeat. A member that stops heartbeating for
// share.session.timeout.ms is fenced. Leaving or being fenced releases the member's acquired
// records and ends its share session.
//
// Groups persist through their share-partition state: after a restart the groups with state are
// listed (Empty until members rejoin), as Kafka lists share groups from __consumer_offsets.
import { ErrorCode } from '../../../protocol/errors.js';
import type { FileSystem, PartitionLog } from '../../../storage/index.js';
import type { GroupCoordinator } from '../group-coordinator.js';
import { LazyInternalTopic } from '../lazy-internal-topic.js';
import {
  DeadLetterWriter,
  QueueEngine,
  ShareStateLog,
  SHARE_STATE_TOPIC,
  SHARE_STATE_TOPIC_CONFIGS,
  StatePersister,
  type DeadLetterTarget,
  type DeliveryPolicy,
  type PartitionBinding,
  type ShareSlot,
} from '../../queues/index.js';
import type { BrokerService, ServiceDeps } from '../../service.js';
import { topicIdToWire } from '../../topics/topic-ids.js';
import { initialOffset, parseAutoOffsetReset } from './auto-offset-reset.js';
import type { GroupConfigStore } from '../group-configs.js';
import { ShareGroup, ShareGroupMember, sameAssignment } from './share-group.js';
import { listShareGroups } from './share-group-listing.js';
import { ShareSessions } from './share-sessions.js';

export interface ShareGroupCoordinatorDeps extends ServiceDeps {
  fs: FileSystem;
  dataDir: string;
  /** Classic groups: a group id is of one type only. */
  classicGroups: GroupCoordinator;
}

export interface HeartbeatInput {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  rackId: string | null;
  subscribedTopicNames: string[] | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatOutput {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

export class ShareGroupCoordinator implements BrokerService {
  readonly groups = new Map<string, ShareGroup>();
  readonly configs: GroupConfigStore;
  readonly sessions: ShareSessions;
  engine!: QueueEngine;
  private readonly now = (): number => Date.now();

  constructor(readonly deps: ShareGroupCoordinatorDeps) {
    // One store of group configs for every kind of group, owned (and loaded) by the group coordinator.
    this.configs = deps.classicGroups.configs;
    deps.classicGroups.kinds.register({
      type: 'share',
      has: (id) => this.groups.has(id),
      list: () => listShareGroups(this),
      delete: (id) => this.deleteGroup(id),
    });
    this.sessions = new ShareSessions(
      () => deps.config.getNumber('group.share.max.share.sessions'),
      (groupId, memberId) => void this.engine.releaseMember(groupId, memberId),
    );
  }

  async start(): Promise<void> {
    const { config, topics, logs, logger } = this.deps;
    const existing = topics.get(SHARE_STATE_TOPIC);
    const partitions = existing?.partitions ?? config.getNumber('share.coordinator.state.topic.num.partitions');
    const stateTopic = new LazyInternalTopic(topics, SHARE_STATE_TOPIC, partitions, SHARE_STATE_TOPIC_CONFIGS, logger);
    const stateLog = new ShareStateLog(logs, partitions, () => stateTopic.ensure());
    const persister = new StatePersister(stateLog, Math.max(1, config.getNumber('share.coordinator.snapshot.update.records.per.snapshot')), this.now);
    const deadLetters = new DeadLetterWriter({ partitionsOf: (topic) => this.deadLetterPartitions(topic) }, this.now);
    this.engine = new QueueEngine({ persister, deadLetters, logger: logger.child({ component: 'queues' }), now: this.now, pruneIntervalMs: config.getNumber('share.coordinator.state.topic.prune.interval.ms') });
    await this.engine.start(existing !== undefined);
    for (const key of this.engine.keys()) {
      // State of a topic deleted while the broker was down goes with it.
      if (topics.nameForId(key.topicId) === undefined) {
        await this.engine.delete(key).catch((e: unknown) => logger.warn('deleting share state of a deleted topic failed', { group: key.groupId, error: String(e) }));
        continue;
      }
      if (!this.groups.has(key.groupId)) this.groups.set(key.groupId, new ShareGroup(key.groupId));
    }
  }

  async close(): Promise<void> {
    for (const g of this.groups.values()) for (const m of g.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
    await this.engine?.close();
  }

  /** A group id held by another kind of group (classic or KIP-848 consumer): one kind per id. */
  private otherKind(groupId: string): boolean {
    const type = this.deps.classicGroups.kinds.typeOf(groupId);
    return type !== undefined && type !== 'share';
  }

  /** ShareGroupHeartbeat (key 76). */
  heartbeat(req: HeartbeatInput): HeartbeatOutput {
    const interval = this.configs.getNumber(req.groupId, 'share.heartbeat.interval.ms');
    const fail = (errorCode: number, errorMessage: string): HeartbeatOutput => ({ errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    if (req.memberId === '' || req.memberId.length > 36) return fail(ErrorCode.INVALID_REQUEST, req.memberId === '' ? "MemberId can't be empty." : 'Invalid member id in the request.');
    if (req.groupId === '') return fail(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.");
    if (req.rackId === '') return fail(ErrorCode.INVALID_REQUEST, "RackId can't be empty.");
    if (req.memberEpoch === 0 && (req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0)) {
      return fail(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames must be set in first request.');
    }
    if (req.memberEpoch < -1) return fail(ErrorCode.INVALID_REQUEST, 'MemberEpoch is invalid.');
    if (this.otherKind(req.groupId)) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a share group.`);
    let group = this.groups.get(req.groupId);
    if (req.memberEpoch === -1) {
      const member = group?.members.get(req.memberId);
      if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      this.removeMember(group, member, 'left the group');
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    if (!group) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Share group ${req.groupId} not found.`);
      group = new ShareGroup(req.groupId);
      this.groups.set(req.groupId, group);
    }
    let member = group.members.get(req.memberId);
    if (!member) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      if (group.members.size >= this.deps.config.getNumber('group.share.max.size')) {
        return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The share group has reached its maximum capacity of ${this.deps.config.getNumber('group.share.max.size')} members.`);
      }
      member = new ShareGroupMember(req.memberId);
      group.members.set(req.memberId, member);
      group.groupEpoch++;
      this.deps.logger.info('member joined share group', { group: req.groupId, member: req.memberId });
    } else if (req.memberEpoch !== 0 && req.memberEpoch !== member.memberEpoch && req.memberEpoch !== member.previousMemberEpoch) {
      const which = req.memberEpoch > member.memberEpoch ? 'greater' : 'smaller';
      return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The share group member has a ${which} member epoch (${req.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    }
    const before = member.assignment;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    if (req.rackId !== null) member.rackId = req.rackId;
    if (req.subscribedTopicNames !== null) {
      const next = [...new Set(req.subscribedTopicNames)].sort();
      if (next.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) {
        member.subscribedTopicNames = next;
        group.groupEpoch++;
      }
    }
    const counts = this.partitionCounts(group);
    group.noteTopicMetadata(counts);
    group.maybeReassign(counts);
    group.updateState();
    // No revocation phase in share groups: the member takes its target at once.
    member.assignment = member.target;
    if (member.memberEpoch !== group.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = group.assignmentEpoch;
    }
    this.armSession(group, member);
    const full = req.memberEpoch === 0 || req.subscribedTopicNames !== null || !sameAssignment(before, member.assignment);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: interval,
      assignment: full ? { topicPartitions: this.wireAssignment(member.assignment) } : null,
    };
  }

  /** The topic ids and partitions of an assignment, as ShareGroupHeartbeat/Describe carry them. */
  wireAssignment(assignment: ReadonlyMap<string, readonly number[]>): { topicId: string; topicName: string; partitions: number[] }[] {
    const out: { topicId: string; topicName: string; partitions: number[] }[] = [];
    for (const [topic, partitions] of assignment) {
      const info = this.deps.topics.get(topic);
      if (info) out.push({ topicId: topicIdToWire(info.topicId), topicName: topic, partitions: [...partitions] });
    }
    return out;
  }

  private partitionCounts(group: ShareGroup): Map<string, number> {
    const counts = new Map<string, number>();
    for (const t of group.subscribedTopics()) {
      const info = this.deps.topics.get(t);
      if (info) counts.set(t, info.partitions);
    }
    return counts;
  }

  private armSession(group: ShareGroup, member: ShareGroupMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    const timeout = this.configs.getNumber(group.groupId, 'share.session.timeout.ms');
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) === member) this.removeMember(group, member, 'session timed out');
    }, timeout);
    member.sessionTimer.unref();
  }

  /** Removes a member (leave, session timeout): the group epoch moves and its records are released. */
  removeMember(group: ShareGroup, member: ShareGroupMember, why: string): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    group.members.delete(member.memberId);
    group.groupEpoch++;
    group.updateState();
    this.sessions.close(group.groupId, member.memberId);
    void this.engine.releaseMember(group.groupId, member.memberId);
    this.deps.logger.info('member left share group', { group: group.groupId, member: member.memberId, why });
  }

  /** The delivery policy of a group's share-partitions, from its group configs. */
  policyFor(groupId: string): DeliveryPolicy {
    return {
      lockDurationMs: this.configs.getNumber(groupId, 'share.record.lock.duration.ms'),
      deliveryLimit: this.configs.getNumber(groupId, 'share.delivery.count.limit'),
      maxInFlight: this.configs.getNumber(groupId, 'share.partition.max.record.locks'),
      renewEnabled: this.configs.get(groupId, 'share.renew.acknowledge.enable') === 'true',
      deadLetter: false,
    };
  }

  /**
   * Where a group's archived records go: its brook.share.dead.letter.topic, else its Kafka
   * errors.deadletterqueue.topic.name (if the broker's prefix rule and the topic allow it), else the
   * source topic's brook.share.dead.letter.topic.
   */
  deadLetterFor(groupId: string, topic: string): DeadLetterTarget | null {
    const brook = this.configs.get(groupId, 'brook.share.dead.letter.topic');
    if (brook !== '') return { topic: brook, copyRecord: true };
    const kafka = this.configs.get(groupId, 'errors.deadletterqueue.topic.name');
    if (kafka !== '') {
      const prefix = this.deps.config.get('errors.deadletterqueue.topic.name.prefix') ?? '';
      const info = this.deps.topics.get(kafka);
      const allowed = kafka.startsWith(prefix) && (info ? info.configs['errors.deadletterqueue.group.enable'] === 'true' : this.deps.config.getBoolean('errors.deadletterqueue.auto.create.topics.enable'));
      if (allowed) return { topic: kafka, copyRecord: this.configs.get(groupId, 'errors.deadletterqueue.copy.record.enable') === 'true' };
      return null;
    }
    const fromTopic = this.deps.topics.get(topic)?.configs['brook.share.dead.letter.topic'] ?? '';
    return fromTopic !== '' ? { topic: fromTopic, copyRecord: true } : null;
  }

  /** Binds (creating at share.auto.offset.reset when new) the group's share-partition of a topic-partition. */
  openPartition(groupId: string, topic: string, topicId: string, partition: number, log: PartitionLog): Promise<ShareSlot> {
    const binding: PartitionBinding = {
      owner: groupId,
      topic,
      partition,
      log,
      policy: () => this.policyFor(groupId),
      deadLetter: () => this.deadLetterFor(groupId, topic),
    };
    // A group id fetched from first (members may fetch before their first heartbeat lands) is a share group.
    if (!this.groups.has(groupId) && !this.otherKind(groupId)) this.groups.set(groupId, new ShareGroup(groupId));
    return this.engine.open({ groupId, topicId, partition }, binding, () => {
      const reset = parseAutoOffsetReset(this.configs.get(groupId, 'share.auto.offset.reset')) ?? { kind: 'latest' as const };
      return initialOffset(log, reset, this.now());
    });
  }

  /** DeleteGroups for a share group: only when Empty; its share-partition state is deleted durably. */
  async deleteGroup(groupId: string): Promise<{ errorCode: number; errorMessage: string | null }> {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Share group ${groupId} not found.` };
    if (group.members.size > 0) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: 'The group is not empty.' };
    try {
      for (const key of this.engine.keys(groupId)) await this.engine.delete(key);
    } catch (e) {
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: `deleting the share group state failed: ${String(e)}` };
    }
    group.state = 'Dead';
    this.groups.delete(groupId);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Dead-letter topic partitions, creating the topic (broker defaults) when missing. */
  private async deadLetterPartitions(topic: string): Promise<readonly PartitionLog[] | null> {
    let info = this.deps.topics.get(topic);
    if (!info) {
      const created = await this.deps.topics.create({ name: topic, numPartitions: -1, replicationFactor: -1, configs: { 'errors.deadletterqueue.group.enable': 'true' } });
      if (created.errorCode !== ErrorCode.NONE && created.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) return null;
      info = this.deps.topics.get(topic);
      if (!info) return null;
      this.deps.logger.info('created dead-letter topic', { topic, partitions: info.partitions });
    }
    const out: PartitionLog[] = [];
    for (let p = 0; p < info.partitions; p++) {
      const log = this.deps.logs.getLog(topic, p);
      if (log) out.push(log);
    }
    return out;
  }
}
