// Retained messages (MQTT 5.0 §3.3.1.3): the last message published with RETAIN per topic, sent to
// every new matching subscription, and cleared by a retained publish with an empty payload. Kept in
// memory and durably in the compacted internal topic __mqtt_retained, one record per topic:
//
//   key    the MQTT topic name (UTF-8)
//   value  null (a tombstone: no retained message), or
//            int8   format version, 1
//            int8   QoS it was published with
//            int64  timestamp (ms since the epoch) it was received
//            int64  expiry (ms since the epoch), -1 for none
//            string publisher client identifier (uint16 length, UTF-8; 0xFFFF: none)
//            the message's properties as an MQTT 5.0 property block (§2.2.2: variable byte integer
//            length, then identifier/value pairs: payload format, content type, response topic,
//            correlation data, user properties)
//            payload (the rest)
//
// A retained publish at QoS 1/2 is acknowledged only once this record is fdatasynced too.
import { PacketReader, hasWildcard, propertiesSize, readProperties, topicMatches, writeProperties, type QoS } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import type { KeyedStateLog } from './keyed-state-log.js';
import type { MqttMessage } from './message-record.js';

const FORMAT_VERSION = 1;
const NO_PUBLISHER = 0xffff;

export class RetainedStore {
  private readonly messages = new Map<string, MqttMessage>();

  constructor(
    private readonly log: KeyedStateLog,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.messages.size;
  }

  async load(): Promise<void> {
    const records = await this.log.load((key, value) => {
      const topic = key.toString('utf8');
      if (value === null) {
        this.messages.delete(topic);
        return;
      }
      try {
        this.messages.set(topic, decodeRetained(topic, value));
      } catch (e) {
        this.logger.warn('skipping an unreadable retained message', { topic, error: String(e) });
      }
    });
    const now = Date.now();
    for (const [topic, m] of this.messages) if (m.expiresAt <= now) this.messages.delete(topic);
    if (records > 0) this.logger.info('loaded retained messages', { topics: this.messages.size, records });
  }

  /** Stores (or, for an empty payload, clears) the retained message of its topic; resolves once written (durable when asked). */
  update(m: MqttMessage, durable: boolean): Promise<void> {
    const key = Buffer.from(m.topic, 'utf8');
    if (m.payload.length === 0) {
      if (!this.messages.delete(m.topic)) return Promise.resolve();
      return this.log.put(key, null, durable);
    }
    this.messages.set(m.topic, m);
    return this.log.put(key, encodeRetained(m), durable);
  }

  /** The unexpired retained messages matching `filter`. */
  matching(filter: string, now = Date.now()): MqttMessage[] {
    const out: MqttMessage[] = [];
    const consider = (topic: string, m: MqttMessage): void => {
      if (m.expiresAt <= now) {
        this.messages.delete(topic);
        this.log.write(Buffer.from(topic, 'utf8'), null);
        return;
      }
      out.push(m);
    };
    if (!hasWildcard(filter)) {
      const m = this.messages.get(filter);
      if (m) consider(filter, m);
      return out;
    }
    for (const [topic, m] of this.messages) if (topicMatches(filter, topic)) consider(topic, m);
    return out;
  }
}

export function encodeRetained(m: MqttMessage): Buffer {
  const publisher = m.publisherId === null ? null : Buffer.from(m.publisherId, 'utf8');
  const size = 1 + 1 + 8 + 8 + 2 + (publisher?.length ?? 0) + propertiesSize(m.properties) + m.payload.length;
  const b = Buffer.allocUnsafe(size);
  let p = 0;
  b[p++] = FORMAT_VERSION;
  b[p++] = m.qos;
  b.writeBigInt64BE(BigInt(m.timestamp), p);
  p += 8;
  b.writeBigInt64BE(BigInt(m.expiresAt === Infinity ? -1 : Math.round(m.expiresAt)), p);
  p += 8;
  b.writeUInt16BE(publisher === null ? NO_PUBLISHER : publisher.length, p);
  p += 2;
  if (publisher) p += publisher.copy(b, p);
  p = writeProperties(b, p, m.properties);
  m.payload.copy(b, p);
  return b;
}

export function decodeRetained(topic: string, value: Buffer): MqttMessage {
  const r = new PacketReader(value, 0, value.length);
  const version = r.u8();
  if (version !== FORMAT_VERSION) throw new Error(`unknown retained message format ${version}`);
  const qos = r.u8();
  if (qos > 2) throw new Error(`retained message with QoS ${qos}`);
  if (r.remaining < 16) throw new Error('retained message cut short');
  const timestamp = Number(value.readBigInt64BE(r.pos));
  const expiry = Number(value.readBigInt64BE(r.pos + 8));
  r.pos += 16;
  const n = r.u16();
  let publisherId: string | null = null;
  if (n !== NO_PUBLISHER) {
    if (n > r.remaining) throw new Error('retained message publisher id past its end');
    publisherId = value.toString('utf8', r.pos, r.pos + n);
    r.pos += n;
  }
  const properties = readProperties(r, 'PUBLISH');
  return { topic, payload: r.rest(), qos: qos as QoS, retain: true, properties, expiresAt: expiry < 0 ? Infinity : expiry, publisherId, timestamp };
}
