// The Fetch request/response shapes Consumer.fetch takes and returns (the library exports them
// only inside a versioned namespace). brook/streams reads assigned partitions with Consumer.fetch.
import type { fetchV17 } from '@platformatic/kafka';

export type FetchResponse = fetchV17.FetchResponse;
export type FetchRequestTopic = fetchV17.FetchRequestTopic;
