// Offset commits and fetches of consumer groups (KIP-848, Kafka's ConsumerGroup.validateOffsetCommit /
// validateOffsetFetch): members name themselves by member id and member epoch instead of generation.
//
//   commit, epoch < 0 and the group has no members     accepted (admin tools, assign() consumers)
//   transactional, epoch -1, no member id/instance id  accepted (producers before KIP-447)
//   unknown member                                    UNKNOWN_MEMBER_ID
//   consumer-protocol member with OffsetCommit < v9   UNSUPPORTED_VERSION
//   epoch = the member's                              accepted
//   epoch > the member's                              STALE_MEMBER_EPOCH (classic member: ILLEGAL_GENERATION)
//   epoch < the member's                              accepted per partition when the member owns it
//                                                     (assigned or pending revocation) since an epoch
//                                                     <= the one sent (KIP-1251), else as above
// A partition that fails fails the whole request, as in Kafka.
import { ErrorCode } from '../../../protocol/errors.js';
import type { ConsumerGroup } from './consumer-group.js';
import { partitionAssignmentEpoch, usesClassicProtocol, type ConsumerMember } from './consumer-member.js';

export interface CommitIdentity {
  memberId: string;
  groupInstanceId: string | null;
  memberEpoch: number;
  isTransactional: boolean;
  apiVersion: number;
}

/** Whole-request verdict, or a per-partition check (topic id undefined: a topic that does not exist). */
export type CommitVerdict = { errorCode: number } | { check: (topicId: string | undefined, partition: number) => number };

function staleError(m: ConsumerMember): number {
  return usesClassicProtocol(m) ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
}

export function validateConsumerGroupCommit(group: ConsumerGroup, id: CommitIdentity): CommitVerdict {
  const ok = { errorCode: ErrorCode.NONE };
  if (id.memberEpoch < 0 && group.members.size === 0) return ok;
  if (id.isTransactional && id.memberEpoch === -1 && id.memberId === '' && id.groupInstanceId === null) return ok;
  const member = group.members.get(id.memberId);
  if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  if (!id.isTransactional && !usesClassicProtocol(member) && id.apiVersion < 9) return { errorCode: ErrorCode.UNSUPPORTED_VERSION };
  if (id.memberEpoch === member.memberEpoch) return ok;
  if (id.memberEpoch > member.memberEpoch) return { errorCode: staleError(member) };
  return {
    check: (topicId, partition) => {
      const assignedAt = topicId === undefined ? undefined : partitionAssignmentEpoch(member, topicId, partition);
      if (assignedAt === undefined || id.memberEpoch < assignedAt) return staleError(member);
      return ErrorCode.NONE;
    },
  };
}

/** OffsetFetch v9+: a member fetching its offsets must be current (its member id and epoch). */
export function validateConsumerGroupFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
  if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (memberEpoch !== member.memberEpoch) return staleError(member);
  return ErrorCode.NONE;
}
