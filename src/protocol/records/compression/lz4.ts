// lz4 (codec 3): the LZ4 frame format (Kafka 0.10+, KIP-57), parsed here so the decompression cap can be
// enforced block by block; lz4-napi decodes each block. Frame layout (little-endian):
//
//   magic        4 bytes  0x184D2204 (0x184D2A50..5F: a skippable frame = 4-byte size + that many bytes)
//   FLG          1 byte   bits 7-6 version (01), bit 5 block independence, bit 4 block checksum,
//                         bit 3 content size present, bit 2 content checksum, bit 0 dictionary id present
//   BD           1 byte   bits 6-4 max block size: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB
//   contentSize  8 bytes  only when FLG bit 3
//   dictId       4 bytes  only when FLG bit 0 (never used by Kafka clients; rejected)
//   HC           1 byte   header checksum (xxHash32; not verified: the batch CRC-32C covers these bytes)
//   blocks       uint32 size (high bit set = stored uncompressed, 0 = end mark), data, [uint32 checksum]
//   checksum     4 bytes  content xxHash32, only when FLG bit 2 (skipped, same reason)
//
// Java writes independent 64 KiB blocks with no checksums; librdkafka's LZ4F may write linked blocks (each
// may refer to the previous 64 KiB of output), so a linked block is decoded with that window as its
// dictionary. Several frames back to back are decoded in turn. We write what Java writes.
import { compressSync, uncompressSync } from 'lz4-napi';
import { DecodeError } from '../../decode-error.js';
import { corrupt, tooLarge, type Codec } from './codec.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const LINKED_WINDOW = 64 * 1024;
const BLOCK_SIZES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** Decodes one compressed LZ4 block of at most maxSize bytes, optionally with a preceding-output dictionary. */
function decodeBlock(block: Buffer, maxSize: number, dict: Buffer | undefined): Buffer {
  // lz4-napi takes lz4_flex's size-prepended block format; the prefix is an upper bound on the output.
  const input = Buffer.allocUnsafe(4 + block.length);
  input.writeUInt32LE(maxSize, 0);
  block.copy(input, 4);
  try {
    return dict ? uncompressSync(input, dict) : uncompressSync(input);
  } catch (err) {
    throw corrupt('lz4', err);
  }
}

function need(data: Buffer, pos: number, n: number, what: string): void {
  if (data.length - pos < n) throw new DecodeError('truncated', `lz4 ${what} cut short`, pos);
}

function decompress(data: Buffer, maxBytes: number): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    need(data, pos, 4, 'frame magic');
    const magic = data.readUInt32LE(pos);
    if (((magic & SKIPPABLE_MAGIC_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      need(data, pos, 8, 'skippable frame');
      const skip = data.readUInt32LE(pos + 4);
      need(data, pos + 8, skip, 'skippable frame');
      pos += 8 + skip;
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new DecodeError('bad-value', `not an lz4 frame (magic 0x${magic.toString(16)})`, pos);
    pos += 4;
    need(data, pos, 3, 'frame descriptor');
    const flg = data[pos]!;
    const bd = data[pos + 1]!;
    if (flg >> 6 !== 1) throw new DecodeError('unsupported', `lz4 frame version ${flg >> 6}`, pos);
    if ((flg & 0x01) !== 0) throw new DecodeError('unsupported', 'lz4 frame with a dictionary id', pos);
    const independent = (flg & 0x20) !== 0;
    const blockChecksums = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const blockMax = BLOCK_SIZES[(bd >> 4) & 0x07]!;
    if (blockMax === 0) throw new DecodeError('bad-value', `lz4 block size code ${(bd >> 4) & 0x07}`, pos + 1);
    pos += 2;
    if (hasContentSize) {
      need(data, pos, 9, 'content size');
      const size = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 2 ** 32;
      if (total + size > maxBytes) throw tooLarge('lz4', maxBytes);
      pos += 8;
    }
    pos += 1; // header checksum
    const frameStart = out.length;
    for (;;) {
      need(data, pos, 4, 'block size');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break; // end mark
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw new DecodeError('bad-length', `lz4 block of ${size} bytes over its ${blockMax} maximum`, pos - 4);
      need(data, pos, size + (blockChecksums ? 4 : 0), 'block');
      const body = data.subarray(pos, pos + size);
      pos += size + (blockChecksums ? 4 : 0);
      let block: Buffer;
      if (stored) {
        block = body;
      } else {
        const dict = independent || out.length === frameStart ? undefined : linkedWindow(out, frameStart);
        block = decodeBlock(body, blockMax, dict);
      }
      total += block.length;
      if (total > maxBytes) throw tooLarge('lz4', maxBytes);
      out.push(block);
    }
    if (contentChecksum) {
      need(data, pos, 4, 'content checksum');
      pos += 4;
    }
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}

/** The last (up to) 64 KiB of this frame's output so far: what a linked block may refer back to. */
function linkedWindow(out: Buffer[], frameStart: number): Buffer {
  const last = out[out.length - 1]!;
  if (last.length >= LINKED_WINDOW || out.length - 1 === frameStart) {
    return last.length > LINKED_WINDOW ? last.subarray(last.length - LINKED_WINDOW) : last;
  }
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = out.length - 1; i >= frameStart && size < LINKED_WINDOW; i--) {
    parts.unshift(out[i]!);
    size += out[i]!.length;
  }
  const joined = Buffer.concat(parts);
  return joined.subarray(Math.max(0, joined.length - LINKED_WINDOW));
}

const WRITE_BLOCK_SIZE = 64 * 1024;
// FLG 0x60: version 01, independent blocks, no checksums, no content size. BD 0x40: 64 KiB blocks.
// 0x82 is the xxHash32-derived header checksum of those two bytes (as the reference lz4 tool writes it).
const FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);

function compress(data: Buffer): Buffer {
  const parts: Buffer[] = [FRAME_HEADER];
  for (let pos = 0; pos < data.length; pos += WRITE_BLOCK_SIZE) {
    const chunk = data.subarray(pos, Math.min(data.length, pos + WRITE_BLOCK_SIZE));
    const packed = compressSync(chunk).subarray(4); // drop lz4_flex's size prefix
    const sizeWord = Buffer.allocUnsafe(4);
    if (packed.length < chunk.length) {
      sizeWord.writeUInt32LE(packed.length, 0);
      parts.push(sizeWord, packed);
    } else {
      sizeWord.writeUInt32LE((chunk.length | 0x80000000) >>> 0, 0);
      parts.push(sizeWord, chunk);
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

export const lz4Codec: Codec = { id: 3, name: 'lz4', compress, decompress };
