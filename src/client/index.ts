// The client layer's public surface: everything above the wire (CLI, streams, gateway)
// imports Kafka client functionality from here, never from the library directly.
import { guardConnectionErrors } from './connection-errors.js';

// Before any client exists: a connection's second error must never reach the event loop unhandled.
guardConnectionErrors();
export { setConnectionErrorLogger } from './connection-errors.js';
export { BrokerListError, DEFAULT_BROKERS, parseBrokerList, resolveBrokers, resolveSasl } from './options.js';
export type { ClientOptions, ClientSasl, ClientTls } from './options.js';
export { ClientSecurityError, clientSecurityFromProperties, type ClientSecurity } from './security-properties.js';
// brook user: SCRAM credentials over the wire (KIP-554).
export { deleteScramUser, listScramUsers, upsertScramUser, ScramUserError } from './scram-users.js';
export type { ScramMechanismName, ScramUser } from './scram-users.js';
export { alterClientQuotas, describeClientQuotas, ClientQuotaError } from './client-quotas.js';
export type { ClientQuotaEntry, QuotaEntityPart } from './client-quotas.js';
export { createAdmin, createConsumer, createProducer } from './factories.js';
export {
  Admin,
  Consumer,
  Producer,
  MessagesStream,
  stringSerializers,
  stringDeserializers,
} from '@platformatic/kafka';
export type {
  ConsumerOptions,
  ProducerOptions,
  Message,
  MessageToProduce,
  ProduceResult,
} from '@platformatic/kafka';
export { ClientFacingError, explainClientError, isNetworkError, kafkaErrorName } from './errors.js';
export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, committedOffsets, listOffsetsAt, partitionKey } from './offsets.js';
export type { TopicPartition } from './offsets.js';
export { LogReader } from './log-reader.js';
export { FETCH_MAX_BYTES, FETCH_PARTITION_MAX_BYTES } from './fetch-sizes.js';
export { RETRIABLE_FETCH_ERRORS, fetchPerPartition } from './fetch-per-partition.js';
export type { FetchPosition, FetchRound, FetchedRecord, LogReaderOptions } from './log-reader.js';
export { checkBrokersReachable } from './connection-check.js';
// brook/streams runtime: commits with metadata, and the raw fetch types its partition reader uses.
export { GroupOffsets, OffsetCommitError, FENCED_COMMIT_CODES } from './group-offsets.js';
export type { CommittedOffset, OffsetWithMetadata } from './group-offsets.js';
export type { ClusterMetadata, GroupPartitionsAssigner, KafkaRecord, RecordsBatch } from '@platformatic/kafka';
export type { FetchResponse, FetchRequestTopic } from './fetch-types.js';
// brook/streams runtime: one v2 batch per partition, one Produce request per leader (acks=all).
export { BatchProducer, ProduceBatchError } from './batch-producer.js';
export type { BatchProducerOptions, PartitionRecords, RecordInput } from './batch-producer.js';
// brook/streams exactly-once: one transactional producer per app instance (KIP-98 / KIP-447).
export { TransactionalProducer, TransactionError } from './transactional-producer.js';
export type { GroupMembership, TransactionalProducerOptions } from './transactional-producer.js';
export type { BatchTransaction } from './batch-producer.js';
// brook group describe: DescribeGroups with member metadata of any client decoded leniently.
export { describeGroupLeniently, decodeAssignment, decodeSubscriptionTopics } from './group-members.js';
export type { GroupInfo, GroupMemberInfo } from './group-members.js';
// brook topic list: partition counts of internal topics too (the library's metadata leaves them out).
export { topicLayouts } from './topic-layout.js';
export type { TopicLayout } from './topic-layout.js';
// Share groups (KIP-932): a queue-style consumer, one record to one member, acknowledged one by one.
export { ShareConsumer, ShareGroupError } from './share-consumer.js';
export type { AcknowledgeKind, AcknowledgementResult, ShareConsumerOptions, ShareRecord } from './share-consumer.js';
export { describeShareGroup } from './share-admin.js';
export { describeConsumerGroup } from './consumer-group-admin.js';
export type { ConsumerGroupInfo, ConsumerGroupMemberInfo } from './consumer-group-admin.js';
export type { ShareGroupInfo, ShareGroupPartitionInfo } from './share-admin.js';
// The HTTP gateway: topics and brokers as plain values, and Kafka's default key partitioner.
export { describeCluster, describeTopics, partitionForKey, topicNames } from './cluster-view.js';
export type { BrokerView, ClusterView, PartitionView, TopicView } from './cluster-view.js';
export { commitAsSimpleConsumer, describeAnyGroup, groupLag, listGroups } from './group-lag.js';
export type { AnyGroupInfo, GroupLag, ListedGroup, PartitionLag } from './group-lag.js';
// brook/streams: a classic-protocol group member that owns its subscription and assignment userData.
export { ClassicGroupMember, decodeAssignment as decodeMemberAssignment, decodeSubscription as decodeMemberSubscription, encodeAssignment, encodeSubscription } from './classic-group-member.js';
export type { GroupMemberHooks, GroupMemberOptions, JoinedMember, MemberAssignment } from './classic-group-member.js';
