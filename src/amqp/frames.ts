// AMQP 0-9-1 framing (spec section 4.2.3): every frame is
//
//   type (octet) | channel (short) | size (long) | payload (size bytes) | frame-end (octet 0xCE)
//
// with type 1 method, 2 content header, 3 content body, 8 heartbeat. A connection starts with the
// 8-byte protocol header "AMQP" 0 0 9 1 instead of a frame. FrameParser cuts frames out of the
// received chunks without concatenating the backlog (payloads are views of the chunks, copied only
// when a frame straddles two chunks); a frame larger than the negotiated frame_max, or one whose
// end octet is not 0xCE, is an AmqpDecodeError (the server answers 501 FRAME_ERROR).
import { ByteQueue } from '../util/byte-queue.js';
import { AmqpDecodeError } from './decode-error.js';
import { AmqpReader, AmqpWriter } from './primitives.js';
import { AmqpConstant, decodeMethod, METHOD_INFO, methodArgsSize, writeMethodArgs, type AmqpMethod } from './generated/spec.js';

export const FrameType = {
  Method: AmqpConstant.FRAME_METHOD,
  Header: AmqpConstant.FRAME_HEADER,
  Body: AmqpConstant.FRAME_BODY,
  Heartbeat: AmqpConstant.FRAME_HEARTBEAT,
} as const;

export const FRAME_END = AmqpConstant.FRAME_END;
/** Type, channel and size before the payload, and the end octet after it. */
export const FRAME_OVERHEAD = 8;
export const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

export interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
}

export class FrameParser {
  private readonly queue = new ByteQueue();
  /** Largest frame accepted, overhead included (0: no limit beyond `hardMax`). */
  frameMax: number;

  constructor(
    frameMax: number,
    private readonly hardMax = 256 * 1024 * 1024,
  ) {
    this.frameMax = frameMax;
  }

  get bufferedBytes(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /** Takes `n` raw bytes (the protocol header), or null when fewer are buffered. */
  takeRaw(n: number): Buffer | null {
    if (this.queue.length < n) return null;
    return this.queue.take(n);
  }

  /** The next complete frame, or null when more bytes are needed. Throws AmqpDecodeError on a bad frame. */
  next(): Frame | null {
    const q = this.queue;
    if (q.length < 7) return null;
    const size = q.readUInt32BE(3);
    const limit = this.frameMax > 0 ? this.frameMax : this.hardMax;
    // RabbitMQ's wording (rabbit_reader): "type 3, all octets = <<>>: {frame_too_large,Size,Max}".
    if (size + FRAME_OVERHEAD > limit) throw new AmqpDecodeError('too-large', `type ${q.byteAt(0)}, all octets = <<>>: {frame_too_large,${size},${limit - FRAME_OVERHEAD}}`);
    if (q.length < size + FRAME_OVERHEAD) return null;
    // The payload is taken on its own (one view of the chunk, or one copy when it spans chunks).
    const type = q.byteAt(0);
    const channel = (q.byteAt(1) << 8) | q.byteAt(2);
    q.skip(7);
    const payload = q.take(size);
    const end = q.byteAt(0);
    q.skip(1);
    if (end !== FRAME_END) throw new AmqpDecodeError('bad-length', `type ${type}, all octets = <<>>: {invalid_frame_end_marker,${end}}`);
    return { type, channel, payload };
  }
}

/** The method a method frame's payload carries. */
export function decodeMethodPayload(payload: Buffer): AmqpMethod {
  const r = new AmqpReader(payload);
  const classId = r.short();
  const methodId = r.short();
  return decodeMethod(classId, methodId, r);
}

/** The class and method ids of a method payload (for error replies when the arguments do not decode). */
export function methodIdsOf(payload: Buffer): { classId: number; methodId: number } {
  return payload.length >= 4 ? { classId: payload.readUInt16BE(0), methodId: payload.readUInt16BE(2) } : { classId: 0, methodId: 0 };
}

export function encodeMethodFrame(channel: number, m: AmqpMethod): Buffer {
  const argsSize = methodArgsSize(m);
  const size = 4 + argsSize;
  const buf = Buffer.allocUnsafe(size + FRAME_OVERHEAD);
  const w = new AmqpWriter(buf);
  w.octet(FrameType.Method);
  w.short(channel);
  w.long(size);
  const info = METHOD_INFO[m.method];
  w.short(info.classId);
  w.short(info.methodId);
  writeMethodArgs(w, m);
  w.octet(FRAME_END);
  return buf;
}

/**
 * A content header frame: class id, weight 0, body size, then the property flags and list exactly
 * as `properties` holds them (as received from a publisher, or encoded by properties.ts).
 */
export function encodeContentHeaderFrame(channel: number, classId: number, bodySize: number, properties: Buffer): Buffer {
  const size = 12 + properties.length;
  const buf = Buffer.allocUnsafe(size + FRAME_OVERHEAD);
  writeContentHeaderFrame(buf, 0, channel, classId, bodySize, properties);
  return buf;
}

export function contentHeaderFrameSize(properties: Buffer): number {
  return 12 + properties.length + FRAME_OVERHEAD;
}

export function writeContentHeaderFrame(buf: Buffer, pos: number, channel: number, classId: number, bodySize: number, properties: Buffer): number {
  const size = 12 + properties.length;
  const w = new AmqpWriter(buf, pos);
  w.octet(FrameType.Header);
  w.short(channel);
  w.long(size);
  w.short(classId);
  w.short(0);
  w.longlong(bodySize);
  w.bytes(properties);
  w.octet(FRAME_END);
  return w.pos;
}

/** The 7-byte head of a body frame carrying `size` bytes (the body slice and the end octet follow). */
export function bodyFrameHead(channel: number, size: number): Buffer {
  const head = Buffer.allocUnsafe(7);
  head[0] = FrameType.Body;
  head.writeUInt16BE(channel, 1);
  head.writeUInt32BE(size, 3);
  return head;
}

export const FRAME_END_BYTE = Buffer.from([FRAME_END]);

export const HEARTBEAT_FRAME = Buffer.from([FrameType.Heartbeat, 0, 0, 0, 0, 0, 0, FRAME_END]);

export interface ContentHeader {
  classId: number;
  bodySize: number;
  /** Property flag word(s) and property list, as received (a view of the payload). */
  properties: Buffer;
}

export function decodeContentHeader(payload: Buffer): ContentHeader {
  // Every publish has one: read in place; anything short or odd takes the checked path below.
  if (payload.length >= 14) {
    const hi = payload.readUInt32BE(4);
    if (hi < 0x20_0000) return { classId: payload.readUInt16BE(0), bodySize: hi * 0x1_0000_0000 + payload.readUInt32BE(8), properties: payload.subarray(12) };
  }
  const r = new AmqpReader(payload);
  const classId = r.short();
  r.short(); // weight: unused, must be 0 (RabbitMQ ignores it)
  const bodySize = r.longlong();
  const properties = payload.subarray(r.pos);
  if (properties.length < 2) throw new AmqpDecodeError('truncated', 'content header without property flags', r.pos);
  return { classId, bodySize, properties };
}
