// How an AMQP message is stored in a queue's log: one Kafka record per message, so queues are
// ordinary partition logs (segments, indexes, recovery, retention) and the fetch path's tools apply.
//
//   key        the routing key the message was published with (UTF-8)
//   value      the body, byte for byte
//   timestamp  when the queue accepted it (ms)
//   headers    amqp.exchange    the exchange it was published to (UTF-8; "" = the default exchange)
//              amqp.properties  the content header's property flags and list exactly as the
//                               publisher sent them (properties.ts), so every property and header
//                               value reaches consumers unchanged
//              amqp.expires     (only when a TTL applies) the time it expires, ms since the epoch as
//                               decimal text: min(x-message-ttl, expiration) after it was enqueued
//
// Messages of one queue are appended in batches (one record batch per queue per event-loop turn).
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';

export const EXCHANGE_HEADER = 'amqp.exchange';
export const PROPERTIES_HEADER = 'amqp.properties';
export const EXPIRES_HEADER = 'amqp.expires';

/** A message as the server moves it: routing data, raw properties and body. */
export interface AmqpMessage {
  exchange: string;
  routingKey: string;
  /** Property flags and list as received (or as rewritten by dead-lettering). */
  properties: Buffer;
  body: Buffer;
  /** delivery-mode 2. */
  persistent: boolean;
  /** The expiration property in ms, when present and valid. */
  expirationMs: number | undefined;
}

export interface StoredMessage {
  offset: number;
  exchange: string;
  routingKey: string;
  properties: Buffer;
  body: Buffer;
  timestamp: number;
  /** ms since the epoch, or Infinity. */
  expiresAt: number;
}

export function toRecord(m: AmqpMessage, now: number, expiresAt: number): RecordInput {
  const headers: RecordHeader[] = [
    { key: EXCHANGE_HEADER, value: Buffer.from(m.exchange, 'utf8') },
    { key: PROPERTIES_HEADER, value: m.properties },
  ];
  if (Number.isFinite(expiresAt)) headers.push({ key: EXPIRES_HEADER, value: Buffer.from(String(expiresAt), 'latin1') });
  return { key: Buffer.from(m.routingKey, 'utf8'), value: m.body, headers, timestamp: now };
}

/** The stored message of a decoded record (properties default to none for records written by others). */
export function fromRecord(offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): StoredMessage {
  let exchange = '';
  let properties: Buffer = EMPTY_PROPERTIES;
  let expiresAt = Infinity;
  for (const h of headers) {
    if (h.key === EXCHANGE_HEADER && h.value) exchange = h.value.toString('utf8');
    else if (h.key === PROPERTIES_HEADER && h.value) properties = h.value;
    else if (h.key === EXPIRES_HEADER && h.value) {
      const n = Number(h.value.toString('latin1'));
      if (Number.isFinite(n)) expiresAt = n;
    }
  }
  return { offset, exchange, routingKey: key ? key.toString('utf8') : '', properties, body: value ?? EMPTY, timestamp, expiresAt };
}

const EMPTY = Buffer.alloc(0);
const EMPTY_PROPERTIES = Buffer.from([0, 0]);

/** The expiration property as RabbitMQ reads it: a non-negative integer in ms, as text. */
export function parseExpiration(text: string | undefined): number | undefined | 'invalid' {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) return 'invalid';
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : 'invalid';
}
