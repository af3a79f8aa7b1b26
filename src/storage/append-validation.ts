// The checks a produced buffer passes before the partition log writes a byte of it: whole v2
// batches (framing), each within max.message.bytes, a non-negative lastOffsetDelta and a valid
// CRC-32C (unless the caller has just checked it: AppendOptions.crcChecked). Records themselves are
// not decoded here (produce validation in src/protocol does that for the broker); storage only
// guarantees it never stores a batch it could not serve back.
import { DecodeError } from '../protocol/decode-error.js';
import { batchCrcIsValid, batchLastOffsetDelta, checkBatchFraming } from '../protocol/records/batch-header.js';
import { StorageError } from './storage-error.js';

/** The reason to refuse `records`, or null when it may be appended. */
export function validateAppend(records: Buffer, maxMessageBytes: number, crcChecked = false): StorageError | null {
  if (records.length === 0) return new StorageError('invalid-record', 'an append needs at least one batch');
  try {
    for (let pos = 0; pos < records.length; ) {
      const size = checkBatchFraming(records, pos, records.length);
      if (size > maxMessageBytes) {
        return new StorageError('message-too-large', `batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
      }
      if (batchLastOffsetDelta(records, pos) < 0) return new StorageError('corrupt-message', 'negative lastOffsetDelta');
      if (!crcChecked && !batchCrcIsValid(records, pos)) return new StorageError('corrupt-message', 'record batch CRC-32C mismatch');
      pos += size;
    }
  } catch (e) {
    if (e instanceof DecodeError) return new StorageError('corrupt-message', `malformed record batch: ${e.message}`);
    throw e;
  }
  return null;
}
