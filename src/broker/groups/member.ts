// One member of a classic group: what it sent in JoinGroup, what the leader assigned it, and the
// responses it is waiting for. A member parked in JoinGroup or SyncGroup holds a resolver here;
// the rebalance completes them all at once (Kafka's awaitingJoinFuture / awaitingSyncFuture).
import type { JoinGroupRequestProtocol } from '../../protocol/messages/join-group.js';

export interface JoinOutcome {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  skipAssignment: boolean;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface MemberSpec {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly JoinGroupRequestProtocol[];
}

export class GroupMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly JoinGroupRequestProtocol[];
  assignment: Buffer = Buffer.alloc(0);
  /** Set while the member waits for the JoinGroup response. */
  awaitingJoin: ((outcome: JoinOutcome) => void) | null = null;
  /** Set while the member waits for the SyncGroup response. */
  awaitingSync: ((outcome: SyncOutcome) => void) | null = null;
  /** Joined during the current rebalance (Kafka's isNew: removed if it never completes its join). */
  isNew = false;
  /** Session deadline (ms since epoch); moved forward by every heartbeat, join and sync. */
  heartbeatDeadline = 0;

  constructor(spec: MemberSpec) {
    this.memberId = spec.memberId;
    this.groupInstanceId = spec.groupInstanceId;
    this.clientId = spec.clientId;
    this.clientHost = spec.clientHost;
    this.sessionTimeoutMs = spec.sessionTimeoutMs;
    this.rebalanceTimeoutMs = spec.rebalanceTimeoutMs;
    this.protocolType = spec.protocolType;
    this.protocols = spec.protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** The metadata this member sent for `protocol` (empty when it does not support it). */
  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** True when a rejoin carries exactly the protocols (names, order, metadata) this member has. */
  sameProtocols(protocols: readonly JoinGroupRequestProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  update(spec: Pick<MemberSpec, 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'protocols' | 'clientId' | 'clientHost'>): void {
    this.sessionTimeoutMs = spec.sessionTimeoutMs;
    this.rebalanceTimeoutMs = spec.rebalanceTimeoutMs;
    this.protocols = spec.protocols;
    this.clientId = spec.clientId;
    this.clientHost = spec.clientHost;
  }

  completeJoin(outcome: JoinOutcome): void {
    const resolve = this.awaitingJoin;
    this.awaitingJoin = null;
    this.isNew = false;
    resolve?.(outcome);
  }

  completeSync(outcome: SyncOutcome): void {
    const resolve = this.awaitingSync;
    this.awaitingSync = null;
    resolve?.(outcome);
  }
}
