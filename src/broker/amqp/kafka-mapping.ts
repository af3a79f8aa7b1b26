// How AMQP messages and Kafka records map onto each other at a Kafka topic exchange
// (docs/amqp.md, "Kafka topics as exchanges"):
//
//   AMQP                        Kafka record
//   routing key             <-> key (UTF-8; an empty routing key is a null key)
//   body                    <-> value
//   property P (14 of them) <-> header "amqp.P" (e.g. amqp.content-type, amqp.delivery-mode),
//                               value as text: strings as they are, numbers in decimal
//   header H in `headers`   <-> header H, value as text (strings and byte arrays as their bytes,
//                               numbers and booleans in decimal / true|false, tables and arrays as JSON)
//
// Kafka -> AMQP turns every non-"amqp." header into a longstr header, so a message that went
// AMQP -> Kafka -> AMQP keeps its strings exactly and its other header types as text.
// Partition: Kafka's default partitioner (murmur2 of the key) for keyed records, round robin otherwise.
import { decodeProperties, encodeProperties, type BasicProperties, type FieldTable, type FieldValue } from '../../amqp/index.js';
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';

const PROPERTY_NAMES: [keyof BasicProperties, string, 'text' | 'number'][] = [
  ['contentType', 'content-type', 'text'],
  ['contentEncoding', 'content-encoding', 'text'],
  ['deliveryMode', 'delivery-mode', 'number'],
  ['priority', 'priority', 'number'],
  ['correlationId', 'correlation-id', 'text'],
  ['replyTo', 'reply-to', 'text'],
  ['expiration', 'expiration', 'text'],
  ['messageId', 'message-id', 'text'],
  ['timestamp', 'timestamp', 'number'],
  ['type', 'type', 'text'],
  ['userId', 'user-id', 'text'],
  ['appId', 'app-id', 'text'],
  ['clusterId', 'cluster-id', 'text'],
];

function valueText(v: FieldValue): Buffer {
  switch (v.type) {
    case 'S':
    case 'x':
      return v.value;
    case 'V':
      return Buffer.alloc(0);
    case 'A':
    case 'F':
      return Buffer.from(JSON.stringify(plain(v)), 'utf8');
    case 'D':
      return Buffer.from(String(v.value / 10 ** v.scale));
    default:
      return Buffer.from(String(v.value));
  }
}

function plain(v: FieldValue): unknown {
  switch (v.type) {
    case 'S':
    case 'x':
      return v.value.toString('utf8');
    case 'A':
      return v.value.map(plain);
    case 'F':
      return Object.fromEntries(v.value.map(([k, x]) => [k, plain(x)]));
    case 'V':
      return null;
    case 'D':
      return v.value / 10 ** v.scale;
    case 'l':
    case 'L':
    case 'T':
      return Number(v.value);
    default:
      return v.value;
  }
}

/** The Kafka record for an AMQP message published to a Kafka topic exchange. */
export function amqpToRecord(routingKey: string, properties: Buffer, body: Buffer, now: number): RecordInput {
  const p = decodeProperties(properties);
  const headers: RecordHeader[] = [];
  for (const [field, name] of PROPERTY_NAMES) {
    const v = p[field];
    if (v !== undefined) headers.push({ key: `amqp.${name}`, value: Buffer.from(String(v), 'utf8') });
  }
  for (const [k, v] of p.headers ?? []) headers.push({ key: k, value: valueText(v) });
  return { key: routingKey === '' ? null : Buffer.from(routingKey, 'utf8'), value: body, headers, timestamp: now };
}

/** The AMQP routing key and property list of a Kafka record read from a Kafka topic exchange's topic. */
export function recordToAmqp(key: Buffer | null, headers: readonly RecordHeader[]): { routingKey: string; properties: Buffer } {
  const p: BasicProperties = {};
  const table: FieldTable = [];
  for (const h of headers) {
    const value = h.value ?? Buffer.alloc(0);
    const prop = h.key.startsWith('amqp.') ? PROPERTY_NAMES.find(([, name]) => `amqp.${name}` === h.key) : undefined;
    if (prop) {
      const text = value.toString('utf8');
      if (prop[2] === 'number') {
        const n = Number(text);
        if (Number.isFinite(n) && n >= 0) (p as Record<string, unknown>)[prop[0]] = prop[0] === 'timestamp' ? n : n & 0xff;
      } else if (Buffer.byteLength(text) <= 255) (p as Record<string, unknown>)[prop[0]] = text;
      continue;
    }
    if (Buffer.byteLength(h.key) <= 255) table.push([h.key, { type: 'S', value: Buffer.from(value) }]);
  }
  if (table.length > 0) p.headers = table;
  return { routingKey: key ? key.toString('utf8') : '', properties: encodeProperties(p) };
}

/** Kafka's murmur2 (Utils.murmur2, seed 0x9747b28c), for the default partitioner's key hashing. */
export function kafkaMurmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  const words = data.length >> 2;
  for (let i = 0; i < words; i++) {
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    h = Math.imul(h, m) ^ Math.imul(k, m);
  }
  const t = words * 4;
  const rest = data.length & 3;
  if (rest === 3) h ^= data[t + 2]! << 16;
  if (rest >= 2) h ^= data[t + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[t]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** Kafka's default partition for a key: toPositive(murmur2(key)) % partitions. */
export function kafkaPartitionFor(key: Buffer, partitions: number): number {
  return (kafkaMurmur2(key) & 0x7fffffff) % partitions;
}
