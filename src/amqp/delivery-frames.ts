// The frames of one basic.deliver (spec 1.8.3.9 and 4.2.6): the method frame, the content header
// frame and the body frames, written straight into a caller's buffer from bytes the server already
// holds (consumer tag, exchange and routing key as stored, the property list exactly as published).
// A delivery turn writes all of its messages into one buffer and hands the socket one write, instead
// of building a method object, encoding it, and allocating three or four small buffers per message.
//
// Bodies larger than the caller's inline limit are not copied: the caller writes the head (method
// and header frames) here and sends the body slices with their 7-byte frame heads (bodyFrames).
import { AmqpConstant } from './generated/spec.js';

const METHOD = AmqpConstant.FRAME_METHOD;
const HEADER = AmqpConstant.FRAME_HEADER;
const BODY = AmqpConstant.FRAME_BODY;
const END = AmqpConstant.FRAME_END;
const BASIC = 60;
const DELIVER = 60;

/** Whether the routing fields fit a shortstr (a Kafka key routed into a queue may not): else use the generic encoder. */
export function deliverFieldsFit(consumerTag: Buffer, exchange: Buffer, routingKey: Buffer): boolean {
  return consumerTag.length <= 255 && exchange.length <= 255 && routingKey.length <= 255;
}

/** Bytes of the basic.deliver method frame and the content header frame. */
export function deliverHeadSize(consumerTag: Buffer, exchange: Buffer, routingKey: Buffer, properties: Buffer): number {
  // method frame: 7 head + class/method 4 + tag 1+n + delivery-tag 8 + bits 1 + exchange 1+n + key 1+n + end 1
  // header frame: 7 head + class 2 + weight 2 + body size 8 + properties + end 1
  return 7 + 4 + 1 + consumerTag.length + 8 + 1 + 1 + exchange.length + 1 + routingKey.length + 1 + (7 + 12 + properties.length + 1);
}

/** Bytes of the body frames of a body of `length` bytes, split at frame_max (`frameMax` overhead included). */
export function bodyFramesSize(length: number, frameMax: number): number {
  if (length === 0) return 0;
  const per = bodyPerFrame(frameMax);
  return length + 8 * Math.ceil(length / per);
}

/** Writes the basic.deliver method frame and the content header frame at `pos`; returns the end. */
export function writeDeliverHead(
  buf: Buffer,
  pos: number,
  channel: number,
  consumerTag: Buffer,
  deliveryTag: number,
  redelivered: boolean,
  exchange: Buffer,
  routingKey: Buffer,
  properties: Buffer,
  bodySize: number,
): number {
  const methodSize = 4 + 1 + consumerTag.length + 8 + 1 + 1 + exchange.length + 1 + routingKey.length;
  buf[pos] = METHOD;
  buf.writeUInt16BE(channel, pos + 1);
  buf.writeUInt32BE(methodSize, pos + 3);
  buf.writeUInt16BE(BASIC, pos + 7);
  buf.writeUInt16BE(DELIVER, pos + 9);
  let p = pos + 11;
  buf[p++] = consumerTag.length;
  p += consumerTag.copy(buf, p);
  p = writeLongLong(buf, p, deliveryTag);
  buf[p++] = redelivered ? 1 : 0;
  buf[p++] = exchange.length;
  p += exchange.copy(buf, p);
  buf[p++] = routingKey.length;
  p += routingKey.copy(buf, p);
  buf[p++] = END;
  buf[p] = HEADER;
  buf.writeUInt16BE(channel, p + 1);
  buf.writeUInt32BE(12 + properties.length, p + 3);
  buf.writeUInt16BE(BASIC, p + 7);
  buf.writeUInt16BE(0, p + 9);
  p = writeLongLong(buf, p + 11, bodySize);
  p += properties.copy(buf, p);
  buf[p++] = END;
  return p;
}

/** Writes the body frames of `body` at `pos` (split at frame_max); returns the end. */
export function writeBodyFrames(buf: Buffer, pos: number, channel: number, body: Buffer, frameMax: number): number {
  const per = bodyPerFrame(frameMax);
  let p = pos;
  for (let at = 0; at < body.length; at += per) {
    const n = Math.min(per, body.length - at);
    buf[p] = BODY;
    buf.writeUInt16BE(channel, p + 1);
    buf.writeUInt32BE(n, p + 3);
    p += 7;
    p += body.copy(buf, p, at, at + n);
    buf[p++] = END;
  }
  return p;
}

/** The body frames of `body` as views (large bodies are not copied): head, slice, end octet per frame. */
export function bodyFrames(channel: number, body: Buffer, frameMax: number): Buffer[] {
  const per = bodyPerFrame(frameMax);
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += per) {
    const part = body.subarray(at, Math.min(body.length, at + per));
    const head = Buffer.allocUnsafe(7);
    head[0] = BODY;
    head.writeUInt16BE(channel, 1);
    head.writeUInt32BE(part.length, 3);
    out.push(head, part, END_OCTET);
  }
  return out;
}

const END_OCTET = Buffer.from([END]);

/** Body bytes per frame under frame_max (0: no limit). */
function bodyPerFrame(frameMax: number): number {
  return frameMax > 8 ? frameMax - 8 : 0x7fff_fff0;
}

function writeLongLong(buf: Buffer, pos: number, n: number): number {
  buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000), pos);
  buf.writeUInt32BE(n >>> 0, pos + 4);
  return pos + 8;
}
