// brook/streams: typed stream processing on Kafka-compatible topics.

export { App, type AppOptions, type SourceOptions } from './dsl/app.js';
export type { StreamThreadExceptionResponse } from './dsl/app-options.js';
export type { KeyQueryResult, QueryMeta, QueryOptions } from './runtime/interactive-queries.js';
export type { HostTasks } from './runtime/assignment-info.js';
export type { RunningApp } from './runtime/kafka-runtime.js';
export type { Materialized } from './dsl/builder.js';
export { keyValueStore, sessionStore, windowStore } from './dsl/stores.js';
export type {
  AsyncOptions,
  BranchedStream,
  CogroupedStream,
  CogroupedWindowedStream,
  ForeignKeyJoined,
  GlobalTable,
  GroupedStream,
  Joined,
  Serdes,
  SessionWindowedStream,
  StoreDeclaration,
  Stream,
  StreamJoined,
  Table,
  TableJoined,
  ValueTransformer,
  ValueTransformerContext,
  WindowedStream,
} from './dsl/types.js';
export { toMillis, type Duration } from './duration.js';
export { StreamsError, type StreamsErrorCode } from './errors.js';
export { bigint64, bytes, float64, int32, int64, json, listOf, string, validated, type Schema, type Serde, type SerdeType } from './serdes.js';
export { windowedSerde } from './windowed-serde.js';
// Schema Registry serdes (Confluent wire format; Brook's gateway or Confluent Schema Registry).
export { avro, jsonSchema, type JsonSchemaSerdeOptions, type RegistrySerdeOptions } from './serdes/registry-serdes.js';
export { SchemaRegistryClient, SchemaRegistryError, type RegisteredSchema, type SchemaRegistryOptions } from './serdes/registry-client.js';
export {
  fixedWindowsFor,
  hopping,
  isClosed,
  joinWindows,
  mergeSessions,
  session,
  sliding,
  tumbling,
  type EmitStrategy,
  type FixedWindows,
  type JoinWindows,
  type SessionWindows,
  type SlidingWindows,
  type TimeWindow,
  type Windowed,
} from './windows.js';
export type { LoopContext, LoopRecord } from './ops/for-await.js';
export type { KeyValueStore, SessionStore, StateStore, StoreOptions, WindowStore } from './stores/store.js';
export type { VersionedKeyValueStore, VersionedRecord } from './stores/versioned-store.js';
export {
  maxBytes,
  maxRecords,
  unbounded,
  untilTimeLimit,
  untilWindowCloses,
  type BufferConfig,
  type BufferFullStrategy,
  type StrictBufferConfig,
  type Suppressed,
} from './suppressed.js';
export type { TaskMetrics } from './engine/metrics.js';
export type { Processor, ProcessorContext, PunctuationType, RecordContext } from './engine/processor.js';
// The engine's transport contract, for the Kafka runtime adapter.
export { StreamTask, type DeserializationErrorPolicy, type TaskOptions } from './engine/task.js';
export { Topology, type InternalTopic, type Subtopology } from './engine/topology.js';
export { defaultPartition, murmur2 } from './engine/partitioner.js';
export * from './engine/transport.js';
export { TestDriver, TestInputTopic, TestOutputTopic, type PipeOptions, type TestDriverOptions, type TestRecord } from './testing/test-driver.js';
export { VirtualCluster } from './testing/virtual-cluster.js';
