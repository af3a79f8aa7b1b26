// The queue engine's public surface for its front doors (Kafka share groups, AMQP queues).
export { QueueEngine, ShareSlot } from './queue-engine.js';
export type { PartitionBinding, QueueEngineOptions } from './queue-engine.js';
export { AckType, DeliveryState, stateName } from './delivery-state.js';
export type { ArchiveReason } from './delivery-state.js';
export type { AckBatch, AckRefusal, AcquiredRange, AcquireOptions, BatchExtent, DeliveryPolicy, PartitionStats } from './partition-types.js';
export { readWindow, sliceBatches } from './log-window-reader.js';
export type { CommittedView, WindowRead } from './log-window-reader.js';
export { DeadLetterWriter, readRange } from './dead-letter.js';
export type { DeadLetterLogs, DeadLetterSink, DeadLetterSource, DeadLetterTarget } from './dead-letter.js';
export type { Archival } from './partition-types.js';
export { ShareStateLog, SHARE_STATE_TOPIC, SHARE_STATE_TOPIC_CONFIGS } from './state-log.js';
export { StatePersister } from './state-persister.js';
export type { StateKey } from './state-log-codec.js';
