// One MQTT session (5.0 §4.1): its subscriptions, the messages on their way to the client, and the
// QoS 2 packet identifiers received from it. A session outlives its network connection when it is
// persistent (5.0 Session Expiry Interval > 0; 3.1.1 Clean Session 0) and then keeps queuing QoS 1/2
// messages while the client is away.
//
// Outbound flow (§4.3, §4.9):
//   deliver   -> sent at once when connected, nothing is queued ahead of it, the socket takes more
//                and (QoS 1/2) fewer than min(client Receive Maximum, brook.mqtt.max.inflight.messages)
//                publishes are unacknowledged; otherwise queued (at most brook.mqtt.max.queued.messages;
//                a message past that is dropped and counted, as mosquitto's max_queued_messages does).
//                QoS 0 messages are not queued for a disconnected client.
//   in flight -> a QoS 1 PUBLISH until PUBACK; a QoS 2 PUBLISH until PUBREC, then its PUBREL until
//                PUBCOMP. Both count against the window until the flow ends.
//   reconnect -> with the session present, every unacknowledged PUBLISH is sent again with DUP and
//                its original packet identifier, and every PUBREL again, before anything queued
//                ([MQTT-4.4.0-1]); a message whose expiry passed while queued is dropped, and so is
//                one the subscriber may no longer read (a PUBREL is still sent: it carries no
//                message, the client has it already, and it frees the client's packet identifier).
// Each delivery ends in `finished` exactly once: its persisted queue entry is removed, and a shared
// subscription's acquisition is accepted (delivered) or released (dropped before the client had it).
//
// READ is checked when a message is handed to the session, when it is sent from the queue and when
// an unacknowledged one is sent again on reconnect (read-authorization.ts): a message its subscriber may no longer read is dropped and counted; a
// shared subscription's is accepted for the group, as mosquitto drops a shared message the member it
// picked may not read.
import type { AckPacket, ProtocolVersion, QoS, WillMessage } from '../../mqtt/index.js';
import { ReasonCode } from '../../mqtt/index.js';
import type { LogPosition } from './log-appender.js';
import type { MqttMessage } from './message-record.js';
import { ReadAuthorization, type ClientIdentity, type ReadCheck } from './read-authorization.js';

/** One subscription of a session (§3.8.3.1 options), `filter` as the client gave it. */
export interface Subscription {
  /** The filter as subscribed, `$share/{group}/` included. */
  filter: string;
  /** The topic filter matched against topic names (without `$share/{group}/`). */
  topicFilter: string;
  /** The share name of a shared subscription (§4.8.2), or null. */
  share: string | null;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionId: number | null;
}

/** A shared subscription's hold on a delivery (shared-subscriptions.ts). */
export interface SharedHold {
  /** Called once: true when the client has the message, false when it was dropped unsent. */
  done(delivered: boolean): void;
}

export interface Delivery {
  message: MqttMessage;
  /** QoS it is sent with: the smaller of the message's and the subscription's. */
  qos: QoS;
  /** RETAIN flag to send (§3.3.1.3: set for retained messages sent on subscribe, or Retain As Published). */
  retain: boolean;
  subscriptionIds: readonly number[];
  /** Where the message is in the log; null for a retained message sent on subscribe. */
  position: LogPosition | null;
  shared: SharedHold | null;
  /** Written to the session store as a queued delivery (persistent sessions). */
  persisted: boolean;
  /** Possibly sent before (restored after a restart): the first send carries DUP. */
  dup?: boolean;
}

/** What a session needs from the network connection it is attached to. */
export interface SessionLink {
  readonly version: ProtocolVersion;
  /** The client's Receive Maximum (65535 when it did not say). */
  readonly receiveMaximum: number;
  /** False while the socket holds more unsent bytes than it should. */
  writable(): boolean;
  /** Sends the delivery as a PUBLISH; false when it exceeds the client's Maximum Packet Size (then it is dropped). */
  sendPublish(d: Delivery, packetId: number, dup: boolean): boolean;
  sendAck(packet: AckPacket): void;
}

/** Session-independent behaviour the registry supplies. */
export interface SessionHooks {
  /** The ACL decisions behind every session's READ check at delivery. */
  readonly readCheck: ReadCheck;
  maxQueued(): number;
  maxInflight(): number;
  /** Records a queued QoS 1/2 delivery of a persistent session (session-store.ts). */
  persist(session: Session, d: Delivery): void;
  /** Removes it once the flow ended or the message was dropped. */
  unpersist(session: Session, d: Delivery): void;
  /** The window has room again (shared subscriptions may hand this member more). */
  capacity(session: Session): void;
  dropped(session: Session, d: Delivery, why: string): void;
}

export class Session {
  link: SessionLink | null = null;
  readonly subscriptions = new Map<string, Subscription>();
  /** Seconds the session outlives its connection; 0 ends it with the connection, 0xFFFFFFFF never expires. */
  expiryInterval = 0;
  protocolVersion: ProtocolVersion = 4;
  will: WillMessage | null = null;
  /** Who set the will (CONNECT's principal and address): it is checked against the ACLs again when sent. */
  willAuthor: ClientIdentity | null = null;
  /** Whom deliveries are authorised for: the principal of the CONNECT that last took the session. */
  readonly reads: ReadAuthorization;
  /** A pending delayed will (5.0 Will Delay Interval), or a session expiry, once the connection closed. */
  willTimer: { cancel(): void } | null = null;
  expiryTimer: { cancel(): void } | null = null;
  /** When the last connection closed (ms), for expiry; -1 while connected. */
  disconnectedAt = -1;
  /** QoS 2 packet identifiers received and answered with PUBREC, waiting for PUBREL (§4.3.3). */
  readonly incomingQos2 = new Set<number>();
  private queue: Delivery[] = [];
  private queueHead = 0;
  private readonly inflight = new Map<number, Delivery>();
  /** QoS 2 deliveries acknowledged with PUBREC whose PUBREL awaits PUBCOMP. */
  private readonly released = new Set<number>();
  private nextPacketId = 1;
  private pumping = false;

  constructor(
    readonly clientId: string,
    private readonly hooks: SessionHooks,
  ) {
    this.reads = new ReadAuthorization(hooks.readCheck);
  }

  get persistent(): boolean {
    return this.expiryInterval > 0;
  }

  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  get inFlight(): number {
    return this.inflight.size + this.released.size;
  }

  /** How many more QoS 1/2 deliveries the session can take without queuing (shared subscriptions ask). */
  capacity(): number {
    if (!this.link || !this.link.writable()) return 0;
    return Math.max(0, this.window() - this.inFlight - this.queued);
  }

  private window(): number {
    return Math.min(this.link?.receiveMaximum ?? 65535, this.hooks.maxInflight());
  }

  /** Hands a message to the session: sent now, queued, or dropped (see the header). */
  deliver(d: Delivery): void {
    if (d.message.expiresAt <= Date.now()) return this.finished(d, false, 'expired');
    if (!this.reads.allows(d.position?.topic ?? null, d.message.topic)) return this.refused(d);
    // QoS 0 messages are not kept for a client that is away; a shared subscription's go to another member.
    if (!this.link && (d.qos === 0 || d.shared)) return this.finished(d, false, d.shared ? '' : 'offline');
    if (this.queued === 0 && this.link && this.trySend(d)) return;
    if (this.queued >= this.hooks.maxQueued()) return this.finished(d, false, 'queue full');
    if (this.persistent && d.position !== null && d.qos > 0 && !d.persisted) {
      d.persisted = true;
      this.hooks.persist(this, d);
    }
    this.queue.push(d);
  }

  /** A queued delivery restored from the session store after a restart. */
  restore(d: Delivery): void {
    this.queue.push(d);
  }

  /** Sends what the window allows from the queue. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queueHead < this.queue.length && this.link) {
        const d = this.queue[this.queueHead]!;
        if (!this.trySend(d)) break;
        this.queue[this.queueHead++] = undefined as unknown as Delivery;
      }
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      } else if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Sends `d` if the socket and the window allow; true when it was consumed (sent, or dropped as expired/too large). */
  private trySend(d: Delivery): boolean {
    const link = this.link!;
    if (!link.writable()) return false;
    if (d.message.expiresAt <= Date.now()) {
      this.finished(d, false, 'expired');
      return true;
    }
    // Queued while READ was granted (or restored): the right may have gone since.
    if (!this.reads.allows(d.position?.topic ?? null, d.message.topic)) {
      this.refused(d);
      return true;
    }
    if (d.qos === 0) {
      const sent = link.sendPublish(d, 0, false);
      this.finished(d, sent, sent ? '' : 'larger than the client accepts');
      return true;
    }
    if (this.inFlight >= this.window()) return false;
    const id = this.allocatePacketId();
    if (!link.sendPublish(d, id, d.dup === true)) {
      // [MQTT-3.1.2-25]: discarded as if sent and acknowledged.
      this.finished(d, false, 'larger than the client accepts');
      return true;
    }
    if (this.persistent && d.position !== null && !d.persisted) {
      d.persisted = true;
      this.hooks.persist(this, d);
    }
    this.inflight.set(id, d);
    return true;
  }

  private allocatePacketId(): number {
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id) && !this.released.has(id)) return id;
    }
  }

  /** PUBACK (§4.3.2): the QoS 1 flow ends. */
  onPuback(id: number): void {
    const d = this.inflight.get(id);
    if (!d) return;
    this.inflight.delete(id);
    this.finished(d, true, '');
    this.afterAck();
  }

  /** PUBREC (§4.3.3): the client has the message; PUBREL follows unless it refused (reason >= 0x80). */
  onPubrec(id: number, reasonCode: number): void {
    const d = this.inflight.get(id);
    const link = this.link;
    if (!d) {
      link?.sendAck({ type: 'pubrel', packetId: id, reasonCode: ReasonCode.PacketIdentifierNotFound });
      return;
    }
    this.inflight.delete(id);
    if (reasonCode < 0x80) {
      this.released.add(id);
      link?.sendAck({ type: 'pubrel', packetId: id, reasonCode: ReasonCode.Success });
    }
    this.finished(d, true, '');
    this.afterAck();
  }

  /** PUBCOMP: the QoS 2 flow ends. */
  onPubcomp(id: number): void {
    if (this.released.delete(id)) this.afterAck();
  }

  private afterAck(): void {
    this.pump();
    this.hooks.capacity(this);
  }

  /**
   * A connection takes the session. With the session resumed, unacknowledged PUBLISH and PUBREL
   * packets are sent again first ([MQTT-4.4.0-1]); then the queue drains.
   */
  attach(link: SessionLink, resumed: boolean): void {
    this.link = link;
    this.disconnectedAt = -1;
    if (resumed) {
      for (const [id, d] of this.inflight) {
        if (d.message.expiresAt <= Date.now()) {
          this.inflight.delete(id);
          this.finished(d, false, 'expired');
        } else if (!this.reads.allows(d.position?.topic ?? null, d.message.topic)) {
          // Sent once while READ was granted; a resend is a delivery too, as for mosquitto, which
          // drops the outgoing messages a reconnecting client may no longer read.
          this.inflight.delete(id);
          this.refused(d);
        } else if (!link.sendPublish(d, id, true)) {
          this.inflight.delete(id);
          this.finished(d, false, 'larger than the client accepts');
        }
      }
      for (const id of this.released) link.sendAck({ type: 'pubrel', packetId: id, reasonCode: ReasonCode.Success });
    }
    this.pump();
  }

  /** The connection is gone: shared-subscription deliveries go back to their group; QoS 0 ones are dropped. */
  detach(): void {
    this.link = null;
    this.disconnectedAt = Date.now();
    for (const [id, d] of this.inflight) {
      if (d.shared) {
        this.inflight.delete(id);
        this.finished(d, false, '');
      }
    }
    const kept: Delivery[] = [];
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const d = this.queue[i]!;
      if (d.shared || d.qos === 0) this.finished(d, false, '');
      else kept.push(d);
    }
    this.queue = kept;
    this.queueHead = 0;
  }

  /** The session ends: everything still held is dropped (shared ones released). */
  discard(): void {
    for (const d of this.inflight.values()) this.finished(d, false, '');
    for (let i = this.queueHead; i < this.queue.length; i++) this.finished(this.queue[i]!, false, '');
    this.inflight.clear();
    this.released.clear();
    this.queue = [];
    this.queueHead = 0;
    this.incomingQos2.clear();
  }

  /** Every delivery not yet finished (for tests and the session store). */
  pending(): Delivery[] {
    return [...this.inflight.values(), ...this.queue.slice(this.queueHead)];
  }

  /** The subscriber may not read the message: dropped (a shared one is accepted for its group, see the header). */
  private refused(d: Delivery): void {
    const hold = d.shared;
    d.shared = null;
    hold?.done(true);
    this.finished(d, false, 'not authorized to read');
  }

  private finished(d: Delivery, delivered: boolean, why: string): void {
    if (d.persisted) {
      d.persisted = false;
      this.hooks.unpersist(this, d);
    }
    if (d.shared) {
      const hold = d.shared;
      d.shared = null;
      hold.done(delivered);
    }
    if (!delivered && why !== '') this.hooks.dropped(this, d, why);
  }
}
