// The catalog of brook/streams errors. Codes are stable strings so applications and the later
// Kafka runtime can branch on them (and metrics can count them) without parsing messages.

export type StreamsErrorCode =
  | 'SERDE_ERROR' // a key or value could not be (de)serialized
  | 'TOPOLOGY_INVALID' // the DSL built something the engine cannot run
  | 'MISSING_SERDE' // an operation needs a serde the stream does not know
  | 'STORE_FULL' // an in-memory store reached its documented maxEntries
  | 'STORE_NOT_FOUND' // ctx.store(name) for a store the processor did not declare
  | 'STORE_CLOSED' // a store used after close
  | 'TASK_FAILED' // a processor (or async mapper) threw; the task stops
  | 'TASK_CLOSED' // a task used after close
  | 'TOPIC_NOT_FOUND' // a source or output topic the app needs does not exist
  | 'NOT_COPARTITIONED' // topics read by one sub-topology (a join) have different partition counts
  | 'FETCH_FAILED' // the broker refused a fetch for an input or changelog partition
  | 'PRODUCE_FAILED' // an output or changelog write was not acknowledged
  | 'PRODUCER_FENCED' // exactly-once: another instance took this instance's transactional id
  | 'BROKER_UNAVAILABLE' // the brokers cannot be reached (lost connection, all retries spent)
  | 'BUFFER_FULL' // a suppression buffer exceeded its bounds under shutDownWhenFull()
  | 'STORE_NOT_READY' // an interactive query for a store no instance can answer now (rebalancing, restoring)
  | 'QUERY_FAILED' // an interactive query to another instance failed (unreachable, bad answer)
  | 'APPLICATION_SHUTDOWN' // an instance's uncaught-exception handler chose SHUTDOWN_APPLICATION
  | 'APP_CLOSED'; // the running app was used after close

export class StreamsError extends Error {
  readonly code: StreamsErrorCode;
  override readonly name = 'StreamsError';

  constructor(code: StreamsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Where a failing record came from, attached to serde errors for a clear message. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: bigint;
}

export function serdeError(what: string, origin: RecordOrigin | undefined, cause: unknown): StreamsError {
  const where = origin ? ` at ${origin.topic}-${origin.partition}@${origin.offset}` : '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StreamsError('SERDE_ERROR', `cannot deserialize ${what}${where}: ${reason}`, { cause });
}
