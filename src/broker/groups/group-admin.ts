// ListGroups, DescribeGroups and DeleteGroups over the coordinator's groups, of every kind: classic
// groups (type "classic", the states of group-state.ts) and KIP-848 consumer groups (type "consumer",
// states Empty/Assigning/Reconciling/Stable). As in Kafka, DescribeGroups describes classic groups only
// (a consumer group is answered as Dead; ConsumerGroupDescribe describes it), and DeleteGroups deletes
// an empty group of either kind with its offsets.
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupCoordinator } from './group-coordinator.js';

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

/** A group of any kind as ListGroups shows it. */
interface GroupEntry {
  groupId: string;
  protocolType: string;
  state: string;
  type: 'classic' | 'consumer';
}

function allGroups(coordinator: GroupCoordinator): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const g of coordinator.groups.values()) {
    if (!g.is('Dead')) out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state, type: 'classic' });
  }
  for (const g of coordinator.consumerGroups.groups.values()) {
    if (!g.dead) out.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.state, type: 'consumer' });
  }
  return out;
}

/** ListGroups v4+ filter by state, v5+ by type; both case-insensitively, as Kafka does (an unknown name matches nothing). */
export function listGroups(coordinator: GroupCoordinator, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
  const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
  const types = new Set(typesFilter.map((t) => t.trim().toLowerCase()));
  return allGroups(coordinator)
    .filter((g) => (statesFilter.length === 0 || states.has(g.state.toLowerCase())) && (typesFilter.length === 0 || types.has(g.type)))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.type }));
}

/**
 * As Kafka: an unknown group is described as Dead with no error (before DescribeGroups v6); member
 * metadata, assignments and the protocol name are only shown once the group is Stable.
 */
export function describeGroup(coordinator: GroupCoordinator, groupId: string): DescribedGroup {
  const g = coordinator.groups.get(groupId);
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
  if (!g) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
  const stable = g.is('Stable');
  const empty = Buffer.alloc(0);
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: g.state,
    protocolType: g.protocolType ?? '',
    protocolData: stable ? (g.protocolName ?? '') : '',
    members: [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? m.metadataFor(g.protocolName) : empty,
      memberAssignment: stable ? m.assignment : empty,
    })),
  };
}

/** DeleteGroups: only Empty groups (NON_EMPTY_GROUP otherwise), their offsets with them. */
export async function deleteGroup(coordinator: GroupCoordinator, groupId: string): Promise<number> {
  if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
  const consumerGroup = coordinator.consumerGroup(groupId);
  if (consumerGroup) {
    if (!consumerGroup.isEmpty) return ErrorCode.NON_EMPTY_GROUP;
    return coordinator.deleteConsumerGroup(consumerGroup);
  }
  const g = coordinator.groups.get(groupId);
  if (!g || g.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
  if (!g.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
  try {
    await coordinator.deleteGroup(g);
    return ErrorCode.NONE;
  } catch {
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}
