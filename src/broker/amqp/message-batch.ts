// Encodes a queue's pending messages as one record batch (the layout of message-record.ts), written
// straight from the message fields: the header keys are constant bytes, nothing per message is
// turned into a RecordInput, header objects or strings. The bytes are exactly what the generic
// builder (protocol/records/batch-builder.ts) makes of toRecord()'s records; test/amqp/message-batch.test.ts
// checks that. Where each message's properties and body landed in the batch is noted on the
// message, so the queue can hand out views of the batch it just wrote (decoded-batches.ts) instead
// of scanning it again for its first delivery.
import { signedVarintSize, writeSignedVarint } from '../../protocol/primitives/varint.js';
import { BATCH_HEADER_SIZE } from '../../protocol/records/batch-header.js';
import { finishPlainBatch } from '../../protocol/records/batch-builder.js';
import { varlongSize, writeVarlong } from '../../protocol/records/record.js';
import { EXCHANGE_HEADER, EXPIRES_HEADER, PROPERTIES_HEADER, StoredMessage } from './message-record.js';

/** One message as its queue stores it. */
export interface QueuedMessage {
  /** The exchange name, UTF-8. */
  readonly exchange: Buffer;
  /** The routing key, UTF-8. */
  readonly routingKey: Buffer;
  readonly properties: Buffer;
  readonly body: Buffer;
  /** When the queue accepted it (ms); the record's timestamp. */
  readonly timestamp: number;
  /** ms since the epoch, or Infinity (no amqp.expires header). */
  readonly expiresAt: number;
  /** Set by encodeMessageBatch: where its properties and body start in the batch. */
  propertiesAt: number;
  bodyAt: number;
}

const EXCHANGE_KEY = Buffer.from(EXCHANGE_HEADER, 'utf8');
const PROPERTIES_KEY = Buffer.from(PROPERTIES_HEADER, 'utf8');
const EXPIRES_KEY = Buffer.from(EXPIRES_HEADER, 'utf8');
/** Key length varint + key, for each constant header key. */
const EXCHANGE_KEY_FIELD = signedVarintSize(EXCHANGE_KEY.length) + EXCHANGE_KEY.length;
const PROPERTIES_KEY_FIELD = signedVarintSize(PROPERTIES_KEY.length) + PROPERTIES_KEY.length;
const EXPIRES_KEY_FIELD = signedVarintSize(EXPIRES_KEY.length) + EXPIRES_KEY.length;

function bytesField(length: number): number {
  return signedVarintSize(length) + length;
}

/** The amqp.expires header's value: the time as decimal text (only messages with a TTL have one). */
function expiresText(expiresAt: number): Buffer | null {
  return Number.isFinite(expiresAt) ? Buffer.from(String(expiresAt), 'latin1') : null;
}

/** Record body sizes and expires texts of the batch being built; reused (encoding is synchronous). */
let sizes = new Float64Array(1024);
let texts: (Buffer | null)[] = [];

/** messages[from, to) as one uncompressed v2 batch (base offset 0, CreateTime, no producer id). */
export function encodeMessageBatch(messages: readonly QueuedMessage[], from: number, to: number): Buffer {
  const n = to - from;
  if (sizes.length < n) sizes = new Float64Array(Math.max(n, 2 * sizes.length));
  if (texts.length < n) texts = new Array<Buffer | null>(Math.max(n, 2 * texts.length)).fill(null);
  const baseTimestamp = messages[from]!.timestamp;
  let maxTimestamp = -1;
  let total = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const m = messages[from + i]!;
    if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp;
    const text = expiresText(m.expiresAt);
    texts[i] = text;
    let size = 1 + varlongSize(m.timestamp - baseTimestamp) + signedVarintSize(i);
    size += bytesField(m.routingKey.length) + bytesField(m.body.length);
    size += 1 + EXCHANGE_KEY_FIELD + bytesField(m.exchange.length) + PROPERTIES_KEY_FIELD + bytesField(m.properties.length);
    if (text) size += EXPIRES_KEY_FIELD + bytesField(text.length);
    sizes[i] = size;
    total += signedVarintSize(size) + size;
  }
  const batch = Buffer.allocUnsafe(total);
  let pos = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const m = messages[from + i]!;
    const text = texts[i]!;
    texts[i] = null;
    pos = writeSignedVarint(batch, pos, sizes[i]!);
    batch[pos++] = 0;
    pos = writeVarlong(batch, pos, m.timestamp - baseTimestamp);
    pos = writeSignedVarint(batch, pos, i);
    pos = writeSignedVarint(batch, pos, m.routingKey.length);
    pos += m.routingKey.copy(batch, pos);
    pos = writeSignedVarint(batch, pos, m.body.length);
    m.bodyAt = pos;
    pos += m.body.copy(batch, pos);
    batch[pos++] = text ? 6 : 4; // header count 3 or 2, zigzag
    pos = writeSignedVarint(batch, pos, EXCHANGE_KEY.length);
    pos += EXCHANGE_KEY.copy(batch, pos);
    pos = writeSignedVarint(batch, pos, m.exchange.length);
    pos += m.exchange.copy(batch, pos);
    pos = writeSignedVarint(batch, pos, PROPERTIES_KEY.length);
    pos += PROPERTIES_KEY.copy(batch, pos);
    pos = writeSignedVarint(batch, pos, m.properties.length);
    m.propertiesAt = pos;
    pos += m.properties.copy(batch, pos);
    if (text) {
      pos = writeSignedVarint(batch, pos, EXPIRES_KEY.length);
      pos += EXPIRES_KEY.copy(batch, pos);
      pos = writeSignedVarint(batch, pos, text.length);
      pos += text.copy(batch, pos);
    }
  }
  return finishPlainBatch(batch, n, baseTimestamp, maxTimestamp);
}

/**
 * The stored messages of a batch encodeMessageBatch made of messages[from, to), now at `baseOffset`
 * in the log: what reading the batch back would give, as views of it.
 */
export function storedMessagesOf(batch: Buffer, baseOffset: number, messages: readonly QueuedMessage[], from: number, to: number): StoredMessage[] {
  const out = new Array<StoredMessage>(to - from);
  for (let i = from; i < to; i++) {
    const m = messages[i]!;
    out[i - from] = new StoredMessage(
      baseOffset + i - from,
      m.exchange,
      m.routingKey,
      batch.subarray(m.propertiesAt, m.propertiesAt + m.properties.length),
      batch.subarray(m.bodyAt, m.bodyAt + m.body.length),
      m.timestamp,
      m.expiresAt,
    );
  }
  return out;
}
