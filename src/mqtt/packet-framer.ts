// Cuts MQTT control packets out of a byte stream (OASIS MQTT 5.0 §2.1: one byte of type and flags,
// then the remaining length as a variable byte integer of at most four bytes, then that many bytes).
//
// The remaining length is checked before anything is buffered for the packet: a fifth length byte is a
// Malformed Packet, and a packet whose total size exceeds `maxPacketSize` is "Packet too large" (0x95,
// §3.1.2.11.4 / [MQTT-3.2.2-15] on the server's side). Bytes wait in a ByteQueue: a packet inside one
// chunk is a zero-copy view of it, one spanning chunks is copied once into a buffer of its size.
import { ByteQueue } from '../util/byte-queue.js';
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

export class PacketFramer {
  private readonly queue = new ByteQueue();

  constructor(
    /** Largest accepted packet, fixed header included (the server's Maximum Packet Size). */
    public maxPacketSize: number = MAX_VARIABLE_BYTE_INTEGER + 5,
  ) {}

  get bufferedBytes(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /** The next complete packet, or null when more bytes are needed; throws MqttError on a bad header. */
  next(): RawPacket | null {
    const q = this.queue;
    if (q.length < 2) return null;
    let remaining = 0;
    let multiplier = 1;
    let headerSize = 1;
    for (;;) {
      if (headerSize >= q.length) return null;
      const byte = q.byteAt(headerSize);
      remaining += (byte & 0x7f) * multiplier;
      headerSize++;
      if ((byte & 0x80) === 0) break;
      if (headerSize === 5) throw malformed('remaining length longer than 4 bytes');
      multiplier *= 128;
    }
    const size = headerSize + remaining;
    if (size > this.maxPacketSize) throw new MqttError(ReasonCode.PacketTooLarge, `packet of ${size} bytes exceeds the maximum of ${this.maxPacketSize}`);
    if (q.length < size) return null;
    const first = q.byteAt(0);
    q.skip(headerSize);
    return { first, body: q.take(remaining), size };
  }
}
