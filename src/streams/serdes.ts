// Serdes turn typed keys and values into bytes at the edges of a topology (sources, sinks,
// changelogs, repartition topics) and nowhere else: the engine moves typed values between
// processors. Every serde is a plain value, so `json<Order>()` carries its type into the DSL.
//
// Schema validation is duck-typed: any object with `parse(input: unknown): T` that throws on bad
// input works (zod 3/4's schemas do; so do many others through a tiny wrapper). We recommend zod:
// it is the most widely used, its `parse` has exactly this shape, and its static types flow into
// T. There is no dependency on it here.

export interface Serde<T> {
  /** A short name for error messages and topology descriptions. */
  readonly name: string;
  serialize(value: T): Buffer;
  deserialize(bytes: Buffer): T;
}

/** The type a serde produces. */
export type SerdeType<S> = S extends Serde<infer T> ? T : never;

export const string: Serde<string> = {
  name: 'string',
  serialize: (v) => Buffer.from(v, 'utf8'),
  deserialize: (b) => b.toString('utf8'),
};

export const bytes: Serde<Buffer> = {
  name: 'bytes',
  serialize: (v) => v,
  deserialize: (b) => b,
};

/** Big-endian 32-bit signed integer, as Kafka's IntegerSerializer. */
export const int32: Serde<number> = {
  name: 'int32',
  serialize: (v) => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v, 0);
    return b;
  },
  deserialize: (b) => {
    if (b.length !== 4) throw new RangeError(`int32 needs 4 bytes, got ${b.length}`);
    return b.readInt32BE(0);
  },
};

/** Big-endian IEEE-754 double, as Kafka's DoubleSerializer. */
export const float64: Serde<number> = {
  name: 'float64',
  serialize: (v) => {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(v, 0);
    return b;
  },
  deserialize: (b) => {
    if (b.length !== 8) throw new RangeError(`float64 needs 8 bytes, got ${b.length}`);
    return b.readDoubleBE(0);
  },
};

/** Big-endian 64-bit signed integer, as Kafka's LongSerializer. */
export const bigint64: Serde<bigint> = {
  name: 'bigint64',
  serialize: (v) => {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(v, 0);
    return b;
  },
  deserialize: (b) => {
    if (b.length !== 8) throw new RangeError(`bigint64 needs 8 bytes, got ${b.length}`);
    return b.readBigInt64BE(0);
  },
};

/** UTF-8 JSON. The type parameter is trusted, not checked: use `validated` for untrusted input. */
export function json<T>(): Serde<T> {
  return {
    name: 'json',
    serialize: (v) => Buffer.from(JSON.stringify(v), 'utf8'),
    deserialize: (b) => JSON.parse(b.toString('utf8')) as T,
  };
}

/** Anything with a zod-style `parse` that returns T or throws. */
export interface Schema<T> {
  parse(input: unknown): T;
}

/**
 * A serde that checks every value it reads (and writes) against `schema`; the wire format is
 * `inner` (JSON by default). A failing parse surfaces as a SERDE_ERROR at the source, which the
 * app's deserialization-error policy (fail, skip, dead-letter) then handles.
 */
export function validated<T>(schema: Schema<T>, inner: Serde<unknown> = json<unknown>()): Serde<T> {
  return {
    name: `validated(${inner.name})`,
    serialize: (v) => inner.serialize(schema.parse(v)),
    deserialize: (b) => schema.parse(inner.deserialize(b)),
  };
}

/** A whole number in [-2^53, 2^53] as a big-endian int64 (Kafka's LongSerializer): counts, sums of cents. */
export const int64: Serde<number> = {
  name: 'int64',
  serialize: (v) => {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(v), 0);
    return b;
  },
  deserialize: (b) => {
    if (b.length !== 8) throw new RangeError(`int64 needs 8 bytes, got ${b.length}`);
    return Number(b.readBigInt64BE(0));
  },
};

/** Arrays of T, each element length-prefixed (int32 BE). */
export function listOf<T>(inner: Serde<T>): Serde<T[]> {
  return {
    name: `list(${inner.name})`,
    serialize: (items) => {
      const parts: Buffer[] = [];
      for (const item of items) {
        const bytes = inner.serialize(item);
        const len = Buffer.allocUnsafe(4);
        len.writeInt32BE(bytes.length, 0);
        parts.push(len, bytes);
      }
      return Buffer.concat(parts);
    },
    deserialize: (b) => {
      const out: T[] = [];
      let at = 0;
      while (at < b.length) {
        if (at + 4 > b.length) throw new RangeError('truncated list element length');
        const len = b.readInt32BE(at);
        at += 4;
        if (len < 0 || at + len > b.length) throw new RangeError('list element overruns its buffer');
        out.push(inner.deserialize(b.subarray(at, at + len)));
        at += len;
      }
      return out;
    },
  };
}
