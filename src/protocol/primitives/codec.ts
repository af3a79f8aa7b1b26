// The shape every generated message codec shares, and the one-shot encode/decode helpers.
import { ByteReader, type RecordsView } from './byte-reader.js';
import { ByteWriter, type RecordsInput } from './byte-writer.js';

/**
 * What encoders accept: the decoded type with every field optional, at every depth. A missing
 * field encodes as its spec default (0, '', empty array, null, ... or the `default` attribute),
 * as Kafka's generated Java classes do. Buffers, bigints and primitives are taken as they are;
 * a `records` field also takes a list of Buffers (stored batch slices), written back to back.
 */
export type MessageInput<T> = T extends RecordsView
  ? RecordsInput
  : T extends Uint8Array | bigint | string | number | boolean | null
  ? T
  : T extends readonly (infer E)[]
    ? readonly MessageInput<E>[]
    : { [K in keyof T]?: MessageInput<T[K]> };

/** A generated message: read from a ByteReader, size and write for one version. */
export interface MessageCodec<T> {
  read(r: ByteReader, version: number): T;
  size(value: MessageInput<T>, version: number): number;
  write(w: ByteWriter, value: MessageInput<T>, version: number): void;
}

/** Decodes a whole message from `buf` (its body only: no size prefix, no header). */
export function decodeMessage<T>(codec: MessageCodec<T>, buf: Buffer, version: number): T {
  return codec.read(new ByteReader(buf), version);
}

/** Encodes a message into one exactly-sized Buffer. */
export function encodeMessage<T>(codec: MessageCodec<T>, value: MessageInput<T>, version: number): Buffer {
  const buf = Buffer.allocUnsafe(codec.size(value, version));
  const w = new ByteWriter(buf);
  codec.write(w, value, version);
  if (w.pos !== buf.length) throw new Error(`encoder wrote ${w.pos} bytes, sized ${buf.length}`);
  return buf;
}

/** One Kafka API: its key, versions and request/response codecs (generated per API). */
export interface ApiDefinition<Req, Res> {
  readonly apiKey: number;
  /** Kafka's name without the Request/Response suffix, e.g. "Produce". */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (compact encodings, tagged fields, header v2/v1); -1 if none. */
  readonly firstFlexibleVersion: number;
  /** The highest version is still under development in Kafka at the spec commit. */
  readonly latestVersionUnstable: boolean;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
}

/** A standalone `"type": "data"` structure (consumer protocol, principal, KRaft records). */
export interface DataDefinition<T> {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly firstFlexibleVersion: number;
  readonly codec: MessageCodec<T>;
}
