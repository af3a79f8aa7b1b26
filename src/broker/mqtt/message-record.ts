// An MQTT application message as the server passes it around, and its form as a Kafka record
// (docs/mqtt.md, "In the log"):
//
//   key        the MQTT topic name (UTF-8)
//   value      the payload (an empty payload is an empty value, never null)
//   timestamp  when the broker received the PUBLISH (CreateTime)
//   headers    mqtt.qos                      "0" | "1" | "2", the QoS it was published with
//              mqtt.retain                   "true" when published with the RETAIN flag
//              mqtt.client.id                the publisher's client identifier
//              mqtt.payload.format           "utf-8" for Payload Format Indicator 1
//              mqtt.content.type             Content Type
//              mqtt.response.topic           Response Topic
//              mqtt.correlation.data         Correlation Data (bytes)
//              mqtt.message.expiry.interval  Message Expiry Interval (seconds, from the timestamp)
//              <name>                        each User Property, in order (a name among the mqtt.*
//                                            ones above is dropped, so headers never lie)
//
// Reading a record back, the mqtt.* headers give the message its QoS and properties and every other
// header with a UTF-8 value becomes a user property: a Kafka producer's headers reach 5.0
// subscribers as user properties, and records without mqtt.qos get the configured QoS.
import { isUtf8 } from 'node:buffer';
import type { Properties, QoS } from '../../mqtt/index.js';
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';

export interface MqttMessage {
  topic: string;
  payload: Buffer;
  /** QoS it was published with (a subscriber gets at most its subscription's). */
  qos: QoS;
  retain: boolean;
  /** The properties forwarded to subscribers (§3.3.2.3): format, content type, response topic, correlation data, user properties. */
  properties: Properties;
  /** When it expires (ms since the epoch), or Infinity. */
  expiresAt: number;
  /** Client identifier of the publisher (null for Kafka records): for No Local. */
  publisherId: string | null;
  /** When the broker received it (ms). */
  timestamp: number;
}

export const HEADER = {
  qos: 'mqtt.qos',
  retain: 'mqtt.retain',
  clientId: 'mqtt.client.id',
  payloadFormat: 'mqtt.payload.format',
  contentType: 'mqtt.content.type',
  responseTopic: 'mqtt.response.topic',
  correlationData: 'mqtt.correlation.data',
  expiry: 'mqtt.message.expiry.interval',
} as const;
const RESERVED = new Set<string>(Object.values(HEADER));
const QOS_VALUES = [Buffer.from('0'), Buffer.from('1'), Buffer.from('2')] as const;
const TRUE = Buffer.from('true');
const UTF8 = Buffer.from('utf-8');

export function messageToRecord(m: MqttMessage): RecordInput {
  const headers: RecordHeader[] = [{ key: HEADER.qos, value: QOS_VALUES[m.qos] }];
  if (m.retain) headers.push({ key: HEADER.retain, value: TRUE });
  if (m.publisherId !== null) headers.push({ key: HEADER.clientId, value: Buffer.from(m.publisherId, 'utf8') });
  const p = m.properties;
  if (p.payloadFormatIndicator === 1) headers.push({ key: HEADER.payloadFormat, value: UTF8 });
  if (p.contentType !== undefined) headers.push({ key: HEADER.contentType, value: Buffer.from(p.contentType, 'utf8') });
  if (p.responseTopic !== undefined) headers.push({ key: HEADER.responseTopic, value: Buffer.from(p.responseTopic, 'utf8') });
  if (p.correlationData !== undefined) headers.push({ key: HEADER.correlationData, value: p.correlationData });
  if (m.expiresAt !== Infinity) headers.push({ key: HEADER.expiry, value: Buffer.from(String(Math.max(0, Math.ceil((m.expiresAt - m.timestamp) / 1000))), 'utf8') });
  for (const [k, v] of p.userProperties ?? []) if (!RESERVED.has(k)) headers.push({ key: k, value: Buffer.from(v, 'utf8') });
  return { key: Buffer.from(m.topic, 'utf8'), value: m.payload, headers, timestamp: m.timestamp };
}

/** The message a record holds, delivered on `topic`; `defaultQos` for records without mqtt.qos. */
export function recordToMessage(topic: string, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, defaultQos: QoS): MqttMessage {
  const m: MqttMessage = { topic, payload: value ?? EMPTY, qos: defaultQos, retain: false, properties: {}, expiresAt: Infinity, publisherId: null, timestamp };
  const p = m.properties;
  for (const h of headers) {
    const v = h.value;
    if (v === null) continue;
    switch (h.key) {
      case HEADER.qos: {
        const q = v.length === 1 ? v[0]! - 0x30 : -1;
        if (q >= 0 && q <= 2) m.qos = q as QoS;
        break;
      }
      case HEADER.retain:
        m.retain = v.equals(TRUE);
        break;
      case HEADER.clientId:
        m.publisherId = v.toString('utf8');
        break;
      case HEADER.payloadFormat:
        if (v.equals(UTF8)) p.payloadFormatIndicator = 1;
        break;
      case HEADER.contentType:
        p.contentType = v.toString('utf8');
        break;
      case HEADER.responseTopic:
        p.responseTopic = v.toString('utf8');
        break;
      case HEADER.correlationData:
        p.correlationData = v;
        break;
      case HEADER.expiry: {
        const seconds = Number(v.toString('latin1'));
        if (Number.isFinite(seconds) && seconds >= 0) m.expiresAt = timestamp + seconds * 1000;
        break;
      }
      default:
        // A header that is not valid UTF-8 (or holds U+0000) cannot be a user property.
        if (v.indexOf(0) < 0 && isUtf8(v) && !h.key.includes('\u0000')) (p.userProperties ??= []).push([h.key, v.toString('utf8')]);
    }
  }
  return m;
}

const EMPTY = Buffer.alloc(0);

/** The forwarded subset of a PUBLISH's properties (§3.3.2.3; Topic Alias and Subscription Identifiers are per hop). */
export function forwardedProperties(p: Properties | undefined): Properties {
  if (!p) return {};
  const out: Properties = {};
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = Buffer.from(p.correlationData);
  if (p.userProperties !== undefined) out.userProperties = p.userProperties;
  return out;
}
