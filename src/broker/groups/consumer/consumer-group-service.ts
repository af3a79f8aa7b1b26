// Runs KIP-848 consumer groups: owns them, runs each operation (heartbeat, classic-member request,
// timer) and applies its records, persists them to __consumer_offsets, and fences members whose timers
// fire. The flows (heartbeat-flow.ts, classic-member-flow.ts) decide; this module commits.
//
// An operation runs synchronously against the groups as they are, produces records (operation.ts),
// and is applied at once (replay), so the next operation sees it; its response waits until the
// records are fsynced. Records of one group are written in the order their operations ran (one chain
// per group), so the log replays to the state that was served. A failed write (a broken disk) is
// answered with COORDINATOR_NOT_AVAILABLE, and the group is rebuilt from what its partition of
// __consumer_offsets holds (Kafka reverts to its last committed state the same way): its members then
// find the group as it durably was, and rejoin where that is not where they thought they were.
import { ErrorCode } from '../../../protocol/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { ClassicGroup } from '../classic-group.js';
import type { OffsetsTopicWriter } from '../offsets-topic.js';
import type { AssignorRegistry } from './assignors/assignors.js';
import { ConsumerGroup } from './consumer-group.js';
import { encodeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer-records.js';
import { timerKey, type ConsumerGroupSettings, type FlowContext, type GroupWrite } from './flow-context.js';
import { consumerGroupTombstones } from './group-conversion.js';
import { GroupError } from './group-error.js';
import { KeyedTimers } from './keyed-timers.js';
import { fenceMembers, maybeBumpGroupEpoch } from './membership-steps.js';
import { Operation } from './operation.js';
import { metadataHash, type TopicsView } from './topic-metadata.js';
import { resolveRegexes } from './topic-regex.js';

/** The classic groups, as the consumer-group service must see them for migrations. */
export interface ClassicDirectory {
  get(groupId: string): ClassicGroup | undefined;
  /** A classic group replaced by a consumer group: drop it and its timers. */
  drop(group: ClassicGroup): void;
  /** A classic group a consumer group was downgraded to: register it, start its timers, rebalance when asked. */
  adopt(group: ClassicGroup, rebalanceReason: string | null): void;
}

export interface ConsumerGroupServiceDeps {
  logger: Logger;
  settings: ConsumerGroupSettings;
  topics: TopicsView;
  assignors: AssignorRegistry;
  writer: () => OffsetsTopicWriter;
  classic: ClassicDirectory;
  /** Whether a share group holds the id (group-kinds.ts). */
  isShareGroup?: (groupId: string) => boolean;
  /** The group's records as its __consumer_offsets partition holds them, in log order (after a failed write). */
  reload?: (groupId: string) => Promise<ConsumerGroupRecord[]>;
  now?: () => number;
}

/** Kafka refreshes a group's regexes at most once per 10 s (GroupMetadataManager). */
const REGEX_MIN_REFRESH_MS = 10_000;

export class ConsumerGroupService implements FlowContext {
  readonly groups = new Map<string, ConsumerGroup>();
  readonly timers: KeyedTimers;
  readonly logger: Logger;
  readonly settings: ConsumerGroupSettings;
  readonly topics: TopicsView;
  readonly assignors: AssignorRegistry;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly regexChecks = new Map<string, boolean>();
  private readonly lastRegexCheck = new Map<string, number>();
  private readonly reloading = new Set<string>();
  private regexVersion = 0n;
  private closed = false;

  constructor(private readonly deps: ConsumerGroupServiceDeps) {
    this.logger = deps.logger;
    this.settings = deps.settings;
    this.topics = deps.topics;
    this.assignors = deps.assignors;
    this.timers = new KeyedTimers(this.now);
  }

  readonly now = (): number => (this.deps.now ?? Date.now)();

  consumerGroup(groupId: string): ConsumerGroup | undefined {
    const g = this.groups.get(groupId);
    return g && !g.dead ? g : undefined;
  }

  classicGroup(groupId: string): ClassicGroup | undefined {
    return this.deps.classic.get(groupId);
  }

  isShareGroup(groupId: string): boolean {
    return this.deps.isShareGroup?.(groupId) ?? false;
  }

  close(): void {
    this.closed = true;
    this.timers.clear();
  }

  /**
   * Runs one operation: `body` computes the response and the records; on a GroupError nothing is
   * applied and `onError` answers. Resolves once the records are durable.
   */
  async run<T>(groupId: string, body: (op: Operation) => T, onError: (errorCode: number, message: string) => T, afterWrite?: (result: T) => void): Promise<T> {
    const op = new Operation(groupId);
    let result: T;
    try {
      result = body(op);
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      this.logger.debug('group operation refused', { group: groupId, errorCode: e.errorCode, error: e.message });
      return onError(e.errorCode, e.message);
    }
    if (op.isEmpty) {
      afterWrite?.(result);
      return result;
    }
    this.apply(op);
    try {
      await this.write(groupId, op.writes);
    } catch (e) {
      this.logger.error('writing consumer group records failed; reloading the group from its log', { group: groupId, error: String(e) });
      this.reloadAfterFailure(groupId);
      return onError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The group coordinator could not persist the group.');
    }
    afterWrite?.(result);
    return result;
  }

  private apply(op: Operation): void {
    if (op.replacedClassic) this.deps.classic.drop(op.replacedClassic);
    const group = op.group;
    if (group) {
      for (let i = op.appliedUpTo; i < op.writes.length; i++) {
        const w = op.writes[i]!;
        if (w.kind === 'consumer') group.replay(w.record);
      }
      if (group.dead) {
        if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
        this.timers.cancelPrefix(timerKey.group(group.groupId));
      } else if (op.writes.some((w) => w.kind === 'consumer')) {
        this.groups.set(group.groupId, group);
      }
    }
    if (op.downgradedTo) this.deps.classic.adopt(op.downgradedTo.group, op.downgradedTo.rebalanceReason);
  }

  /** Appends records after every earlier write of the group (one chain per group). */
  private write(groupId: string, writes: readonly GroupWrite[]): Promise<void> {
    const records = writes.map((w) => (w.kind === 'consumer' ? encodeConsumerGroupRecord(w.record) : { key: w.key, value: w.value }));
    const previous = this.chains.get(groupId) ?? Promise.resolve();
    const written = previous.then(() => this.deps.writer().write(groupId, records, this.now()));
    const tail = written.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(groupId, tail);
    void tail.then(() => {
      if (this.chains.get(groupId) === tail) this.chains.delete(groupId);
    });
    return written;
  }

  /** Drops the group and replays what is durable, once the writes already queued for it have settled. */
  private reloadAfterFailure(groupId: string): void {
    if (this.reloading.has(groupId) || !this.deps.reload) return;
    this.reloading.add(groupId);
    const reload = this.deps.reload;
    void (this.chains.get(groupId) ?? Promise.resolve())
      .then(async () => {
        const records = await reload(groupId);
        this.groups.delete(groupId);
        this.timers.cancelPrefix(timerKey.group(groupId));
        for (const r of records) this.replayLoaded(r);
        const group = this.groups.get(groupId);
        if (group) this.startSessions(group);
        this.logger.info('reloaded the consumer group from its log', { group: groupId, members: group?.members.size ?? 0 });
      })
      .catch((e: unknown) => this.logger.error('reloading the consumer group failed', { group: groupId, error: String(e) }))
      .finally(() => this.reloading.delete(groupId));
  }

  /** Rebuilds a group from records read back at start (offsets-topic-loader.ts), in log order. */
  replayLoaded(record: ConsumerGroupRecord): void {
    let group = this.groups.get(record.groupId);
    if (!group || group.dead) {
      if (record.type === 'group-epoch' && record.value === null) return;
      group = new ConsumerGroup(record.groupId, this.now());
      this.groups.set(record.groupId, group);
    }
    group.replay(record);
    if (group.dead) this.groups.delete(record.groupId);
  }

  /** After loading: every member must heartbeat within its session again (Kafka's onLoaded). */
  startLoaded(): void {
    for (const g of this.groups.values()) this.startSessions(g);
  }

  private startSessions(g: ConsumerGroup): void {
    for (const m of g.members.values()) {
      const timeout = m.classicMemberMetadata?.sessionTimeoutMs ?? this.settings.sessionTimeoutMs(g.groupId);
      this.timers.schedule(timerKey.session(g.groupId, m.memberId), timeout, () => this.fenceLater(g.groupId, m.memberId, 'the member session expired'));
    }
  }

  fenceLater(groupId: string, memberId: string, reason: string, memberEpoch?: number): void {
    if (this.closed) return;
    void this.run(
      groupId,
      (op) => {
        const group = this.consumerGroup(groupId);
        const member = group?.members.get(memberId);
        if (!group || !member) return;
        if (memberEpoch !== undefined && member.memberEpoch !== memberEpoch) return;
        op.group = group;
        this.logger.info('member fenced from the consumer group', { group: groupId, memberId, reason });
        fenceMembers(this, op, group, [member]);
      },
      () => undefined,
    ).catch((e: unknown) => this.logger.error('fencing a member failed', { group: groupId, memberId, error: String(e) }));
  }

  refreshRegexes(groupId: string, required: boolean): void {
    if (this.closed) return;
    const pending = this.regexChecks.get(groupId);
    this.regexChecks.set(groupId, (pending ?? false) || required);
    if (pending !== undefined) return;
    setImmediate(() => {
      const req = this.regexChecks.get(groupId) ?? false;
      this.regexChecks.delete(groupId);
      void this.run(groupId, (op) => this.resolveRegexesOp(op, req), () => undefined).catch((e: unknown) =>
        this.logger.error('refreshing regular expressions failed', { group: groupId, error: String(e) }),
      );
    }).unref();
  }

  /**
   * Kafka's regex refresh (maybeUpdateRegularExpressions + handleRegularExpressionsResult): at most
   * every 10 s, resolve every subscribed regex when one is new, the topics changed, or the refresh
   * interval passed; write the resolutions and bump the group epoch when a resolution changed.
   */
  private resolveRegexesOp(op: Operation, required: boolean): void {
    const group = this.consumerGroup(op.groupId);
    if (!group || group.subscribedRegexes.size === 0) return;
    const now = this.now();
    let lastRefresh = Number.NEGATIVE_INFINITY;
    for (const r of group.resolvedRegexes.values()) lastRefresh = Math.max(lastRefresh, r.timestamp);
    if (now <= lastRefresh + REGEX_MIN_REFRESH_MS) return;
    const newRegex = [...group.subscribedRegexes.keys()].some((r) => !group.resolvedRegexes.has(r));
    const periodic = now > lastRefresh + this.settings.regexRefreshIntervalMs;
    if (!required && !newRegex && !periodic && now <= (this.lastRegexCheck.get(op.groupId) ?? Number.NEGATIVE_INFINITY) + REGEX_MIN_REFRESH_MS) return;
    this.lastRegexCheck.set(op.groupId, now);
    const resolved = resolveRegexes(group.subscribedRegexes.keys(), this.topics.names());
    const differs = (regex: string, topics: ReadonlySet<string>): boolean => {
      const old = group.resolvedRegexes.get(regex)?.topics;
      return !old || old.size !== topics.size || [...topics].some((t) => !old.has(t));
    };
    const changed = [...resolved].some(([regex, topics]) => differs(regex, topics));
    if (!changed && !required && !newRegex && !periodic) return;
    const records: ConsumerGroupRecord[] = [];
    const subscribed = new Map([...group.subscribedTopics].map(([t, c]) => [t, { ...c }]));
    const version = ++this.regexVersion;
    for (const [regex, topics] of resolved) {
      for (const t of group.resolvedRegexes.get(regex)?.topics ?? []) {
        const c = subscribed.get(t);
        if (c && --c.byRegex <= 0 && c.byName <= 0) subscribed.delete(t);
      }
      for (const t of topics) {
        const c = subscribed.get(t) ?? { byName: 0, byRegex: 0 };
        c.byRegex++;
        subscribed.set(t, c);
      }
      records.push({ type: 'regex', groupId: op.groupId, regex, value: { topics, version, timestamp: now } });
    }
    if (records.length === 0) return;
    op.group = group;
    op.addAll(records);
    const hash = metadataHash(subscribed.keys(), this.topics);
    if (changed || hash !== group.metadataHash) {
      op.add({ type: 'group-epoch', groupId: op.groupId, value: { epoch: group.groupEpoch + 1, metadataHash: hash } });
      this.logger.info('regular expressions resolved to other topics; bumped the group epoch', { group: op.groupId, epoch: group.groupEpoch + 1 });
    }
  }

  /** Deletes an empty consumer group's records (DeleteGroups, expiry, or a classic member taking the id). */
  deleteGroupRecords(op: Operation, group: ConsumerGroup): void {
    op.group = group;
    op.addAll(consumerGroupTombstones(group));
  }

  /** Used by tests and the group admin: bump a group whose subscribed topics changed without a heartbeat. */
  checkMetadata(op: Operation, group: ConsumerGroup): void {
    op.group = group;
    maybeBumpGroupEpoch(this, op, group, undefined, undefined, false);
  }
}
