// The sessions of the MQTT server by client identifier, and their lifecycle (MQTT 5.0 §3.1.2.4,
// §3.1.2.11.2, §3.1.3.2.2, §4.1; 3.1.1 §3.1.2.4):
//
//   CONNECT      a client already connected is taken over: its connection is closed (DISCONNECT 0x8E
//                on 5.0) as if it had dropped, then Clean Start decides: 1 ends the old session, 0
//                resumes it (CONNACK Session Present = 1) and cancels a will still waiting for its delay
//                [MQTT-3.1.3-9]. CONNECTs of one client id are handled one after the other.
//   close        a DISCONNECT with reason 0 drops the will; any other close (network error, keep-alive
//                timeout, protocol error, takeover, DISCONNECT 0x04) publishes it, after the Will Delay
//                Interval (5.0) or at once, and at the latest when the session ends.
//   expiry       a session with expiry interval 0 ends with its connection; otherwise it ends that many
//                seconds after (0xFFFFFFFF: never). 3.1.1's Clean Session 0 is "never", 1 is 0.
//   end          subscriptions removed, queued messages dropped (shared ones released), the stored
//                session deleted.
//
// Persistent sessions are written to the session store (session-store.ts) when created, when their
// subscriptions change (fsynced before SUBACK/UNSUBACK) and when their connection closes, and their
// queued QoS 1/2 messages as they are queued and acknowledged, so they survive a restart.
import type { ProtocolVersion, WillMessage } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import type { MqttSettings } from './mqtt-config.js';
import type { MqttMessage } from './message-record.js';
import { forwardedProperties } from './message-record.js';
import type { Router } from './router.js';
import type { ClientIdentity, ReadCheck } from './read-authorization.js';
import { Session, type Delivery, type SessionHooks, type SessionLink } from './session.js';
import type { LoadedSessions, SessionStore } from './session-store.js';
import type { SharedSubscriptions } from './shared-subscriptions.js';

export const NEVER_EXPIRES = 0xffffffff;
/** setTimeout's largest delay; longer ones are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

/** A connection's handle on its session: how the registry closes it on takeover. */
export interface SessionOwner extends SessionLink {
  /** Closes the connection because another one took the session over (DISCONNECT 0x8E on 5.0). */
  takenOver(): void;
}

export interface OpenRequest {
  clientId: string;
  cleanStart: boolean;
  /** Seconds, already capped by brook.mqtt.max.session.expiry.interval. */
  expiryInterval: number;
  protocolVersion: ProtocolVersion;
  will: WillMessage | null;
  /** Whom the will is published as (its ACL check when sent). */
  willAuthor: ClientIdentity | null;
  /** Whom the session's deliveries are authorised for (READ, checked at delivery). */
  subscriber: ClientIdentity;
  owner: SessionOwner;
}

export interface RegistryDeps {
  settings: MqttSettings;
  store: SessionStore;
  router: () => Router;
  shared: SharedSubscriptions;
  /** Publishes a will message (the publisher's path, not acknowledged to anyone) as `author`. */
  publishWill: (m: MqttMessage, author: ClientIdentity | null) => void;
  /** The ACL decisions behind the READ check at delivery (mqtt-acl.ts). */
  readCheck: ReadCheck;
  logger: Logger;
}

export class SessionRegistry implements SessionHooks {
  readonly sessions = new Map<string, Session>();
  private readonly opening = new Map<string, Promise<unknown>>();
  private persistentCount = 0;
  droppedMessages = 0;

  constructor(private readonly deps: RegistryDeps) {}

  get readCheck(): ReadCheck {
    return this.deps.readCheck;
  }

  get(clientId: string): Session | undefined {
    return this.sessions.get(clientId);
  }

  /** Whether any session must see messages while away (the tailer then records how far it got). */
  get hasPersistentSessions(): boolean {
    return this.persistentCount > 0;
  }

  /** CONNECT: the session for the client, and whether it was resumed (Session Present). */
  open(req: OpenRequest): Promise<{ session: Session; present: boolean }> {
    const before = this.opening.get(req.clientId) ?? Promise.resolve();
    const next = before.then(
      () => this.openNow(req),
      () => this.openNow(req),
    );
    this.opening.set(req.clientId, next);
    void next.finally(() => {
      if (this.opening.get(req.clientId) === next) this.opening.delete(req.clientId);
    }).catch(() => {});
    return next;
  }

  private async openNow(req: OpenRequest): Promise<{ session: Session; present: boolean }> {
    let session = this.sessions.get(req.clientId);
    if (session?.link) (session.link as SessionOwner).takenOver();
    session = this.sessions.get(req.clientId);
    if (session && req.cleanStart) {
      await this.end(session);
      session = undefined;
    }
    const present = session !== undefined;
    if (session) {
      session.willTimer?.cancel();
      session.willTimer = null;
      session.will = null;
      session.expiryTimer?.cancel();
      session.expiryTimer = null;
    } else {
      session = new Session(req.clientId, this);
      this.sessions.set(req.clientId, session);
    }
    const wasPersistent = session.persistent;
    session.expiryInterval = req.expiryInterval;
    session.protocolVersion = req.protocolVersion;
    session.will = req.will;
    session.willAuthor = req.willAuthor;
    // A resumed session reads as whoever connected now, not as whoever subscribed first.
    session.reads.subscriber = req.subscriber;
    this.countPersistence(wasPersistent, session.persistent);
    if (session.persistent) await this.save(session, true);
    else if (wasPersistent) this.deps.store.deleteSession(session.clientId, []);
    return { session, present };
  }

  /** The session's connection closed; `publishWill` unless it was a DISCONNECT with reason 0. */
  closed(session: Session, owner: SessionOwner, publishWill: boolean): void {
    if (session.link !== owner) return; // taken over: the new connection owns it
    session.detach();
    void this.deps.shared.memberOffline(session);
    if (!publishWill) session.will = null;
    if (session.will) {
      // 5.0 §3.1.3.2.2: published after the Will Delay Interval or when the session ends, whichever is first.
      const delayS = Math.min(session.will.properties?.willDelayInterval ?? 0, session.expiryInterval);
      if (delayS === 0) this.sendWill(session);
      else session.willTimer = timer(delayS * 1000, () => this.sendWill(session));
    }
    if (session.expiryInterval === 0) {
      void this.end(session);
      return;
    }
    if (session.expiryInterval !== NEVER_EXPIRES) session.expiryTimer = timer(session.expiryInterval * 1000, () => void this.end(session));
    this.save(session, false).catch(() => {});
  }

  /** A DISCONNECT changed the expiry interval (5.0 §3.14.2.2.2). */
  setExpiry(session: Session, seconds: number): void {
    const was = session.persistent;
    session.expiryInterval = seconds;
    this.countPersistence(was, session.persistent);
    if (was && !session.persistent) this.deps.store.deleteSession(session.clientId, []);
  }

  /** Ends a session: will (if still pending) published, subscriptions and queue dropped, stored state deleted. */
  async end(session: Session): Promise<void> {
    if (this.sessions.get(session.clientId) !== session) return;
    this.sessions.delete(session.clientId);
    session.expiryTimer?.cancel();
    session.expiryTimer = null;
    if (session.willTimer) {
      session.willTimer.cancel();
      session.willTimer = null;
      this.sendWill(session);
    }
    const queued = session.pending().flatMap((d) => (d.persisted && d.position ? [d.position] : []));
    const wasPersistent = session.persistent;
    session.discard();
    await this.deps.router().removeAll(session);
    if (wasPersistent) {
      this.persistentCount--;
      this.deps.store.deleteSession(session.clientId, queued);
    }
  }

  /** Writes a persistent session's record (subscriptions changed, or its connection closed). */
  save(session: Session, durable: boolean): Promise<void> {
    if (!session.persistent) return Promise.resolve();
    return this.deps.store.saveSession(
      { clientId: session.clientId, expiry: session.expiryInterval, protocol: session.protocolVersion, disconnectedAt: session.link ? -1 : session.disconnectedAt, subscriber: session.reads.subscriber, subscriptions: [...session.subscriptions.values()] },
      durable,
    );
  }

  /** Rebuilds the persistent sessions of the previous run (all offline now), before the listener opens. */
  async restore(loaded: LoadedSessions, messageAt: (d: Delivery) => Promise<MqttMessage | null>): Promise<number> {
    const now = Date.now();
    let restoredMessages = 0;
    for (const r of loaded.sessions.values()) {
      const disconnectedAt = r.disconnectedAt < 0 ? now : r.disconnectedAt;
      const left = r.expiry === NEVER_EXPIRES ? Infinity : disconnectedAt + r.expiry * 1000 - now;
      if (left <= 0) {
        this.deps.store.deleteSession(r.clientId, (loaded.queued.get(r.clientId) ?? []).map((q) => q.position));
        continue;
      }
      const session = new Session(r.clientId, this);
      session.expiryInterval = r.expiry;
      session.protocolVersion = r.protocol;
      session.disconnectedAt = disconnectedAt;
      // Messages queued while the client is away are authorised for the principal that last connected.
      session.reads.subscriber = r.subscriber;
      this.sessions.set(r.clientId, session);
      this.persistentCount++;
      for (const sub of r.subscriptions) await this.deps.router().restore(session, sub);
      for (const q of loaded.queued.get(r.clientId) ?? []) {
        const d: Delivery = { message: null as unknown as MqttMessage, qos: q.qos, retain: q.retain, subscriptionIds: q.subscriptionIds, position: q.position, shared: null, persisted: true, dup: true };
        const m = await messageAt(d);
        if (m === null) this.deps.store.removeQueued(r.clientId, q.position);
        else {
          d.message = m;
          session.restore(d);
          restoredMessages++;
        }
      }
      if (left !== Infinity) session.expiryTimer = timer(left, () => void this.end(session));
    }
    return restoredMessages;
  }

  /** Stops timers (broker shutdown: sessions stay as stored). */
  close(): void {
    for (const s of this.sessions.values()) {
      s.willTimer?.cancel();
      s.expiryTimer?.cancel();
    }
  }

  private sendWill(session: Session): void {
    const will = session.will;
    const author = session.willAuthor;
    session.will = null;
    session.willAuthor = null;
    session.willTimer = null;
    if (!will) return;
    const now = Date.now();
    const interval = will.properties?.messageExpiryInterval;
    this.deps.publishWill({
      topic: will.topic,
      payload: will.payload,
      qos: will.qos,
      retain: will.retain,
      properties: forwardedProperties(will.properties),
      expiresAt: interval === undefined ? Infinity : now + interval * 1000,
      publisherId: session.clientId,
      timestamp: now,
    }, author);
  }

  private countPersistence(was: boolean, is: boolean): void {
    if (was !== is) this.persistentCount += is ? 1 : -1;
  }

  // SessionHooks

  maxQueued(): number {
    return this.deps.settings.maxQueued;
  }

  maxInflight(): number {
    return this.deps.settings.maxInflight;
  }

  persist(session: Session, d: Delivery): void {
    this.deps.store.addQueued(session.clientId, { position: d.position!, qos: d.qos, retain: d.retain, subscriptionIds: [...d.subscriptionIds] });
  }

  unpersist(session: Session, d: Delivery): void {
    if (d.position) this.deps.store.removeQueued(session.clientId, d.position);
  }

  capacity(session: Session): void {
    this.deps.shared.memberReady(session);
  }

  dropped(session: Session, d: Delivery, why: string): void {
    this.droppedMessages++;
    this.deps.logger.debug('dropped a message for a session', { clientId: session.clientId, topic: d.message.topic, qos: d.qos, why });
  }
}

/** setTimeout for any delay (re-armed past setTimeout's 24.8-day limit), unref'd so it never holds the process. */
function timer(ms: number, fn: () => void): { cancel(): void } {
  let handle: NodeJS.Timeout;
  const due = Date.now() + ms;
  const arm = (): void => {
    const left = due - Date.now();
    handle = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
    handle.unref();
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}
