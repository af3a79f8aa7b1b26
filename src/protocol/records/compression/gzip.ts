// gzip (codec 1): RFC 1952 via node:zlib. Java's GZIPOutputStream and librdkafka write one member;
// gunzip also accepts several concatenated members.
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { corrupt, tooLarge, type Codec } from './codec.js';

function decompress(data: Buffer, maxBytes: number): Buffer {
  try {
    // maxOutputLength makes zlib stop (and throw) as soon as its output passes the cap, chunk by chunk,
    // rather than inflating everything first.
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('gzip', maxBytes);
    throw corrupt('gzip', err);
  }
}

export const gzipCodec: Codec = {
  id: 1,
  name: 'gzip',
  compress: (data) => gzipSync(data, { level: constants.Z_DEFAULT_COMPRESSION }),
  decompress,
};
