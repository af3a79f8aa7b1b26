// Share sessions (KIP-932 "Share sessions"; Kafka's ShareSessionCache and SharePartitionManager
// .newContext): one per (group, member), holding the partitions the member fetches so incremental
// ShareFetch requests only name what changed. Epochs:
//   0   opens a session (replacing the member's old one); acknowledgements are not allowed in it
//   n   continues the session: must equal the session's epoch, which then moves to n + 1
//       (wrapping from 2^31 - 1 to 1)
//   -1  the final request: acknowledgements only, then the session closes and the member's
//       remaining acquisitions are released
// A session belongs to the connection that opened it: when that connection closes, the session is
// dropped and the member's acquired records are released at once (Kafka's
// ClientConnectionDisconnectListener), so a killed consumer's records are redelivered without
// waiting for their locks to expire.
import { ErrorCode } from '../../../protocol/errors.js';

export interface SessionPartition {
  topicId: string;
  partition: number;
}

export interface ShareSession {
  readonly groupId: string;
  readonly memberId: string;
  /** The epoch the next request must carry. */
  epoch: number;
  /** Partitions in fetch order (those that returned data move to the back). */
  partitions: SessionPartition[];
  readonly connectionId: number;
}

export type SessionContext =
  | { kind: 'full'; session: ShareSession }
  | { kind: 'incremental'; session: ShareSession }
  | { kind: 'final'; session: ShareSession }
  | { kind: 'error'; errorCode: number; message: string };

export function nextEpoch(epoch: number): number {
  if (epoch < 0) return -1;
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}

const keyOf = (groupId: string, memberId: string): string => `${groupId}\u0000${memberId}`;
const partKey = (p: SessionPartition): string => `${p.topicId}:${p.partition}`;

export class ShareSessions {
  private readonly sessions = new Map<string, ShareSession>();
  /** connection id -> keys of the sessions it opened. */
  private readonly byConnection = new Map<number, Set<string>>();
  private readonly watched = new Set<number>();

  constructor(
    private readonly maxSessions: () => number,
    /** A member's session ended with its connection (or its final request): release its records. */
    private readonly onSessionEnd: (groupId: string, memberId: string) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(groupId: string, memberId: string): ShareSession | undefined {
    return this.sessions.get(keyOf(groupId, memberId));
  }

  /** The context of a ShareFetch: opens, continues or finalizes the member's session. */
  fetchContext(groupId: string, memberId: string, epoch: number, added: readonly SessionPartition[], forgotten: readonly SessionPartition[], hasAcks: boolean, connectionId: number, signal: AbortSignal): SessionContext {
    const key = keyOf(groupId, memberId);
    if (epoch === -1) {
      const session = this.sessions.get(key);
      if (!session) return { kind: 'error', errorCode: ErrorCode.SHARE_SESSION_NOT_FOUND, message: 'no such share session found' };
      return { kind: 'final', session };
    }
    if (epoch === 0) {
      if (hasAcks) return { kind: 'error', errorCode: ErrorCode.INVALID_REQUEST, message: 'Acknowledge data present in the initial ShareFetch request' };
      const existing = this.sessions.get(key);
      if (existing) this.remove(existing);
      if (this.sessions.size >= this.maxSessions()) return { kind: 'error', errorCode: ErrorCode.SHARE_SESSION_LIMIT_REACHED, message: 'the broker has no room for another share session' };
      const seen = new Set<string>();
      const partitions = added.filter((p) => !seen.has(partKey(p)) && seen.add(partKey(p)));
      const session: ShareSession = { groupId, memberId, epoch: nextEpoch(0), partitions, connectionId };
      this.sessions.set(key, session);
      let keys = this.byConnection.get(connectionId);
      if (!keys) this.byConnection.set(connectionId, (keys = new Set()));
      keys.add(key);
      this.watch(connectionId, signal);
      return { kind: 'full', session };
    }
    const session = this.sessions.get(key);
    if (!session) return { kind: 'error', errorCode: ErrorCode.SHARE_SESSION_NOT_FOUND, message: 'no such share session found' };
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_SHARE_SESSION_EPOCH, message: `expected share session epoch ${session.epoch}, got ${epoch}` };
    const gone = new Set(forgotten.map(partKey));
    const have = new Set(session.partitions.map(partKey));
    session.partitions = session.partitions.filter((p) => !gone.has(partKey(p)));
    for (const p of added) if (!have.has(partKey(p)) && !gone.has(partKey(p))) session.partitions.push(p);
    session.epoch = nextEpoch(session.epoch);
    return { kind: 'incremental', session };
  }

  /** ShareAcknowledge's epoch check: 0 is invalid, -1 final, otherwise the session's epoch. */
  acknowledgeContext(groupId: string, memberId: string, epoch: number): SessionContext {
    if (epoch === 0) return { kind: 'error', errorCode: ErrorCode.INVALID_SHARE_SESSION_EPOCH, message: 'ShareAcknowledge cannot open a share session' };
    const session = this.sessions.get(keyOf(groupId, memberId));
    if (!session) return { kind: 'error', errorCode: ErrorCode.SHARE_SESSION_NOT_FOUND, message: 'no such share session found' };
    if (epoch === -1) return { kind: 'final', session };
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_SHARE_SESSION_EPOCH, message: `expected share session epoch ${session.epoch}, got ${epoch}` };
    session.epoch = nextEpoch(session.epoch);
    return { kind: 'incremental', session };
  }

  /** Moves partitions that returned records to the back, so the next fetch starts elsewhere. */
  rotate(session: ShareSession, served: ReadonlySet<string>): void {
    if (served.size === 0) return;
    const front = session.partitions.filter((p) => !served.has(partKey(p)));
    const back = session.partitions.filter((p) => served.has(partKey(p)));
    session.partitions = [...front, ...back];
  }

  /** Closes the member's session (final request, leaving the group); returns whether there was one. */
  close(groupId: string, memberId: string): boolean {
    const session = this.sessions.get(keyOf(groupId, memberId));
    if (!session) return false;
    this.remove(session);
    return true;
  }

  private remove(session: ShareSession): void {
    const key = keyOf(session.groupId, session.memberId);
    if (this.sessions.get(key) !== session) return;
    this.sessions.delete(key);
    this.byConnection.get(session.connectionId)?.delete(key);
  }

  private watch(connectionId: number, signal: AbortSignal): void {
    if (this.watched.has(connectionId)) return;
    this.watched.add(connectionId);
    const onClose = (): void => {
      this.watched.delete(connectionId);
      const keys = this.byConnection.get(connectionId) ?? new Set<string>();
      this.byConnection.delete(connectionId);
      for (const key of keys) {
        const session = this.sessions.get(key);
        if (!session || session.connectionId !== connectionId) continue;
        this.sessions.delete(key);
        this.onSessionEnd(session.groupId, session.memberId);
      }
    };
    if (signal.aborted) onClose();
    else signal.addEventListener('abort', onClose, { once: true });
  }
}

export { partKey as sessionPartitionKey };
