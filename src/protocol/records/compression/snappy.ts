// snappy (codec 2). Two encodings reach a broker:
//  - raw snappy (librdkafka, franz-go, KafkaJS): one block, starting with the uncompressed length as an
//    unsigned varint;
//  - xerial framing (the Java client's SnappyOutputStream):
//      offset 0   8 bytes  magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
//      offset 8   int32    version (1)
//      offset 12  int32    minimum compatible version (1)
//      offset 16  then repeated: int32 big-endian block length, raw snappy block of that length
// Every raw block declares its uncompressed length up front, so the cap is checked before each block is
// inflated. We write raw snappy, which every Kafka client reads.
import { compressSync, uncompressSync } from 'snappy';
import { DecodeError } from '../../decode-error.js';
import { corrupt, tooLarge, type Codec } from './codec.js';

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;

/** Uncompressed length declared by the raw snappy block at data[start, end). */
function declaredLength(data: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = 0, pos = start; i < 5; i++, pos++) {
    if (pos >= end) throw new DecodeError('truncated', 'snappy length preamble runs past the block', pos);
    const b = data[pos]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw new DecodeError('bad-varint', 'snappy length preamble longer than 5 bytes', start);
}

/**
 * Snappy's densest encoding is a 64-byte copy in a 2-byte tag (32:1), so a block declaring more than
 * that times its length (plus the preamble) cannot be valid: refused before the native decoder
 * allocates the declared size.
 */
const MAX_RATIO = 32;

function uncompressBlock(block: Buffer): Buffer {
  if (declaredLength(block, 0, block.length) > MAX_RATIO * block.length + 64) {
    throw new DecodeError('bad-value', 'snappy block declares more data than it can encode');
  }
  try {
    return uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw corrupt('snappy', err);
  }
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function decompressXerial(data: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw new DecodeError('truncated', 'xerial snappy block length cut short', pos);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw new DecodeError('bad-length', `xerial snappy block of ${length} bytes overruns the input`, pos - 4);
    }
    total += declaredLength(data, pos, pos + length);
    if (total > maxBytes) throw tooLarge('snappy', maxBytes);
    blocks.push(uncompressBlock(data.subarray(pos, pos + length)));
    pos += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
}

function decompress(data: Buffer, maxBytes: number): Buffer {
  if (isXerialFramed(data)) return decompressXerial(data, maxBytes);
  if (declaredLength(data, 0, data.length) > maxBytes) throw tooLarge('snappy', maxBytes);
  return uncompressBlock(data);
}

export const snappyCodec: Codec = {
  id: 2,
  name: 'snappy',
  compress: (data) => compressSync(data),
  decompress,
};
