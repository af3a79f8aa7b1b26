// The package's public entry point (`import ... from 'brook'`).
export { packageInfo } from './util/package-info.js';
// Share groups (KIP-932): consume a topic as a queue -- each record to one member of the group,
// accepted, released or rejected one by one.
export { ShareConsumer, ShareGroupError } from './client/share-consumer.js';
export type { AcknowledgeKind, AcknowledgementResult, ShareConsumerOptions, ShareRecord } from './client/share-consumer.js';
// User-defined SQL functions: the shapes of the `udfs` / `udafs` an extension module exports.
export type { SqlUdaf, SqlUdf } from './sql/functions/udf-loader.js';
