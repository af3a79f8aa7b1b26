// The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup driving each group
// through Kafka's state machine (group-state.ts), with the rebalance, initial-delay and session timers.
//
// The broker is assignor-agnostic: it picks a protocol every member supports, elects a leader, gives
// the leader every member's metadata, and hands out the leader's assignment in SyncGroup. Cooperative
// rebalancing (KIP-429) needs nothing more: the protocol bytes are carried through untouched.
//
// Invariants: a member has at most one parked JoinGroup and one parked SyncGroup (a second one
// completes the first with REBALANCE_IN_PROGRESS, so a pipelined connection never stalls); group
// state only changes synchronously, and the one await (persisting a generation) re-checks the
// generation before acting on its result.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/errors.js';
import type { JoinGroupRequestProtocol } from '../../protocol/messages/join-group.js';
import type { Logger } from '../../util/logger.js';
import { memberError, type ClassicGroup } from './classic-group.js';
import { GroupMember, type JoinOutcome, type SyncOutcome } from './member.js';
import { SessionTimers } from './session-timers.js';

export interface MembershipConfig {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxGroupSize: number;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly JoinGroupRequestProtocol[];
  /** v4+: an unknown member first gets MEMBER_ID_REQUIRED and a member id to rejoin with (KIP-394). */
  requireKnownMemberId: boolean;
  /** v9+: a rejoining static leader may skip the assignment (KIP-814). */
  supportsSkipAssignment: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: readonly { memberId: string; assignment: Buffer }[];
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** What the membership flow needs from the coordinator. */
export interface GroupRegistry {
  get(groupId: string): ClassicGroup | undefined;
  getOrCreate(groupId: string): ClassicGroup;
  /** Drops a group created by a join that failed before it had members or offsets. */
  dropIfUnused(group: ClassicGroup): void;
  /** Writes the group's GroupMetadataValue durably. */
  persist(group: ClassicGroup): Promise<void>;
}

export function joinError(errorCode: number, memberId = ''): JoinOutcome {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, skipAssignment: false, members: [] };
}

function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupMembership {
  private readonly sessions: SessionTimers;

  constructor(
    private readonly registry: GroupRegistry,
    private readonly config: MembershipConfig,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new SessionTimers(now, (group, member) => this.onSessionExpired(group, member));
  }

  close(): void {
    this.sessions.clear();
  }

  /** Starts session timers for members loaded from __consumer_offsets (they must heartbeat again). */
  adoptLoaded(group: ClassicGroup): void {
    for (const m of group.members.values()) this.sessions.touch(group, m);
  }

  /**
   * A classic group a consumer group was downgraded to (KIP-848 migration): its members' sessions start
   * now, and it rebalances when `reason` is given (Kafka's convertToClassicGroup).
   */
  adoptConverted(group: ClassicGroup, reason: string | null): void {
    this.adoptLoaded(group);
    if (reason !== null) this.prepareRebalance(group, reason);
  }

  /**
   * A classic group upgraded to a consumer group (KIP-848 migration): members waiting in JoinGroup or
   * SyncGroup are told to rejoin (REBALANCE_IN_PROGRESS), which takes them to the consumer group; its
   * timers stop. The members themselves live on in the consumer group.
   */
  retire(group: ClassicGroup): void {
    for (const m of group.members.values()) {
      m.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, m.memberId));
      m.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      this.sessions.cancel(m);
    }
    for (const t of group.pendingMembers.values()) clearTimeout(t);
    group.pendingMembers.clear();
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  async join(req: JoinRequest): Promise<JoinOutcome> {
    if (req.groupId === '') return joinError(ErrorCode.INVALID_GROUP_ID, req.memberId);
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    const unknown = req.memberId === '';
    const existing = this.registry.get(req.groupId);
    if (!existing && !unknown) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
    const group = existing ?? this.registry.getOrCreate(req.groupId);
    const outcome = this.joinGroup(group, req, unknown);
    if (!existing) {
      void outcome.then((o) => {
        if (o.errorCode !== ErrorCode.NONE && o.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) this.registry.dropIfUnused(group);
      });
    }
    return outcome;
  }

  private joinGroup(group: ClassicGroup, req: JoinRequest, unknown: boolean): Promise<JoinOutcome> {
    if (group.is('Dead')) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    const isReturningStatic = req.groupInstanceId !== null && group.staticMemberId(req.groupInstanceId) !== undefined;
    const isNew = unknown ? !isReturningStatic : group.pendingMembers.has(req.memberId);
    if (isNew && group.size + group.pendingMembers.size >= this.config.maxGroupSize && !group.pendingMembers.has(req.memberId)) {
      return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, req.memberId));
    }
    return unknown ? this.joinUnknownMember(group, req) : this.joinKnownMember(group, req);
  }

  private joinUnknownMember(group: ClassicGroup, req: JoinRequest): Promise<JoinOutcome> {
    const memberId = `${req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const oldId = group.staticMemberId(req.groupInstanceId);
      if (oldId !== undefined) return this.replaceStaticMember(group, req, oldId, memberId);
      return this.addMemberAndRebalance(group, req, memberId);
    }
    if (req.requireKnownMemberId) {
      // KIP-394: the member id is handed out first, so a client that times out and retries its
      // JoinGroup cannot leave orphan members behind. It expires if the member never rejoins.
      const timer = setTimeout(() => {
        group.pendingMembers.delete(memberId);
        this.tryCompleteJoin(group);
      }, req.sessionTimeoutMs);
      timer.unref();
      group.pendingMembers.set(memberId, timer);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, req, memberId);
  }

  private joinKnownMember(group: ClassicGroup, req: JoinRequest): Promise<JoinOutcome> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req, req.memberId);
    }
    const invalid = memberError(group, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(joinError(invalid, req.memberId));
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, 'member rejoined');
      case 'CompletingRebalance':
        // The member lost its JoinGroup response: send it again rather than start over.
        if (member.sameProtocols(req.protocols)) return Promise.resolve(this.currentGeneration(group, member, false));
        return this.updateMemberAndRebalance(group, member, req, 'member changed its protocols');
      case 'Stable':
        // A rejoining leader wants to reassign (e.g. its subscription's topics changed).
        if (group.isLeader(member.memberId) || !member.sameProtocols(req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, 'leader rejoined or member changed its protocols');
        }
        return Promise.resolve(this.currentGeneration(group, member, false));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  /** The current generation as a JoinGroup answer; the leader gets the member list. */
  private currentGeneration(group: ClassicGroup, member: GroupMember, skipAssignment: boolean): JoinOutcome {
    const leader = group.isLeader(member.memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      skipAssignment: leader && skipAssignment,
      members: leader ? group.memberListForLeader() : [],
    };
  }

  private addMemberAndRebalance(group: ClassicGroup, req: JoinRequest, memberId: string): Promise<JoinOutcome> {
    const member = new GroupMember({ ...req, memberId });
    member.isNew = true;
    group.add(member);
    if (group.is('PreparingRebalance')) group.newMemberAdded = true;
    const joined = this.parkJoin(member);
    this.sessions.touch(group, member);
    this.maybePrepareRebalance(group, `member ${memberId} joined`);
    this.tryCompleteJoin(group);
    return joined;
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, req: JoinRequest, reason: string): Promise<JoinOutcome> {
    member.update(req);
    const joined = this.parkJoin(member);
    this.sessions.touch(group, member);
    this.maybePrepareRebalance(group, reason);
    this.tryCompleteJoin(group);
    return joined;
  }

  /**
   * KIP-345: a static member restarted (new member id, same group.instance.id). The old id is fenced;
   * in a Stable group with unchanged protocols it gets the current generation back without a
   * rebalance, keeping its assignment, and the others never notice.
   */
  private async replaceStaticMember(group: ClassicGroup, req: JoinRequest, oldId: string, newId: string): Promise<JoinOutcome> {
    const member = group.members.get(oldId)!;
    member.completeJoin(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    member.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const before = { protocols: member.protocols, sessionTimeoutMs: member.sessionTimeoutMs, rebalanceTimeoutMs: member.rebalanceTimeoutMs, clientId: member.clientId, clientHost: member.clientHost };
    group.replaceStaticMember(req.groupInstanceId!, oldId, newId);
    this.sessions.touch(group, member);
    if (!group.is('Stable')) return this.updateMemberAndRebalance(group, member, req, `static member ${req.groupInstanceId} restarted`);
    const protocol = group.protocolName;
    member.update(req);
    // As Kafka: only a change of the selected protocol forces a rebalance, not changed metadata.
    if (group.selectProtocol() !== protocol) {
      const joined = this.parkJoin(member);
      this.prepareRebalance(group, `static member ${req.groupInstanceId} restarted with other protocols`);
      return joined;
    }
    const generation = group.generationId;
    try {
      await this.registry.persist(group);
    } catch (e) {
      this.logger.error('persisting a static member replacement failed', { group: group.groupId, error: String(e) });
      if (group.generationId === generation && group.members.get(newId) === member) {
        group.replaceStaticMember(req.groupInstanceId!, newId, oldId);
        member.update(before);
      }
      return joinError(ErrorCode.UNKNOWN_SERVER_ERROR, newId);
    }
    if (group.members.get(newId) !== member) return joinError(ErrorCode.FENCED_INSTANCE_ID, newId);
    if (group.generationId !== generation || !group.is('Stable')) return joinError(ErrorCode.REBALANCE_IN_PROGRESS, newId);
    this.logger.info('static member rejoined without a rebalance', { group: group.groupId, instance: req.groupInstanceId, memberId: newId });
    return this.currentGeneration(group, member, req.supportsSkipAssignment);
  }

  private parkJoin(member: GroupMember): Promise<JoinOutcome> {
    if (member.awaitingJoin) member.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
    });
  }

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) {
      // Assignments handed to the leader are void: everyone rejoins.
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    const initial = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.logger.info('preparing to rebalance', { group: group.groupId, generation: group.generationId, reason });
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.initialDelay = false;
    if (initial && this.config.initialRebalanceDelayMs > 0) {
      // KIP-134: the first rebalance of an empty group waits for more members, extended while
      // they keep arriving, up to the rebalance timeout.
      group.newMemberAdded = false;
      group.initialDelay = true;
      this.scheduleInitialJoin(group, this.config.initialRebalanceDelayMs, Math.max(group.maxRebalanceTimeoutMs() - this.config.initialRebalanceDelayMs, 0));
      return;
    }
    group.joinTimer = setTimeout(() => this.completeJoin(group), group.maxRebalanceTimeoutMs());
    group.joinTimer.unref();
  }

  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    const timer = setTimeout(() => {
      if (group.joinTimer !== timer) return;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.config.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, remainingMs - next);
        return;
      }
      this.completeJoin(group);
    }, delayMs);
    timer.unref();
    group.joinTimer = timer;
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.initialDelay) return; // the initial delay runs its course
    if (group.allMembersJoined()) this.completeJoin(group);
  }

  /** Ends the join phase: members that did not rejoin are out, a new generation starts. */
  private completeJoin(group: ClassicGroup): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.initialDelay = false;
    if (!group.is('PreparingRebalance')) return;
    for (const m of [...group.members.values()]) {
      // Static members keep their place until their session expires (KIP-345).
      if (!m.awaitingJoin && !m.isStatic) this.removeMember(group, m);
    }
    const now = this.now();
    group.generationId++;
    if (group.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo('Empty', now);
      this.logger.info('group is empty', { group: group.groupId, generation: group.generationId });
      this.persistInBackground(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
    if (!leader?.awaitingJoin) {
      const joined = [...group.members.values()].find((m) => m.awaitingJoin);
      if (joined) group.leaderId = joined.memberId;
    }
    group.transitionTo('CompletingRebalance', now);
    this.logger.info('rebalance: new generation', { group: group.groupId, generation: group.generationId, protocol: group.protocolName, members: group.size });
    for (const m of group.members.values()) {
      if (!m.awaitingJoin) continue;
      m.completeJoin(this.currentGeneration(group, m, false));
      this.sessions.touch(group, m);
    }
  }

  async sync(req: SyncRequest): Promise<SyncOutcome> {
    const group = this.registry.get(req.groupId);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const invalid = memberError(group, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return syncError(invalid);
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    // v5+: the protocol the member believes in must be the group's.
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.sessions.touch(group, member);
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      case 'CompletingRebalance':
        break;
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    const synced = new Promise<SyncOutcome>((resolve) => {
      member.awaitingSync = resolve;
    });
    this.sessions.touch(group, member);
    if (group.isLeader(member.memberId)) await this.completeSync(group, req.assignments);
    return synced;
  }

  /** The leader's assignment: persist the generation, then answer every parked SyncGroup. */
  private async completeSync(group: ClassicGroup, assignments: SyncRequest['assignments']): Promise<void> {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0);
    const generation = group.generationId;
    let failed = false;
    try {
      await this.registry.persist(group);
    } catch (e) {
      this.logger.error('persisting the group assignment failed', { group: group.groupId, error: String(e) });
      failed = true;
    }
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    if (failed) {
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.completeSync(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
      this.prepareRebalance(group, 'the assignment could not be persisted');
      return;
    }
    group.transitionTo('Stable', this.now());
    this.logger.info('group is stable', { group: group.groupId, generation });
    for (const m of group.members.values()) {
      m.completeSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.registry.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const invalid = memberError(group, memberId, groupInstanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        this.sessions.touch(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.sessions.touch(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** LeaveGroup, one or many members (v3+ batches them, KIP-345). */
  leave(groupId: string, leaving: readonly { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    const group = this.registry.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((l) => ({ ...l, errorCode: this.leaveOne(group, l.memberId, l.groupInstanceId) }));
    return { errorCode: ErrorCode.NONE, members };
  }

  private leaveOne(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMemberId(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      this.removeMemberAndUpdateGroup(group, group.members.get(current)!, `static member ${groupInstanceId} left`);
      return ErrorCode.NONE;
    }
    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(memberId);
      this.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMemberAndUpdateGroup(group, member, `member ${memberId} left`);
    return ErrorCode.NONE;
  }

  private onSessionExpired(group: ClassicGroup, member: GroupMember): void {
    if (group.members.get(member.memberId) !== member) return;
    this.logger.info('member session expired', { group: group.groupId, memberId: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs });
    this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId} session expired`);
  }

  private removeMember(group: ClassicGroup, member: GroupMember): void {
    member.completeJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    this.sessions.cancel(member);
    group.remove(member.memberId);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember, reason: string): void {
    this.removeMember(group, member);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.prepareRebalance(group, reason);
    this.tryCompleteJoin(group);
  }

  /** Removes every member and timer of a group about to be deleted or unloaded. */
  forget(group: ClassicGroup): void {
    for (const m of [...group.members.values()]) this.removeMember(group, m);
    for (const t of group.pendingMembers.values()) clearTimeout(t);
    group.pendingMembers.clear();
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  private persistInBackground(group: ClassicGroup): void {
    this.registry.persist(group).catch((e: unknown) => {
      this.logger.error('persisting the group failed', { group: group.groupId, error: String(e) });
    });
  }
}
