// Persistent sessions on disk: the compacted internal topic __mqtt_sessions (keyed-state-log.ts),
// three kinds of record, keys made of parts joined by U+0000 (which neither MQTT strings nor Kafka
// topic names may hold):
//
//   "s" clientId                        a persistent session; value JSON
//        {"v":1,"expiry":<s>,"protocol":4|5,"disconnectedAt":<ms>|-1,
//         "principal":"User:<name>","address":"<ip>:<port>",
//         "subscriptions":[{"filter","qos","nl","rap","rh","id"}]}     (null: the session ended)
//        principal/address: whom deliveries are authorised for (READ at delivery); a record written
//        before they existed reads as User:ANONYMOUS with no address
//   "d" clientId topic partition offset a QoS 1/2 message queued for (or in flight to) the session,
//        by its place in the log; value JSON {"q":<qos>,"r":<retain flag>,"s":[subscription ids]}
//        (null: acknowledged, or dropped)
//   "p" topic partition                 how far the log tailer has handed messages of that partition
//        to sessions; value: the next offset, as decimal text
//
// After a restart the sessions come back with their subscriptions and queues (messages are read
// back from their logs), and the tailer resumes each mapped partition from its "p" offset, so a
// message written just before a crash still reaches the offline sessions it was meant for. Queue
// writes are not fsynced (they survive kill -9; after a power failure a session may miss or repeat
// what was queued in the last moment); session and subscription changes are fsynced before SUBACK.
import type { ProtocolVersion, QoS } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import type { KeyedStateLog } from './keyed-state-log.js';
import type { LogPosition } from './log-appender.js';
import { ANONYMOUS_PRINCIPAL } from './mqtt-acl.js';
import type { ClientIdentity } from './read-authorization.js';
import type { Subscription } from './session.js';

const SEP = '\u0000';

export interface SessionRecord {
  clientId: string;
  expiry: number;
  protocol: ProtocolVersion;
  disconnectedAt: number;
  subscriber: ClientIdentity | null;
  subscriptions: Subscription[];
}

export interface QueuedRecord {
  position: LogPosition;
  qos: QoS;
  retain: boolean;
  subscriptionIds: number[];
}

export interface LoadedSessions {
  sessions: Map<string, SessionRecord>;
  queued: Map<string, QueuedRecord[]>;
  positions: Map<string, number>;
  records: number;
}

interface StoredSubscription {
  filter: string;
  qos: QoS;
  nl: boolean;
  rap: boolean;
  rh: 0 | 1 | 2;
  id: number | null;
}

export function positionKey(topic: string, partition: number): string {
  return `${topic}${SEP}${partition}`;
}

export class SessionStore {
  constructor(
    private readonly log: KeyedStateLog,
    private readonly logger: Logger,
    /** Splits a stored filter back into its parts (the registry's rule for `$share/`). */
    private readonly parseFilter: (filter: string) => { topicFilter: string; share: string | null },
  ) {}

  async load(): Promise<LoadedSessions> {
    const sessions = new Map<string, SessionRecord>();
    const queued = new Map<string, Map<string, QueuedRecord>>();
    const positions = new Map<string, number>();
    const records = await this.log.load((keyBytes, value) => {
      const key = keyBytes.toString('utf8');
      const parts = key.split(SEP);
      try {
        switch (parts[0]) {
          case 's':
            if (value === null) sessions.delete(parts[1]!);
            else sessions.set(parts[1]!, this.decodeSession(parts[1]!, value));
            break;
          case 'd': {
            const [, clientId, topic, partition, offset] = parts;
            let q = queued.get(clientId!);
            if (!q) queued.set(clientId!, (q = new Map()));
            const id = parts.slice(2).join(SEP);
            if (value === null) q.delete(id);
            else {
              const v = JSON.parse(value.toString('utf8')) as { q: QoS; r: boolean; s: number[] };
              q.set(id, { position: { topic: topic!, partition: Number(partition), offset: Number(offset) }, qos: v.q, retain: v.r, subscriptionIds: v.s });
            }
            break;
          }
          case 'p':
            if (value === null) positions.delete(positionKey(parts[1]!, Number(parts[2])));
            else positions.set(positionKey(parts[1]!, Number(parts[2])), Number(value.toString('latin1')));
            break;
        }
      } catch (e) {
        this.logger.warn('skipping an unreadable __mqtt_sessions record', { key: key.split(SEP).join('/'), error: String(e) });
      }
    });
    const out = new Map<string, QueuedRecord[]>();
    for (const [clientId, q] of queued) if (sessions.has(clientId) && q.size > 0) out.set(clientId, [...q.values()]);
    return { sessions, queued: out, positions, records };
  }

  /** Writes a persistent session's record (durable: before SUBACK/CONNACK tells the client it is kept). */
  saveSession(r: SessionRecord, durable: boolean): Promise<void> {
    const value = {
      v: 1,
      expiry: r.expiry,
      protocol: r.protocol,
      disconnectedAt: r.disconnectedAt,
      ...(r.subscriber ? { principal: r.subscriber.principal, address: r.subscriber.remoteAddress } : {}),
      subscriptions: r.subscriptions.map((s): StoredSubscription => ({ filter: s.filter, qos: s.qos, nl: s.noLocal, rap: s.retainAsPublished, rh: s.retainHandling, id: s.subscriptionId })),
    };
    return this.log.put(Buffer.from(`s${SEP}${r.clientId}`, 'utf8'), Buffer.from(JSON.stringify(value), 'utf8'), durable);
  }

  /** The session ended: its record and its queue go. */
  deleteSession(clientId: string, queued: readonly LogPosition[]): void {
    for (const p of queued) this.log.write(queuedKey(clientId, p), null);
    this.log.write(Buffer.from(`s${SEP}${clientId}`, 'utf8'), null);
  }

  addQueued(clientId: string, r: QueuedRecord): void {
    this.log.write(queuedKey(clientId, r.position), Buffer.from(JSON.stringify({ q: r.qos, r: r.retain, s: r.subscriptionIds }), 'utf8'));
  }

  removeQueued(clientId: string, position: LogPosition): void {
    this.log.write(queuedKey(clientId, position), null);
  }

  savePosition(topic: string, partition: number, offset: number): void {
    this.log.write(Buffer.from(`p${SEP}${topic}${SEP}${partition}`, 'utf8'), Buffer.from(String(offset), 'latin1'));
  }

  private decodeSession(clientId: string, value: Buffer): SessionRecord {
    const v = JSON.parse(value.toString('utf8')) as { v: number; expiry: number; protocol: ProtocolVersion; disconnectedAt: number; principal?: string; address?: string; subscriptions: StoredSubscription[] };
    if (v.v !== 1) throw new Error(`unknown session record version ${v.v}`);
    return {
      clientId,
      expiry: v.expiry,
      protocol: v.protocol,
      disconnectedAt: v.disconnectedAt,
      subscriber: { principal: typeof v.principal === 'string' ? v.principal : ANONYMOUS_PRINCIPAL, remoteAddress: typeof v.address === 'string' ? v.address : '' },
      subscriptions: v.subscriptions.map((s) => ({ filter: s.filter, ...this.parseFilter(s.filter), qos: s.qos, noLocal: s.nl, retainAsPublished: s.rap, retainHandling: s.rh, subscriptionId: s.id })),
    };
  }
}

function queuedKey(clientId: string, p: LogPosition): Buffer {
  return Buffer.from(`d${SEP}${clientId}${SEP}${p.topic}${SEP}${p.partition}${SEP}${p.offset}`, 'utf8');
}
