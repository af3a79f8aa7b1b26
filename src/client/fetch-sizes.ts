// How many bytes Brook's own readers (CLI, gateway, brook/streams) ask for in one Fetch.
// @platformatic/kafka's decoding of a Fetch response costs more per byte as the response grows
// (measured client CPU per MiB, one partition of 100 B records: about 15 ms at 1-4 MiB, 28 ms at
// 8 MiB, 43 ms at 16 MiB), so large responses make the client, not the broker, the bottleneck.
// 4 MiB per response and 1 MiB per partition (the Java consumer's max.partition.fetch.bytes) stay
// below that; a batch larger than the limits is still returned whole (KIP-74), so nothing gets stuck.
export const FETCH_MAX_BYTES = 4 * 1024 * 1024;
export const FETCH_PARTITION_MAX_BYTES = 1024 * 1024;
