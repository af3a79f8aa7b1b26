// The shape every compression codec module exports, and the decompression limit they all honour.
//
// A record batch's records are compressed as one block (attributes bits 0-2 name the codec). Decompression
// never trusts the input: each codec stops as soon as its output would pass `maxBytes` and throws
// DecodeError('too-large'), having allocated at most `maxBytes` plus one codec block (<= 4 MiB) beforehand,
// so a compression bomb costs little memory. Any other failure to decode is DecodeError('bad-value') or
// ('truncated').
import { DecodeError } from '../../decode-error.js';

export interface Codec {
  /** The codec id in the batch attributes (1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  readonly id: number;
  /** Kafka's name for it (compression.type). */
  readonly name: string;
  compress(data: Buffer): Buffer;
  /** Decompresses `data`; throws DecodeError('too-large') once the output would exceed `maxBytes`. */
  decompress(data: Buffer, maxBytes: number): Buffer;
}

/**
 * Default cap on the decompressed size of one batch: 64 MiB. Kafka's default max.message.bytes is ~1 MiB of
 * *compressed* batch, so this allows a 64x ratio at the default, far more than real record data reaches
 * (JSON logs compress 5-20x), while keeping a bomb from allocating more than a bounded amount.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export function tooLarge(codec: string, maxBytes: number): DecodeError {
  return new DecodeError('too-large', `${codec} data decompresses to more than ${maxBytes} bytes`);
}

/** Wraps a native codec's exception (which may be any Error) in a DecodeError. */
export function corrupt(codec: string, cause: unknown): DecodeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DecodeError('bad-value', `invalid ${codec} data: ${detail}`);
}
