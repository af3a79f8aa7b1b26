// Group members spoken in raw frames (JoinGroup/SyncGroup), for tests that need exact control of
// member ids, generations and error codes without a client library's retries.
import { apis } from '../../../src/protocol/messages/index.js';
import type { RawClient } from '../data-path-helpers.js';

export interface RawJoin {
  memberId: string;
  generationId: number;
  leader: string;
  errorCode: number;
  members: { memberId: string }[];
}

/** JoinGroup v5 (KIP-394 flow handled: a MEMBER_ID_REQUIRED answer is followed by the rejoin). */
export async function rawJoin(raw: RawClient, groupId: string, opts: { memberId?: string; instanceId?: string | null; sessionTimeoutMs?: number; protocol?: string; metadata?: Buffer } = {}): Promise<RawJoin> {
  const body = {
    groupId,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 30_000,
    rebalanceTimeoutMs: 10_000,
    memberId: opts.memberId ?? '',
    groupInstanceId: opts.instanceId ?? null,
    protocolType: 'consumer',
    protocols: [{ name: opts.protocol ?? 'range', metadata: opts.metadata ?? Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]) }],
    reason: null,
  };
  let res = await raw.request(apis.JoinGroup, 5, body);
  if (res.errorCode === 79) res = await raw.request(apis.JoinGroup, 5, { ...body, memberId: res.memberId });
  return { memberId: res.memberId, generationId: res.generationId, leader: res.leader, errorCode: res.errorCode, members: res.members };
}

export async function rawSync(raw: RawClient, groupId: string, join: RawJoin, assignments: { memberId: string; assignment: Buffer }[] = [], instanceId: string | null = null) {
  return raw.request(apis.SyncGroup, 5, { groupId, generationId: join.generationId, memberId: join.memberId, groupInstanceId: instanceId, protocolType: 'consumer', protocolName: 'range', assignments });
}
