// The one error type storage reports to its callers, with the Kafka error code the broker should
// answer with. Storage never throws raw fs errors across its API: they are wrapped here, and an
// I/O failure on a partition's write or sync path takes the partition offline for good (see
// partition-log.ts) so that no later call can pretend the lost bytes were safe.

export type StorageErrorKind =
  | 'offset-out-of-range' // read/delete-records offset outside [logStartOffset, logEndOffset]
  | 'corrupt-message' // a produced batch failed framing or CRC checks
  | 'message-too-large' // a produced batch is larger than max.message.bytes
  | 'invalid-record' // a produced batch that is framed fine but not acceptable (e.g. empty)
  | 'storage-error' // the partition is offline after an I/O error or found corruption
  | 'unknown-topic-or-partition'
  | 'topic-already-exists'
  | 'invalid-partitions'
  | 'invalid-topic'
  | 'invalid-config'
  | 'closed'; // the log or manager was closed

/** Kafka protocol error codes (org.apache.kafka.common.protocol.Errors). */
export const kafkaErrorCodes: Record<StorageErrorKind, number> = {
  'offset-out-of-range': 1,
  'corrupt-message': 2,
  'message-too-large': 10,
  'invalid-record': 87,
  'storage-error': 56, // KAFKA_STORAGE_ERROR
  'unknown-topic-or-partition': 3,
  'topic-already-exists': 36,
  'invalid-partitions': 37,
  'invalid-topic': 17,
  'invalid-config': 40,
  closed: 56,
};

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly kafkaErrorCode: number;
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kafkaErrorCode = kafkaErrorCodes[kind];
  }
}
