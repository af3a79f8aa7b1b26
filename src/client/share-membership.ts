// A share consumer's group membership (KIP-932 ShareGroupHeartbeat, v1): join with epoch 0 and the
// subscription, heartbeat every heartbeat interval the coordinator gives, take the assignment the
// coordinator computes (share groups assign on the server), leave with epoch -1. A member fenced
// (FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID) rejoins with epoch 0; coordinator errors re-find the
// coordinator. The member id is the client's own (a random UUID), kept for the consumer's life.
import { randomUUID } from 'node:crypto';
import type { Admin, Connection } from '@platformatic/kafka';
import { apis } from '../protocol/messages/index.js';
import { connectionTo, findGroupCoordinator, sendRequest } from './share-wire.js';

const REJOIN = new Set([25 /* UNKNOWN_MEMBER_ID */, 110 /* FENCED_MEMBER_EPOCH */]);
const COORDINATOR_MOVED = new Set([14 /* COORDINATOR_LOAD_IN_PROGRESS */, 15 /* COORDINATOR_NOT_AVAILABLE */, 16 /* NOT_COORDINATOR */]);

export class ShareGroupError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message);
    this.name = 'ShareGroupError';
  }
}

export class ShareMembership {
  /** Kafka's Uuid text form: 22 base64url characters. */
  readonly memberId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
  memberEpoch = 0;
  heartbeatIntervalMs = 5000;
  /** topic id -> partitions. */
  assignment = new Map<string, number[]>();
  private coordinator: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  /** The last error the background heartbeat hit (surfaced by the next poll). */
  lastError: Error | null = null;

  constructor(
    private readonly client: Admin,
    readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly clientRack: string | null = null,
  ) {}

  /** Joins and waits for the first answer; heartbeats go on in the background. */
  async join(): Promise<void> {
    await this.heartbeat();
    this.schedule();
  }

  /** Sends one heartbeat now (full subscription while joining), applying the answer. */
  heartbeat(): Promise<void> {
    this.inFlight ??= this.sendHeartbeat().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async sendHeartbeat(): Promise<void> {
    const joining = this.memberEpoch === 0;
    const response = await sendRequest(await this.coordinatorConnection(), apis.ShareGroupHeartbeat, 1, {
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch: this.memberEpoch,
      rackId: joining ? this.clientRack : null,
      subscribedTopicNames: joining ? [...this.topics] : null,
    });
    if (response.errorCode !== 0) {
      if (REJOIN.has(response.errorCode)) {
        this.memberEpoch = 0;
        this.assignment = new Map();
        return;
      }
      if (COORDINATOR_MOVED.has(response.errorCode)) {
        this.coordinator = null;
        return;
      }
      throw new ShareGroupError(`share group ${this.groupId}: heartbeat failed with Kafka error ${response.errorCode}${response.errorMessage ? ` (${response.errorMessage})` : ''}`, response.errorCode);
    }
    this.memberEpoch = response.memberEpoch;
    if (response.heartbeatIntervalMs > 0) this.heartbeatIntervalMs = response.heartbeatIntervalMs;
    if (response.assignment) {
      this.assignment = new Map(response.assignment.topicPartitions.map((t) => [t.topicId, [...t.partitions].sort((a, b) => a - b)]));
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.heartbeat().then(
        () => {
          this.lastError = null;
        },
        (e: unknown) => {
          this.lastError = e instanceof Error ? e : new Error(String(e));
          this.coordinator = null;
        },
      ).finally(() => this.schedule());
    }, this.memberEpoch === 0 ? 0 : this.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Leaves the group (epoch -1): the broker releases whatever this member still holds. */
  async leave(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight?.catch(() => {});
    if (this.memberEpoch <= 0) return;
    try {
      await sendRequest(await this.coordinatorConnection(), apis.ShareGroupHeartbeat, 1, { groupId: this.groupId, memberId: this.memberId, memberEpoch: -1, rackId: null, subscribedTopicNames: null });
    } catch {
      // Leaving is best effort: the session timeout removes the member anyway.
    }
    this.memberEpoch = -1;
  }

  private async coordinatorConnection(): Promise<Connection> {
    if (this.coordinator === null) {
      try {
        this.coordinator = await findGroupCoordinator(this.client, this.groupId);
      } catch (e) {
        throw new ShareGroupError((e as Error).message, (e as { errorCode?: number }).errorCode ?? -1);
      }
    }
    return connectionTo(this.client, this.coordinator);
  }
}
