// The topic's compression.type applied on produce, as Kafka's LogValidator applies it:
//
//   compression.type      batch as produced            stored
//   --------------------  ---------------------------  ------------------------------------------
//   producer (default)    any codec                    as sent, byte for byte (nothing is read)
//   uncompressed          uncompressed                 as sent, byte for byte
//   uncompressed          compressed                   decompressed, re-encoded without a codec
//   gzip|snappy|lz4|zstd  that codec                   as sent, byte for byte
//   gzip|snappy|lz4|zstd  any other codec (or none)    re-encoded with the topic's codec
//
// Only the codec of the records section changes (protocol/records/recompress.ts): offsets,
// timestamps, producer id, epoch and sequence stay, so idempotence and transactions work the same.
// Hot path: under 'producer', the default, this is one string comparison; under a fixed codec, one
// attribute read per batch when the producer already used it.
import { compressionIdByName } from '../../protocol/records/compression/index.js';
import { recompressBatches } from '../../protocol/records/recompress.js';

/** The records to store for a topic whose compression.type is `compressionType`. */
export function applyTopicCompression(records: Buffer, compressionType: string): Buffer {
  if (compressionType === 'producer') return records;
  const codec = compressionType === 'uncompressed' ? 0 : compressionIdByName(compressionType);
  // The config layer admits only Kafka's names; anything else is stored as produced.
  if (codec < 0) return records;
  return recompressBatches(records, codec);
}
