// Subscriptions and the fan-out of messages to sessions. Ordinary subscriptions live in a topic-filter
// trie (topic-trie.ts) that the log tailer's messages are matched against; shared subscriptions are
// handed to shared-subscriptions.ts. SUBSCRIBE and UNSUBSCRIBE are answered here (MQTT 5.0 §3.8,
// §3.10), retained messages are sent on subscribe as Retain Handling says (§3.3.1.3).
//
// A session with several subscriptions matching one message gets it once (§3.3.4 allows either):
// with the largest QoS of those subscriptions, every Subscription Identifier of them, and the RETAIN
// flag kept if any of them asked Retain As Published. A subscription with No Local does not get
// messages its own client published.
import { ReasonCode, parseSharedFilter, topicFilterProblem, type ProtocolVersion, type QoS, type SubscribePacket, type UnsubscribePacket } from '../../mqtt/index.js';
import type { LogPosition } from './log-appender.js';
import type { MqttMessage } from './message-record.js';
import type { RetainedStore } from './retained-store.js';
import type { Session, Subscription } from './session.js';
import type { SharedSubscriptions } from './shared-subscriptions.js';
import { TopicTrie } from './topic-trie.js';

/** A SUBSCRIBE that breaks a rule: the connection closes with this reason code. */
export class SubscribeViolation extends Error {
  constructor(
    readonly reasonCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SubscribeOutcome {
  reasonCodes: number[];
  /** Sends the retained messages the new subscriptions are owed; call after the SUBACK is written. */
  sendRetained: () => void;
}

interface Match {
  session: Session;
  qos: QoS;
  ids: number[];
  retain: boolean;
}

/** Splits a subscription filter into its topic filter and share name; throws the problem as a string-bearing Error. */
export function splitFilter(filter: string): { topicFilter: string; share: string | null } {
  const shared = parseSharedFilter(filter);
  if (shared) return { topicFilter: shared.filter, share: shared.group };
  const problem = topicFilterProblem(filter);
  if (problem) throw new Error(problem);
  return { topicFilter: filter, share: null };
}

export class Router {
  private readonly trie = new TopicTrie<Subscription>();

  constructor(
    private readonly sessions: (clientId: string) => Session | undefined,
    private readonly shared: SharedSubscriptions,
    private readonly retained: RetainedStore,
  ) {}

  /** Ordinary subscriptions in all sessions (the tailer skips decoding while there are none). */
  get subscriptionCount(): number {
    return this.trie.size;
  }

  route(m: MqttMessage, position: LogPosition): void {
    // Most messages match one session: no map for them.
    const found: { single: Match | null; many: Map<string, Match> | null } = { single: null, many: null };
    this.trie.match(m.topic, (clientId, sub) => {
      if (sub.noLocal && m.publisherId === clientId) return;
      const seen = found.single?.session.clientId === clientId ? found.single : found.many?.get(clientId);
      if (seen) {
        if (sub.qos > seen.qos) seen.qos = sub.qos;
        if (sub.subscriptionId !== null) seen.ids.push(sub.subscriptionId);
        seen.retain ||= sub.retainAsPublished && m.retain;
        return;
      }
      const session = this.sessions(clientId);
      if (!session) return;
      const match: Match = { session, qos: sub.qos, ids: sub.subscriptionId === null ? [] : [sub.subscriptionId], retain: sub.retainAsPublished && m.retain };
      if (found.single === null) found.single = match;
      else (found.many ??= new Map()).set(clientId, match);
    });
    const deliver = (x: Match): void =>
      x.session.deliver({ message: m, qos: Math.min(m.qos, x.qos) as QoS, retain: x.retain, subscriptionIds: x.ids, position, shared: null, persisted: false });
    if (found.single) deliver(found.single);
    if (found.many) for (const x of found.many.values()) deliver(x);
  }

  /** Adds a stored subscription back (after a restart). */
  async restore(session: Session, sub: Subscription): Promise<void> {
    session.subscriptions.set(sub.filter, sub);
    if (sub.share !== null) await this.shared.add(session, sub);
    else this.trie.set(sub.topicFilter, session.clientId, sub);
  }

  async subscribe(session: Session, packet: SubscribePacket, version: ProtocolVersion): Promise<SubscribeOutcome> {
    const reasonCodes: number[] = [];
    const retainedFor: Subscription[] = [];
    const subscriptionId = packet.properties?.subscriptionIdentifiers?.[0] ?? null;
    for (const req of packet.subscriptions) {
      let parts: { topicFilter: string; share: string | null };
      try {
        parts = splitFilter(req.filter);
      } catch {
        reasonCodes.push(version === 5 ? ReasonCode.TopicFilterInvalid : 0x80);
        continue;
      }
      // [MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error.
      if (parts.share !== null && req.noLocal) throw new SubscribeViolation(ReasonCode.ProtocolError, `No Local set on the shared subscription "${req.filter}"`);
      const sub: Subscription = { filter: req.filter, ...parts, qos: req.qos, noLocal: req.noLocal, retainAsPublished: req.retainAsPublished, retainHandling: req.retainHandling, subscriptionId };
      const existed = session.subscriptions.has(req.filter);
      session.subscriptions.set(req.filter, sub);
      if (sub.share !== null) await this.shared.add(session, sub);
      else {
        this.trie.set(sub.topicFilter, session.clientId, sub);
        // Retain Handling 0: send at subscribe; 1: only for a new subscription; 2: never. Never for shared ones (§4.8.2).
        if (sub.retainHandling === 0 || (sub.retainHandling === 1 && !existed)) retainedFor.push(sub);
      }
      reasonCodes.push(req.qos);
    }
    return {
      reasonCodes,
      sendRetained: () => {
        for (const sub of retainedFor) {
          for (const m of this.retained.matching(sub.topicFilter)) {
            if (sub.noLocal && m.publisherId === session.clientId) continue;
            session.deliver({ message: m, qos: Math.min(m.qos, sub.qos) as QoS, retain: true, subscriptionIds: sub.subscriptionId === null ? [] : [sub.subscriptionId], position: null, shared: null, persisted: false });
          }
        }
      },
    };
  }

  async unsubscribe(session: Session, packet: UnsubscribePacket): Promise<number[]> {
    const codes: number[] = [];
    for (const filter of packet.filters) codes.push((await this.remove(session, filter)) ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted);
    return codes;
  }

  /** Removes one subscription; false when the session had none with that filter. */
  async remove(session: Session, filter: string): Promise<boolean> {
    const sub = session.subscriptions.get(filter);
    if (!sub) return false;
    session.subscriptions.delete(filter);
    if (sub.share !== null) await this.shared.remove(session, filter);
    // Only this session's entry: a new session of the same client may already have subscribed.
    else this.trie.delete(sub.topicFilter, session.clientId, sub);
    return true;
  }

  /** Removes every subscription of a session that ends. */
  async removeAll(session: Session): Promise<void> {
    for (const filter of [...session.subscriptions.keys()]) await this.remove(session, filter);
  }
}
