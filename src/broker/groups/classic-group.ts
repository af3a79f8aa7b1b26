// A classic consumer group's membership and generation (Kafka's ClassicGroup): the members, the
// static-member index (KIP-345), members that were told MEMBER_ID_REQUIRED and have not rejoined yet
// (KIP-394), and protocol selection. Bookkeeping only: no I/O, and the timers it holds are armed by
// the rebalance flow in group-membership.ts.
import { ErrorCode } from '../../protocol/errors.js';
import type { JoinGroupRequestProtocol } from '../../protocol/messages/join-group.js';
import { canTransition, type GroupState } from './group-state.js';
import type { GroupMember, JoinOutcome } from './member.js';
import type { GroupValue, StoredMember } from './offsets-record-codec.js';

export class ClassicGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  /** The consumer protocol family ("consumer", "connect", ...); null until the first member joins. */
  protocolType: string | null = null;
  /** The protocol (assignor) of the current generation. */
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestamp: number;
  readonly members = new Map<string, GroupMember>();
  /** group.instance.id -> member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined (KIP-394), with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Set while PreparingRebalance: the timer that completes the join phase. */
  joinTimer: NodeJS.Timeout | null = null;
  /** True while the first rebalance of an empty group waits for more members (KIP-134). */
  initialDelay = false;
  /** Members that joined after the initial delay started (KIP-134 extends the delay for them). */
  newMemberAdded = false;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  transitionTo(to: GroupState, now: number): void {
    if (!canTransition(this.state, to)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${to}`);
    this.state = to;
    this.currentStateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  get size(): number {
    return this.members.size;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      // Prefer a member that has already rejoined, so the new generation's leader can answer at once.
      const next = [...this.members.values()].find((m) => m.awaitingJoin) ?? this.members.values().next().value;
      this.leaderId = next?.memberId ?? null;
    }
    return member;
  }

  /** A static member restarted with a new member id: it takes the old one's place and assignment. */
  replaceStaticMember(instanceId: string, oldId: string, newId: string): GroupMember {
    const member = this.members.get(oldId)!;
    this.members.delete(oldId);
    member.memberId = newId;
    this.members.set(newId, member);
    this.staticMembers.set(instanceId, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    return member;
  }

  staticMemberId(instanceId: string): string | undefined {
    return this.staticMembers.get(instanceId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Protocols every member supports; a newcomer must share at least one (INCONSISTENT_GROUP_PROTOCOL). */
  supportsProtocols(protocolType: string, protocols: readonly JoinGroupRequestProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const common = this.candidateProtocols();
    return protocols.some((p) => common.has(p.name));
  }

  private candidateProtocols(): Set<string> {
    let common: string[] | null = null;
    for (const m of this.members.values()) {
      const names = m.protocols.map((p) => p.name);
      common = common === null ? names : common.filter((n) => names.includes(n));
    }
    return new Set(common ?? []);
  }

  /** Kafka's vote: each member votes for its most preferred common protocol; most votes wins. */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > votes.get(best)!) best = name;
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  /** The generation's member list as the leader sees it in its JoinGroup response. */
  memberListForLeader(): JoinOutcome['members'] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(this.protocolName) }));
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** The GroupMetadataValue record persisted after each generation (and on becoming Empty). */
  toRecord(): GroupValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: this.currentStateTimestamp,
      members: [...this.members.values()].map(
        (m): StoredMember => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.sessionTimeoutMs,
          subscription: m.metadataFor(this.protocolName),
          assignment: m.assignment,
        }),
      ),
    };
  }
}

/** Kafka's validateMember: static members are checked by instance id (KIP-345), others by member id. */
export function memberError(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return ErrorCode.NONE;
  }
  return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

/**
 * Whether an OffsetCommit may write, as Kafka's ClassicGroup.validateOffsetCommit decides:
 *   Dead                                      -> COORDINATOR_NOT_AVAILABLE
 *   generation < 0 and Empty                  -> accepted (simple consumer or admin commit)
 *   generation >= 0, member id or instance id -> the member must be known, the generation current
 *   none of them and the group not Empty      -> UNKNOWN_MEMBER_ID
 *   CompletingRebalance                       -> REBALANCE_IN_PROGRESS (the member must sync first)
 * Commits during PreparingRebalance are accepted, so members can commit before they rejoin.
 */
export function offsetCommitError(group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
  if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
    const e = memberError(group, memberId, groupInstanceId);
    if (e !== ErrorCode.NONE) return e;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is('Empty')) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}
