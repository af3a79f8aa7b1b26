// KIP-848 members spoken in raw frames (ConsumerGroupHeartbeat v1), for tests that drive each step of
// reconciliation themselves and check the exact epochs, assignments and error codes.
import { randomUUID } from 'node:crypto';
import { apis } from '../../../src/protocol/messages/index.js';
import type { ConsumerGroupHeartbeatResponse } from '../../../src/protocol/messages/consumer-group-heartbeat.js';
import type { RawClient } from '../data-path-helpers.js';

export interface WireMember {
  groupId: string;
  memberId: string;
  epoch: number;
  /** topic id -> partitions the member owns (what it reports in its heartbeats). */
  owned: Map<string, number[]>;
  instanceId: string | null;
}

export function wireMember(groupId: string, instanceId: string | null = null): WireMember {
  return { groupId, memberId: randomUUID().replace(/-/g, '').slice(0, 22), epoch: 0, owned: new Map(), instanceId };
}

export interface HeartbeatOptions {
  topics?: string[] | null;
  regex?: string | null;
  rebalanceTimeoutMs?: number;
  assignor?: string | null;
  epoch?: number;
  /** Report these owned partitions instead of the member's. */
  owned?: Map<string, number[]> | null;
}

/**
 * One heartbeat: a join when the member's epoch is 0 (full request), else the owned partitions only.
 * Applies the response as a well-behaved client does: the epoch, and the assignment when one is sent
 * (the member then owns exactly it).
 */
export async function heartbeat(raw: RawClient, m: WireMember, opts: HeartbeatOptions = {}): Promise<ConsumerGroupHeartbeatResponse> {
  const joining = (opts.epoch ?? m.epoch) === 0;
  const owned = opts.owned === undefined ? m.owned : opts.owned;
  const res = await raw.request(apis.ConsumerGroupHeartbeat, 1, {
    groupId: m.groupId,
    memberId: m.memberId,
    memberEpoch: opts.epoch ?? m.epoch,
    instanceId: m.instanceId,
    rackId: null,
    rebalanceTimeoutMs: joining ? (opts.rebalanceTimeoutMs ?? 30_000) : -1,
    subscribedTopicNames: opts.topics !== undefined ? opts.topics : joining ? [] : null,
    subscribedTopicRegex: opts.regex ?? null,
    serverAssignor: opts.assignor ?? null,
    topicPartitions: joining ? [] : owned === null ? null : [...owned].map(([topicId, partitions]) => ({ topicId, partitions })),
  });
  if (res.errorCode === 0) {
    m.epoch = res.memberEpoch;
    if (res.assignment) m.owned = new Map(res.assignment.topicPartitions.map((t) => [t.topicId, [...t.partitions].sort((a, b) => a - b)]));
  }
  return res;
}

export async function leave(raw: RawClient, m: WireMember, epoch = -1): Promise<ConsumerGroupHeartbeatResponse> {
  return raw.request(apis.ConsumerGroupHeartbeat, 1, {
    groupId: m.groupId,
    memberId: m.memberId,
    memberEpoch: epoch,
    instanceId: m.instanceId,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
  });
}

/** The partitions a member owns, flattened and sorted ("<topic id>:<p>" would hide the order; one topic here). */
export function ownedPartitions(m: WireMember): number[] {
  return [...m.owned.values()].flat().sort((a, b) => a - b);
}
