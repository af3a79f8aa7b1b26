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
import { readSignedVarint, type VarintResult } from '../../protocol/primitives/varint.js';
import type { RecordHeader, RecordInput, RecordScan } from '../../protocol/records/record.js';

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

/**
 * A message read back from a queue's log. Routing data stays as the stored bytes (views of the
 * batch) until something asks for the strings: delivery copies the bytes into the basic.deliver
 * frame as they are, so the hot path never decodes or re-encodes them.
 */
export class StoredMessage {
  private exchangeText: string | undefined;
  private routingKeyText: string | undefined;

  constructor(
    readonly offset: number,
    /** The exchange name as stored (UTF-8). */
    readonly exchangeBytes: Buffer,
    /** The routing key as stored (UTF-8). */
    readonly routingKeyBytes: Buffer,
    readonly properties: Buffer,
    readonly body: Buffer,
    readonly timestamp: number,
    /** ms since the epoch, or Infinity. */
    readonly expiresAt: number,
  ) {}

  get exchange(): string {
    return (this.exchangeText ??= this.exchangeBytes.toString('utf8'));
  }

  get routingKey(): string {
    return (this.routingKeyText ??= this.routingKeyBytes.toString('utf8'));
  }
}

/**
 * Exchange names and routing keys as bytes, encoded once instead of once per message (a handful of
 * exchanges; routing keys repeat, e.g. the queue name on the default exchange). Bounded: a cache
 * that fills up (many distinct keys) starts over.
 */
class Utf8Cache {
  private readonly map = new Map<string, Buffer>();
  get(text: string): Buffer {
    let b = this.map.get(text);
    if (!b) {
      if (this.map.size >= 1024) this.map.clear();
      this.map.set(text, (b = Buffer.from(text, 'utf8')));
    }
    return b;
  }
}

const exchangeNames = new Utf8Cache();
const routingKeys = new Utf8Cache();

/** An exchange name as stored (UTF-8; shared, never to be written to). */
export function exchangeBytes(exchange: string): Buffer {
  return exchangeNames.get(exchange);
}

/** A routing key as stored (UTF-8; shared, never to be written to). */
export function routingKeyBytes(routingKey: string): Buffer {
  return routingKeys.get(routingKey);
}

/**
 * The record of a message the queue accepted at `now` (`expiresAt` Infinity without a TTL), for the
 * generic batch builder. Queues append through message-batch.ts, which writes these same bytes
 * without building it; this is the reference it is checked against.
 */
export function toRecord(m: AmqpMessage, now: number, expiresAt: number): RecordInput {
  const headers: RecordHeader[] = [
    { key: EXCHANGE_HEADER, value: exchangeNames.get(m.exchange) },
    { key: PROPERTIES_HEADER, value: m.properties },
  ];
  if (Number.isFinite(expiresAt)) headers.push({ key: EXPIRES_HEADER, value: Buffer.from(String(expiresAt), 'latin1') });
  return { key: routingKeys.get(m.routingKey), value: m.body, headers, timestamp: now };
}

/** The stored message of a decoded record (properties default to none for records written by others). */
export function fromRecord(offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): StoredMessage {
  let exchange: Buffer = EMPTY;
  let properties: Buffer = EMPTY_PROPERTIES;
  let expiresAt = Infinity;
  for (const h of headers) {
    if (h.key === EXCHANGE_HEADER && h.value) exchange = h.value;
    else if (h.key === PROPERTIES_HEADER && h.value) properties = h.value;
    else if (h.key === EXPIRES_HEADER && h.value) expiresAt = parseExpiresAt(h.value);
  }
  return new StoredMessage(offset, exchange, key ?? EMPTY, properties, value ?? EMPTY, timestamp, expiresAt);
}

/**
 * The stored message of a record scanned in place (scanRecord validated its layout): header keys
 * are compared as bytes, nothing is decoded to strings, keys and values are views of `buf`.
 */
export function fromScan(buf: Buffer, offset: number, timestamp: number, scan: RecordScan, v: VarintResult): StoredMessage {
  let exchange: Buffer = EMPTY;
  let properties: Buffer = EMPTY_PROPERTIES;
  let expiresAt = Infinity;
  let p = scan.headersStart;
  for (let i = 0; i < scan.headerCount; i++) {
    readSignedVarint(buf, p, scan.next, v);
    const keyStart = v.next;
    const keyEnd = keyStart + v.value;
    readSignedVarint(buf, keyEnd, scan.next, v);
    const valueLength = v.value;
    p = v.next + Math.max(0, valueLength);
    if (valueLength < 0) continue;
    const value = buf.subarray(v.next, p);
    const which = headerKind(buf, keyStart, keyEnd);
    if (which === 1) exchange = value;
    else if (which === 2) properties = value;
    else if (which === 3) expiresAt = parseExpiresAt(value);
  }
  const key = scan.keyLength < 0 ? EMPTY : buf.subarray(scan.keyStart, scan.keyStart + scan.keyLength);
  const body = scan.valueLength < 0 ? EMPTY : buf.subarray(scan.valueStart, scan.valueStart + scan.valueLength);
  return new StoredMessage(offset, exchange, key, properties, body, timestamp, expiresAt);
}

const EXCHANGE_KEY = Buffer.from(EXCHANGE_HEADER);
const PROPERTIES_KEY = Buffer.from(PROPERTIES_HEADER);
const EXPIRES_KEY = Buffer.from(EXPIRES_HEADER);

/** 1 exchange, 2 properties, 3 expires, 0 another header. */
function headerKind(buf: Buffer, start: number, end: number): number {
  const n = end - start;
  // The three keys share "amqp." and differ in length (13, 15, 12): the length picks the candidate.
  const want = n === EXCHANGE_KEY.length ? EXCHANGE_KEY : n === PROPERTIES_KEY.length ? PROPERTIES_KEY : n === EXPIRES_KEY.length ? EXPIRES_KEY : null;
  if (!want || buf.compare(want, 0, n, start, end) !== 0) return 0;
  return want === EXCHANGE_KEY ? 1 : want === PROPERTIES_KEY ? 2 : 3;
}

function parseExpiresAt(value: Buffer): number {
  const n = Number(value.toString('latin1'));
  return Number.isFinite(n) ? n : Infinity;
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
