// The catalog of configuration keys Brook understands, with Kafka's own names, types,
// defaults and valid ranges. Broker keys configure the whole broker; topic keys are the
// per-topic overrides, each with the broker key it falls back to (its "synonym", as
// DescribeConfigs reports it). Values are kept as strings, as Kafka's protocol carries them.
import { checkOverrides } from './connection-overrides.js';

export { ConfigType, type ConfigDefinition, type ConfigTypeName } from './config-definition.js';
import { def, type ConfigDefinition, type ConfigTypeName } from './config-definition.js';

import { SHARE_GROUP_BROKER_CONFIGS, SHARE_GROUP_TOPIC_CONFIGS } from './share-group-definitions.js';
import { MQTT_BROKER_CONFIGS } from '../mqtt/mqtt-config-definitions.js';
import { AMQP_BROKER_CONFIGS } from '../amqp/amqp-config.js';
import { SECURITY_BROKER_CONFIGS } from './security-definitions.js';

const LONG_MAX = '9223372036854775807';

// Kafka delays unlinking a deleted segment for readers that hold no reference to it; every Brook
// reader holds one (storage/segment-list.ts), so files go at once and the delay has nothing to do.
const FILE_DELETE_WHY = 'Brook deletes a segment file as soon as no reader holds it, so a delay is not supported';
// Kafka preallocates segment files (a Windows-era optimisation); Brook's segments grow as written.
const PREALLOCATE_WHY = 'Brook does not preallocate segment files';

/** Broker-wide keys (server.properties in Kafka). */
export const BROKER_CONFIGS: readonly ConfigDefinition[] = [
  def('node.id', 'INT', '0', 'The id this broker reports in Metadata.', { min: 0 }),
  def('broker.id', 'INT', '0', 'Alias of node.id kept for tools that still read it.', { min: 0 }),
  def('num.partitions', 'INT', '1', 'Partitions of an auto-created topic, and of CreateTopics with -1.', { min: 1, dynamic: true }),
  def('default.replication.factor', 'INT', '1', 'Replication factor reported for created topics (one node: always 1).', { min: 1, max: 1 }),
  def('auto.create.topics.enable', 'BOOLEAN', 'true', 'Create a topic when a client asks Metadata for one that does not exist.', { dynamic: true }),
  def('delete.topic.enable', 'BOOLEAN', 'true', 'Whether DeleteTopics deletes topics.', { dynamic: true }),
  def('message.max.bytes', 'INT', '1048588', 'Largest record batch the broker accepts (topic override: max.message.bytes).', { min: 0, dynamic: true }),
  def('socket.request.max.bytes', 'INT', '104857600', 'Largest request frame; checked before any allocation.', { min: 1 }),
  def('connections.max.idle.ms', 'LONG', '600000', 'Idle connections are closed after this long.', { min: 0 }),
  def('log.dirs', 'STRING', null, 'The data directory (Brook uses one).'),
  def('log.dir', 'STRING', '/tmp/kafka-logs', 'The data directory when log.dirs is not set.'),
  def('log.segment.bytes', 'INT', '1073741824', 'Size at which a segment is rolled.', { min: 14, dynamic: true }),
  def('log.roll.ms', 'LONG', null, 'Age at which a segment is rolled; log.roll.hours when unset.', { min: 1, dynamic: true }),
  def('log.roll.hours', 'INT', '168', 'Age in hours at which a segment is rolled.', { min: 1 }),
  def('log.retention.ms', 'LONG', null, 'How long data is kept; -1 keeps it forever. Falls back to minutes, then hours.', { min: -1, dynamic: true }),
  def('log.retention.minutes', 'INT', null, 'Retention in minutes when log.retention.ms is unset.', { min: -1 }),
  def('log.retention.hours', 'INT', '168', 'Retention in hours when the ms and minutes forms are unset.', { min: -1 }),
  def('log.retention.bytes', 'LONG', '-1', 'Per-partition size above which old segments are deleted; -1 for no limit.', { min: -1, dynamic: true }),
  def('log.retention.check.interval.ms', 'LONG', '300000', 'How often retention runs.', { min: 1 }),
  def('log.index.interval.bytes', 'INT', '4096', 'Bytes of log between two offset-index entries.', { min: 0, dynamic: true }),
  def('log.index.size.max.bytes', 'INT', '10485760', 'Largest offset index before a segment rolls.', { min: 4, dynamic: true }),
  def('log.flush.interval.messages', 'LONG', LONG_MAX, 'fsync after this many records even without acks=all.', { min: 1, dynamic: true }),
  def('log.flush.interval.ms', 'LONG', null, 'fsync data older than this even without acks=all.', { min: 0, dynamic: true }),
  def('brook.http.port', 'INT', '8080', 'Port of the HTTP gateway brook start serves (REST Proxy, SSE, schema registry, metrics); 0 picks a free one. --http-port and BROOK_HTTP_PORT take precedence; --no-http turns it off.', { min: 0, max: 65535 }),
  def('brook.sql.extension.dir', 'STRING', null, "Directory of user-defined SQL functions (ES modules exporting udfs/udafs) that brook start's SQL engine loads, like ksqlDB's ksql.extension.dir. BROOK_SQL_EXTENSION_DIR takes precedence; unset: no UDFs."),
  def('brook.high.watermark.policy', 'STRING', 'written', "When appended data becomes visible to consumers. 'written': once written to the OS, as Kafka does with one replica (acks=all is still acknowledged only after fdatasync). 'durable': only once fdatasynced, so consumers never see data a power failure could take back, at the cost of an fdatasync after every acks=1 write.", { allowed: ['written', 'durable'] }),
  def('log.message.timestamp.type', 'STRING', 'CreateTime', 'CreateTime keeps producer timestamps; LogAppendTime stamps on append.', { allowed: ['CreateTime', 'LogAppendTime'], dynamic: true }),
  def('log.cleanup.policy', 'LIST', 'delete', 'Default cleanup policy of topics.', { allowed: ['delete', 'compact'], dynamic: true }),
  def('log.cleaner.delete.retention.ms', 'LONG', '86400000', 'How long delete tombstones are kept in compacted topics.', { min: 0, dynamic: true }),
  def('log.cleaner.min.compaction.lag.ms', 'LONG', '0', 'Minimum age of a record before it can be compacted.', { min: 0, dynamic: true }),
  def('log.cleaner.max.compaction.lag.ms', 'LONG', LONG_MAX, 'Maximum time a record stays uncompacted.', { min: 1, dynamic: true }),
  def('log.cleaner.min.cleanable.ratio', 'DOUBLE', '0.5', 'Dirty ratio that makes a log eligible for compaction.', { min: 0, max: 1, dynamic: true }),
  def('log.segment.delete.delay.ms', 'LONG', '0', 'Delay before a deleted segment file is removed (Brook: at once).', { min: 0, dynamic: true, supported: { values: ['0'], why: FILE_DELETE_WHY } }),
  def('log.roll.jitter.ms', 'LONG', null, 'Random jitter subtracted from the roll time.', { min: 0, dynamic: true }),
  def('log.preallocate', 'BOOLEAN', 'false', 'Preallocate segment files (Brook: never).', { dynamic: true, supported: { values: ['false'], why: PREALLOCATE_WHY } }),
  def('log.message.timestamp.before.max.ms', 'LONG', LONG_MAX, 'How far in the past a CreateTime timestamp may be.', { min: 0, dynamic: true }),
  def('log.message.timestamp.after.max.ms', 'LONG', LONG_MAX, 'How far in the future a CreateTime timestamp may be.', { min: 0, dynamic: true }),
  def('compression.type', 'STRING', 'producer', 'Compression of stored batches; producer keeps what the producer sent.', { allowed: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], dynamic: true }),
  def('min.insync.replicas', 'INT', '1', 'Replicas that must acknowledge acks=all (one node: 1).', { min: 1, dynamic: true }),
  def('unclean.leader.election.enable', 'BOOLEAN', 'false', 'Kept for tools; there is one replica.', { dynamic: true }),
  def('offsets.topic.num.partitions', 'INT', '50', 'Partitions of __consumer_offsets.', { min: 1 }),
  def('offsets.retention.minutes', 'INT', '10080', 'Committed offsets of empty groups expire after this long.', { min: 1 }),
  def('offsets.retention.check.interval.ms', 'LONG', '600000', 'How often expired offsets are removed.', { min: 1 }),
  def('group.initial.rebalance.delay.ms', 'INT', '3000', 'How long the first rebalance of an empty group waits for more members.', { min: 0 }),
  def('group.min.session.timeout.ms', 'INT', '6000', 'Smallest session timeout a member may ask for.', { min: 0 }),
  def('group.max.session.timeout.ms', 'INT', '1800000', 'Largest session timeout a member may ask for.', { min: 0 }),
  def('group.max.size', 'INT', '2147483647', 'Largest number of members in a group.', { min: 1 }),
  def('group.consumer.session.timeout.ms', 'INT', '45000', 'Session timeout of consumer-protocol members (KIP-848); a group may override it (consumer.session.timeout.ms).', { min: 1 }),
  def('group.consumer.min.session.timeout.ms', 'INT', '45000', 'Smallest consumer.session.timeout.ms a group may set.', { min: 1 }),
  def('group.consumer.max.session.timeout.ms', 'INT', '60000', 'Largest consumer.session.timeout.ms a group may set.', { min: 1 }),
  def('group.consumer.heartbeat.interval.ms', 'INT', '5000', 'Heartbeat interval given to consumer-protocol members (KIP-848); a group may override it (consumer.heartbeat.interval.ms).', { min: 1 }),
  def('group.consumer.min.heartbeat.interval.ms', 'INT', '5000', 'Smallest consumer.heartbeat.interval.ms a group may set.', { min: 1 }),
  def('group.consumer.max.heartbeat.interval.ms', 'INT', '15000', 'Largest consumer.heartbeat.interval.ms a group may set.', { min: 1 }),
  def('group.consumer.max.size', 'INT', '2147483647', 'Largest number of members in a consumer-protocol group.', { min: 1 }),
  // Brook offers the builtin assignors only (by name or Kafka class name): custom classes cannot be loaded.
  def('group.consumer.assignors', 'LIST', 'uniform,range', 'Server-side assignors of consumer-protocol groups, the default first: uniform, range (or their Kafka class names).', {
    allowed: ['uniform', 'range', 'org.apache.kafka.coordinator.group.assignor.UniformAssignor', 'org.apache.kafka.coordinator.group.assignor.RangeAssignor'],
  }),
  def('group.consumer.migration.policy', 'STRING', 'bidirectional', 'Online migration between the classic and consumer group protocols: bidirectional, upgrade, downgrade or disabled.', { allowed: ['bidirectional', 'upgrade', 'downgrade', 'disabled'] }),
  def('group.consumer.assignment.interval.ms', 'INT', '1000', 'Shortest time between two target assignments of a consumer group (KIP-1263); a group may override it (consumer.assignment.interval.ms).', { min: 0, dynamic: true }),
  def('group.consumer.min.assignment.interval.ms', 'INT', '0', 'Smallest consumer.assignment.interval.ms a group may set.', { min: 0 }),
  def('group.consumer.max.assignment.interval.ms', 'INT', '15000', 'Largest consumer.assignment.interval.ms a group may set.', { min: 0 }),
  def('group.consumer.regex.refresh.interval.ms', 'INT', '600000', 'How often the regular expressions of consumer groups are resolved again even when no topic changed.', { min: 10000 }),
  def('broker.rack', 'STRING', null, "This broker's rack: every partition's replica is in it, and server-side assignors prefer members with the same rack id."),
  def('transaction.state.log.num.partitions', 'INT', '50', 'Partitions of __transaction_state.', { min: 1 }),
  def('transaction.max.timeout.ms', 'INT', '900000', 'Largest transaction timeout a producer may ask for.', { min: 1 }),
  def('transactional.id.expiration.ms', 'INT', '604800000', 'Idle transactional ids expire after this long.', { min: 1 }),
  def('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'INT', '10000', 'How often the transaction coordinator aborts transactions past their timeout.', { min: 1 }),
  def('transaction.remove.expired.transaction.cleanup.interval.ms', 'INT', '3600000', 'How often expired transactional ids are removed.', { min: 1 }),
  def('producer.id.expiration.ms', 'INT', '86400000', 'Idle idempotent producer state expires after this long.', { min: 1, dynamic: true }),
  ...SHARE_GROUP_BROKER_CONFIGS,
  ...SECURITY_BROKER_CONFIGS,
  // Resource limits (docs/limits.md). Kafka's names where Kafka has the limit, brook.* where it does not.
  def('max.connections', 'INT', '2147483647', 'Connections the broker holds at once; one more is closed as soon as it is accepted.', { min: 0, dynamic: true }),
  def('max.connections.per.ip', 'INT', '2147483647', 'Connections one client address holds at once; one more is closed as soon as it is accepted.', { min: 0, dynamic: true }),
  def('max.connections.per.ip.overrides', 'STRING', '', 'Per-address exceptions to max.connections.per.ip, as host:count,host:count.', { dynamic: true, check: checkOverrides }),
  def('fetch.max.bytes', 'INT', '57671680', 'Largest Fetch response the broker builds, whatever the request asks for (one batch larger than it still goes out whole, KIP-74).', { min: 1024 }),
  def('brook.max.partitions', 'INT', '10000', 'Partitions the broker holds in all, internal topics included; creating more is POLICY_VIOLATION.', { min: 1, dynamic: true }),
  def('brook.max.partitions.per.request', 'INT', '10000', 'Partitions one CreateTopics or CreatePartitions request may create (Kafka 4 refuses more than 10,000 the same way).', { min: 1, dynamic: true }),
  def('brook.connection.max.buffered.bytes', 'LONG', '16777216', 'Bytes one connection may hold in requests being handled and responses not yet taken by the OS; reading pauses above it and a Fetch is sized to what is left.', { min: 1024 }),
  def('brook.max.buffered.bytes', 'LONG', '536870912', 'The same, summed over every connection.', { min: 1024 }),
  def('brook.connection.max.inflight.requests', 'INT', '256', 'Requests one connection may have read and not yet answered; reading pauses at it.', { min: 1 }),
  def('brook.memory.high.watermark', 'DOUBLE', '0.6', 'Fraction of the memory limit (cgroup, else the machine) at which the memory alarm sheds load.', { min: 0, max: 1, dynamic: true }),
  def('brook.memory.high.watermark.bytes', 'LONG', '-1', 'The high-water mark in bytes of resident memory; -1 uses brook.memory.high.watermark.', { min: -1, dynamic: true }),
  // Produce validation off the event loop (docs/performance.md, "More than one core").
  def('brook.produce.validation.threads', 'INT', '-1', 'Worker threads that validate large produce batches (decompression, CRC, record walk) off the event loop; 0 validates everything on the event loop; -1 picks one less than the cores, at least 1 and at most 4.', { min: -1, max: 64 }),
  def('brook.produce.validation.offload.compressed.bytes', 'INT', '32768', 'Compressed batches at least this large are validated on a worker thread; smaller ones on the event loop.', { min: 0 }),
  def('brook.produce.validation.offload.uncompressed.bytes', 'INT', '262144', 'Uncompressed batches at least this large are validated on a worker thread; smaller ones on the event loop.', { min: 0 }),
  ...MQTT_BROKER_CONFIGS,
  ...AMQP_BROKER_CONFIGS,
];

/** Per-topic keys with the broker key each falls back to. */
export interface TopicConfigDefinition extends ConfigDefinition {
  /** The broker key whose value applies when the topic has no override. */
  brokerSynonym: string | null;
}

function topicDef(name: string, brokerSynonym: string | null, type: ConfigTypeName, defaultValue: string | null, documentation: string, extra: Partial<ConfigDefinition> = {}): TopicConfigDefinition {
  return { ...def(name, type, defaultValue, documentation, extra), brokerSynonym };
}

export const TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  topicDef('cleanup.policy', 'log.cleanup.policy', 'LIST', 'delete', 'delete removes old segments; compact keeps the latest value per key.', { allowed: ['delete', 'compact'] }),
  topicDef('compression.type', 'compression.type', 'STRING', 'producer', 'Compression of stored batches.', { allowed: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] }),
  topicDef('delete.retention.ms', 'log.cleaner.delete.retention.ms', 'LONG', '86400000', 'How long tombstones are kept in a compacted topic.', { min: 0 }),
  topicDef('file.delete.delay.ms', 'log.segment.delete.delay.ms', 'LONG', '0', 'Delay before a deleted segment file is removed (Brook: at once).', { min: 0, supported: { values: ['0'], why: FILE_DELETE_WHY } }),
  topicDef('flush.messages', 'log.flush.interval.messages', 'LONG', LONG_MAX, 'fsync after this many records.', { min: 1 }),
  topicDef('flush.ms', 'log.flush.interval.ms', 'LONG', LONG_MAX, 'fsync data older than this.', { min: 0 }),
  topicDef('index.interval.bytes', 'log.index.interval.bytes', 'INT', '4096', 'Bytes of log between two offset-index entries.', { min: 0 }),
  topicDef('max.compaction.lag.ms', 'log.cleaner.max.compaction.lag.ms', 'LONG', LONG_MAX, 'Maximum time a record stays uncompacted.', { min: 1 }),
  topicDef('max.message.bytes', 'message.max.bytes', 'INT', '1048588', 'Largest record batch this topic accepts.', { min: 0 }),
  topicDef('message.timestamp.type', 'log.message.timestamp.type', 'STRING', 'CreateTime', 'CreateTime or LogAppendTime.', { allowed: ['CreateTime', 'LogAppendTime'] }),
  topicDef('message.timestamp.before.max.ms', 'log.message.timestamp.before.max.ms', 'LONG', LONG_MAX, 'How far in the past a CreateTime timestamp may be.', { min: 0 }),
  topicDef('message.timestamp.after.max.ms', 'log.message.timestamp.after.max.ms', 'LONG', LONG_MAX, 'How far in the future a CreateTime timestamp may be.', { min: 0 }),
  topicDef('min.cleanable.dirty.ratio', 'log.cleaner.min.cleanable.ratio', 'DOUBLE', '0.5', 'Dirty ratio that makes the log eligible for compaction.', { min: 0, max: 1 }),
  topicDef('min.compaction.lag.ms', 'log.cleaner.min.compaction.lag.ms', 'LONG', '0', 'Minimum age of a record before it can be compacted.', { min: 0 }),
  topicDef('min.insync.replicas', 'min.insync.replicas', 'INT', '1', 'Replicas that must acknowledge acks=all.', { min: 1 }),
  topicDef('preallocate', 'log.preallocate', 'BOOLEAN', 'false', 'Preallocate segment files (Brook: never).', { supported: { values: ['false'], why: PREALLOCATE_WHY } }),
  topicDef('retention.bytes', 'log.retention.bytes', 'LONG', '-1', 'Partition size above which old segments are deleted; -1 for no limit.', { min: -1 }),
  topicDef('retention.ms', 'log.retention.ms', 'LONG', '604800000', 'How long data is kept; -1 keeps it forever.', { min: -1 }),
  topicDef('segment.bytes', 'log.segment.bytes', 'INT', '1073741824', 'Size at which a segment is rolled.', { min: 14 }),
  topicDef('segment.index.bytes', 'log.index.size.max.bytes', 'INT', '10485760', 'Largest offset index before a segment rolls.', { min: 4 }),
  topicDef('segment.jitter.ms', 'log.roll.jitter.ms', 'LONG', '0', 'Random jitter subtracted from the roll time.', { min: 0 }),
  topicDef('segment.ms', 'log.roll.ms', 'LONG', '604800000', 'Age at which a segment is rolled.', { min: 1 }),
  topicDef('unclean.leader.election.enable', 'unclean.leader.election.enable', 'BOOLEAN', 'false', 'Kept for tools; there is one replica.'),
  ...SHARE_GROUP_TOPIC_CONFIGS,
];

export const brokerConfigByName: ReadonlyMap<string, ConfigDefinition> = new Map(BROKER_CONFIGS.map((d) => [d.name, d]));
export const topicConfigByName: ReadonlyMap<string, TopicConfigDefinition> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));
