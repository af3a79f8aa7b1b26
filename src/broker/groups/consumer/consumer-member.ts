// One member of a KIP-848 consumer group, as an immutable value: what it subscribes to (its
// ConsumerGroupMemberMetadata record) and where it stands in reconciliation (its
// ConsumerGroupCurrentMemberAssignment record). A transition builds a new value, so the flows can
// compare "before" and "after" to decide which records to write.
//
// Member epochs (KIP-848): 0 asks to join, -1 leaves, -2 is a static member leaving temporarily
// (it keeps its place and assignment for its instance id until its session expires); a member in
// the group has the epoch of the target assignment it last reconciled to.
import { EMPTY_EPOCHS, type AssignmentWithEpochs } from './assignment.js';

/** Kafka's MemberState byte values (ConsumerGroupCurrentMemberAssignmentValue.State). */
export const MemberState = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

export function memberStateFromByte(b: number): MemberState {
  return b === 0 || b === 1 || b === 2 ? b : MemberState.UNKNOWN;
}

export const MEMBER_STATE_NAMES: Record<MemberState, string> = { 0: 'stable', 1: 'unrevoked_partitions', 2: 'unreleased_partitions', 127: 'unknown' };

/** A member that joined with JoinGroup (the classic protocol) in a consumer group (KIP-848 migration). */
export interface ClassicMemberMetadata {
  sessionTimeoutMs: number;
  supportedProtocols: readonly { name: string; metadata: Buffer }[];
}

export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export interface ConsumerMember {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** Sorted, without duplicates. */
  readonly subscribedTopicNames: readonly string[];
  /** '' when the member subscribes by names only. */
  readonly subscribedTopicRegex: string;
  readonly serverAssignor: string | null;
  readonly assignedPartitions: AssignmentWithEpochs;
  readonly partitionsPendingRevocation: AssignmentWithEpochs;
  readonly classicMemberMetadata: ClassicMemberMetadata | null;
}

/** A member that just asked to join: epoch 0, nothing assigned (Kafka's Builder defaults). */
export function newMember(memberId: string): ConsumerMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: MemberState.STABLE,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: '',
    serverAssignor: null,
    assignedPartitions: EMPTY_EPOCHS,
    partitionsPendingRevocation: EMPTY_EPOCHS,
    classicMemberMetadata: null,
  };
}

export function withChanges(m: ConsumerMember, changes: Partial<ConsumerMember>): ConsumerMember {
  return { ...m, ...changes };
}

/** Moves to a new epoch, remembering the current one (a member that missed the bump may retry with it). */
export function bumpedTo(m: ConsumerMember, memberEpoch: number): Pick<ConsumerMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return { memberEpoch, previousMemberEpoch: m.memberEpoch };
}

export function usesClassicProtocol(m: ConsumerMember): boolean {
  return m.classicMemberMetadata !== null;
}

export function normalizeTopicNames(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function sameClassicMetadata(a: ClassicMemberMetadata | null, b: ClassicMemberMetadata | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.sessionTimeoutMs !== b.sessionTimeoutMs || a.supportedProtocols.length !== b.supportedProtocols.length) return false;
  return a.supportedProtocols.every((p, i) => p.name === b.supportedProtocols[i]!.name && p.metadata.equals(b.supportedProtocols[i]!.metadata));
}

/** Whether the ConsumerGroupMemberMetadata record of `a` and `b` would differ. */
export function sameMetadata(a: ConsumerMember, b: ConsumerMember): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    sameNames(a.subscribedTopicNames, b.subscribedTopicNames) &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignor === b.serverAssignor &&
    sameClassicMetadata(a.classicMemberMetadata, b.classicMemberMetadata)
  );
}

/** A member has reconciled to the target when it is stable at the target's epoch. */
export function isReconciledTo(m: ConsumerMember, assignmentEpoch: number): boolean {
  return m.state === MemberState.STABLE && m.memberEpoch === assignmentEpoch;
}

/** The epoch at which the member got a partition (assigned, else pending revocation), or undefined. */
export function partitionAssignmentEpoch(m: ConsumerMember, topicId: string, partition: number): number | undefined {
  return m.assignedPartitions.get(topicId)?.get(partition) ?? m.partitionsPendingRevocation.get(topicId)?.get(partition);
}
