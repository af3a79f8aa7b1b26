// A growable writer for the flexible ("compact") encodings of Kafka's coordinator records. The
// record codecs (consumer-records.ts) are hand-written and small; sizing each struct in advance, as
// the generated protocol codecs do, would double them for no gain off the hot path. Encodings are
// those of protocol/primitives/byte-reader.ts, which reads them back.
import { ByteWriter } from '../../../protocol/primitives/byte-writer.js';

export class FlexibleWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(n: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(n, this.pos);
    return this;
  }
  int16(n: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(n, this.pos);
    return this;
  }
  int32(n: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(n, this.pos);
    return this;
  }
  int64(n: bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(n, this.pos);
    return this;
  }
  uvarint(n: number): this {
    this.ensure(5);
    const w = new ByteWriter(this.buf, this.pos);
    w.uvarint(n);
    this.pos = w.pos;
    return this;
  }
  uuid(id: string): this {
    this.ensure(16);
    const w = new ByteWriter(this.buf, this.pos);
    w.uuid(id);
    this.pos = w.pos;
    return this;
  }
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  /** Non-flexible string: int16 length then UTF-8 (record keys). */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }
  compactNullableString(s: string | null): this {
    return s === null ? this.uvarint(0) : this.compactString(s);
  }
  compactBytes(b: Uint8Array): this {
    return this.uvarint(b.length + 1).raw(b);
  }
  compactArray<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }
  compactInt32Array(items: readonly number[]): this {
    return this.compactArray(items, (w, n) => w.int32(n));
  }
  /** A tagged-field section: each present field as tag, size, bytes (tags ascending). */
  taggedFields(fields: readonly { tag: number; bytes: Buffer }[]): this {
    this.uvarint(fields.length);
    for (const f of fields) this.uvarint(f.tag).uvarint(f.bytes.length).raw(f.bytes);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
