// zstd (codec 4, Kafka 2.1+, KIP-110). Java's zstd-jni streaming output and librdkafka may write frames
// without a content-size field, so decoding streams through a DCtx in fixed chunks and counts the output,
// stopping at the cap; when every byte has been produced the chunks are joined. A frame that declares its
// content size (and fits the cap) is decoded in one shot into a buffer of exactly that size, when that
// size is plausible for the input (at most ONE_SHOT_RATIO times it, or 1 MiB): a frame header can
// declare any size, and the one-shot buffer is allocated before a byte is decoded, so larger
// declarations take the streaming path, whose memory follows the output actually produced.
// The decoder's window limit stays at zstd's default (windowLog 27, 128 MiB), what a Java broker accepts.
import binding from 'zstd-napi/binding.js';
import { DecodeError } from '../../decode-error.js';
import { corrupt, tooLarge, type Codec } from './codec.js';

const CHUNK_SIZE = 128 * 1024; // ZSTD_DStreamOutSize()
const COMPRESSION_LEVEL = 3; // zstd's default, and Kafka's compression.zstd.level default
const UNKNOWN_SIZE = -1;
const ONE_SHOT_RATIO = 64;
const ONE_SHOT_FLOOR = 1 << 20;

let dctx: InstanceType<typeof binding.DCtx> | undefined;
let cctx: InstanceType<typeof binding.CCtx> | undefined;

/** Declared content size of the first frame, or UNKNOWN_SIZE. */
function frameContentSize(data: Buffer): number {
  try {
    const size = binding.getFrameContentSize(data);
    return typeof size === 'number' && size >= 0 ? size : UNKNOWN_SIZE;
  } catch {
    return UNKNOWN_SIZE;
  }
}

function decompress(data: Buffer, maxBytes: number): Buffer {
  dctx ??= new binding.DCtx();
  dctx.reset(binding.ResetDirective.sessionOnly);
  const declared = frameContentSize(data);
  if (declared > maxBytes) throw tooLarge('zstd', maxBytes);
  if (declared >= 0 && declared <= Math.max(ONE_SHOT_FLOOR, ONE_SHOT_RATIO * data.length)) {
    let frameSize = -1;
    try {
      frameSize = binding.findFrameCompressedSize(data);
    } catch {
      // let the streaming path report the error
    }
    if (frameSize === data.length) {
      const out = Buffer.allocUnsafe(declared);
      try {
        const written = dctx.decompress(out, data);
        if (written !== declared) throw new Error(`frame produced ${written} of ${declared} bytes`);
      } catch (err) {
        throw corrupt('zstd', err);
      }
      return out;
    }
  }
  return decompressStreaming(dctx, data, maxBytes);
}

function decompressStreaming(ctx: InstanceType<typeof binding.DCtx>, data: Buffer, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let src = data;
  let chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  for (;;) {
    let result: [number, number, number];
    try {
      result = ctx.decompressStream(chunk, src);
    } catch (err) {
      throw corrupt('zstd', err);
    }
    const [hint, produced, consumed] = result;
    src = src.subarray(consumed);
    if (produced > 0) {
      total += produced;
      if (total > maxBytes) throw tooLarge('zstd', maxBytes);
      chunks.push(chunk.subarray(0, produced));
      chunk = produced === chunk.length ? Buffer.allocUnsafe(CHUNK_SIZE) : chunk.subarray(produced);
      if (chunk.length === 0) chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    }
    if (hint === 0 && src.length === 0) break; // last frame complete and flushed
    if (produced === 0 && consumed === 0) {
      throw new DecodeError('truncated', 'zstd frame ends before its last block');
    }
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function compress(data: Buffer): Buffer {
  cctx ??= new binding.CCtx();
  const out = Buffer.allocUnsafe(binding.compressBound(data.length));
  let written: number;
  try {
    written = cctx.compress(out, data, COMPRESSION_LEVEL);
  } catch (err) {
    throw corrupt('zstd', err);
  }
  return out.subarray(0, written);
}

export const zstdCodec: Codec = { id: 4, name: 'zstd', compress, decompress };
