// ListGroups, DescribeGroups and DeleteGroups over the coordinator's groups. All groups here are
// classic groups (KIP-848 consumer groups are not implemented), so the type is always "classic".
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { parseGroupState } from './group-state.js';

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

const GROUP_TYPE = 'classic';

/** ListGroups v4+ filter by state, v5+ by type; both case-insensitively, as Kafka does. */
export function listGroups(coordinator: GroupCoordinator, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
  const states = new Set(statesFilter.map((s) => parseGroupState(s) ?? s));
  const types = new Set(typesFilter.map((t) => t.toLowerCase()));
  const out: ListedGroup[] = [];
  for (const g of coordinator.groups.values()) {
    if (g.is('Dead')) continue;
    if (states.size > 0 && !states.has(g.state)) continue;
    if (types.size > 0 && !types.has(GROUP_TYPE)) continue;
    out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: GROUP_TYPE });
  }
  return out;
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
