// DescribeGroups of classic groups. As in Kafka, DescribeGroups describes classic groups only:
// ConsumerGroupDescribe and ShareGroupDescribe describe the other kinds (group-kinds.ts), which it
// answers as Dead (v6+: GROUP_ID_NOT_FOUND, "Group x is not a classic group").
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { ListedGroup } from './group-kinds.js';

export type { ListedGroup };

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
