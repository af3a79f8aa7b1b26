// The codec registry, by the id stored in batch attributes bits 0-2 (0 none, 1 gzip, 2 snappy, 3 lz4,
// 4 zstd; 5-7 are not assigned).
import { DecodeError } from '../../decode-error.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, type Codec } from './codec.js';
import { gzipCodec } from './gzip.js';
import { lz4Codec } from './lz4.js';
import { snappyCodec } from './snappy.js';
import { zstdCodec } from './zstd.js';

export { DEFAULT_MAX_DECOMPRESSED_BYTES, type Codec } from './codec.js';

const codecs: readonly (Codec | undefined)[] = [undefined, gzipCodec, snappyCodec, lz4Codec, zstdCodec];

/** Kafka's compression.type names by codec id. */
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

/** The codec for an attributes compression id, or undefined for 0 (none) and unassigned ids. */
export function codecById(id: number): Codec | undefined {
  return codecs[id];
}

/** Codec id for a compression.type name, or -1. */
export function compressionIdByName(name: string): number {
  return (COMPRESSION_NAMES as readonly string[]).indexOf(name);
}

export function isKnownCompression(id: number): boolean {
  return id >= 0 && id < COMPRESSION_NAMES.length;
}

/** Compresses with codec `id` (0 returns the input). */
export function compress(id: number, data: Buffer): Buffer {
  if (id === 0) return data;
  const codec = codecs[id];
  if (!codec) throw new DecodeError('unsupported', `unknown compression codec id ${id}`);
  return codec.compress(data);
}

/** Decompresses with codec `id` (0 returns the input), capped at maxBytes (DecodeError 'too-large'). */
export function decompress(id: number, data: Buffer, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  if (id === 0) return data;
  const codec = codecs[id];
  if (!codec) throw new DecodeError('unsupported', `unknown compression codec id ${id}`);
  return codec.decompress(data, maxBytes);
}
