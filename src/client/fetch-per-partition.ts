// Fetch answers partition by partition (KIP-227's response has an error code per partition): one
// partition's error must not throw away the other partitions' records. @platformatic/kafka throws
// a ResponseError for a Fetch response in which any partition carries an error code, with the
// whole parsed response attached; fetchPerPartition returns that response instead, so callers
// act on each partition's code themselves.
//
// Apache Kafka answers some of them in normal operation, which Brook (one node, topics created
// synchronously) never does: UNKNOWN_TOPIC_ID or NOT_LEADER_OR_FOLLOWER for a topic created a
// moment ago whose metadata has not reached the broker's fetch path yet, and the leader-epoch
// errors while a partition moves. Kafka's own consumer retries those after a metadata refresh.
import type { Consumer } from '@platformatic/kafka';
import type { FetchResponse } from './fetch-types.js';

/** Partition-level Fetch error codes that go away by themselves: retry the partition later. */
export const RETRIABLE_FETCH_ERRORS: ReadonlySet<number> = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  9, // REPLICA_NOT_AVAILABLE
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  78, // OFFSET_NOT_AVAILABLE
  100, // UNKNOWN_TOPIC_ID
  103, // INCONSISTENT_TOPIC_ID
]);

type FetchOptions = Parameters<Consumer['fetch']>[0];

function attachedResponse(error: unknown): FetchResponse | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const response = (e as { response?: unknown }).response;
    if (typeof response === 'object' && response !== null && Array.isArray((response as { responses?: unknown }).responses)) {
      // A top-level error (the whole request failed) is not a per-partition answer.
      if ((response as { errorCode?: number }).errorCode === 0) return response as FetchResponse;
      return undefined;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Consumer.fetch, but a response with partition-level error codes is returned, not thrown. */
export async function fetchPerPartition(consumer: Consumer, options: FetchOptions): Promise<FetchResponse> {
  try {
    return (await consumer.fetch(options)) as FetchResponse;
  } catch (e) {
    const response = attachedResponse(e);
    if (response) return response;
    throw e;
  }
}
