// Cuts MQTT control packets out of a byte stream (OASIS MQTT 5.0 §2.1: one byte of type and flags,
// then the remaining length as a variable byte integer of at most four bytes, then that many bytes).
//
// The remaining length is checked before anything is buffered for the packet: a fifth length byte is a
// Malformed Packet, and a packet whose total size exceeds `maxPacketSize` is "Packet too large" (0x95,
// §3.1.2.11.4 / [MQTT-3.2.2-15] on the server's side). Chunks are kept in a list and never
// concatenated as a backlog; a packet inside one chunk is a zero-copy view of it, one spanning chunks
// is copied once into a buffer of its size.
import { MqttError } from './mqtt-error.js';
import { malformed } from './mqtt-error.js';
import { MAX_VARIABLE_BYTE_INTEGER } from './primitives.js';
import { ReasonCode } from './reason-codes.js';

export interface RawPacket {
  /** Fixed header byte 1: packet type (high nibble) and flags. */
  first: number;
  /** The remaining bytes (variable header and payload). */
  body: Buffer;
  /** Bytes the packet took on the wire. */
  size: number;
}

const EMPTY = Buffer.alloc(0);

export class PacketFramer {
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  private buffered = 0;

  constructor(
    /** Largest accepted packet, fixed header included (the server's Maximum Packet Size). */
    public maxPacketSize: number = MAX_VARIABLE_BYTE_INTEGER + 5,
  ) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete packet, or null when more bytes are needed; throws MqttError on a bad header. */
  next(): RawPacket | null {
    if (this.buffered < 2) return null;
    let remaining = 0;
    let multiplier = 1;
    let headerSize = 1;
    for (;;) {
      if (headerSize >= this.buffered) return null;
      const byte = this.peek(headerSize);
      remaining += (byte & 0x7f) * multiplier;
      headerSize++;
      if ((byte & 0x80) === 0) break;
      if (headerSize === 5) throw malformed('remaining length longer than 4 bytes');
      multiplier *= 128;
    }
    const size = headerSize + remaining;
    if (size > this.maxPacketSize) throw new MqttError(ReasonCode.PacketTooLarge, `packet of ${size} bytes exceeds the maximum of ${this.maxPacketSize}`);
    if (this.buffered < size) return null;
    const first = this.peek(0);
    this.consume(headerSize);
    return { first, body: this.take(remaining), size };
  }

  private peek(at: number): number {
    let idx = this.head;
    let off = this.offset + at;
    while (off >= this.chunks[idx]!.length) {
      off -= this.chunks[idx]!.length;
      idx++;
    }
    return this.chunks[idx]![off]!;
  }

  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.consume(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const k = Math.min(n - filled, c.length - this.offset);
      c.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.consume(k);
    }
    return out;
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.head++;
      this.offset = 0;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
