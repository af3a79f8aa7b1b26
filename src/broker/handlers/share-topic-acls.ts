// ACLs of ShareFetch and ShareAcknowledge (KIP-932), as Kafka's KafkaApis checks them: READ on the
// group first (refused: one top-level GROUP_AUTHORIZATION_FAILED), then READ on each topic named by
// its topic id; a refused topic's partitions are answered TOPIC_AUTHORIZATION_FAILED and take no part
// in the fetch or acknowledgement (nothing acquired, nothing acknowledged). An unknown topic id is
// left to the handler (UNKNOWN_TOPIC_ID), as Kafka resolves ids before it authorizes names.
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { aclsEnforced, authorize, authorizedNames } from './authorize.js';
import type { RequestContext } from './handler.js';

export function shareGroupReadDenied(ctx: RequestContext, groupId: string | null): boolean {
  return !authorize(ctx, AclOperation.READ, 'group', groupId ?? '');
}

/** The topic ids of `topics` whose topic the principal may not READ (empty without ACLs). */
export function unreadableTopicIds(ctx: RequestContext, topics: readonly { topicId: string }[]): Set<string> {
  const denied = new Set<string>();
  if (!aclsEnforced(ctx) || topics.length === 0) return denied;
  const named = new Map<string, string>();
  for (const t of topics) {
    const name = ctx.broker.topics.nameForId(t.topicId);
    if (name !== undefined) named.set(t.topicId, name);
  }
  const readable = authorizedNames(ctx, AclOperation.READ, 'topic', named.values());
  for (const [id, name] of named) if (!readable.has(name)) denied.add(id);
  return denied;
}

/** One refused partition's entry in a ShareFetch / ShareAcknowledge response. */
export function refusedPartition(ctx: RequestContext, partitionIndex: number) {
  return { partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, currentLeader: { leaderId: ctx.broker.nodeId, leaderEpoch: 0 } };
}
