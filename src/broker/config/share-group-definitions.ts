// Broker and topic keys of share groups (KIP-932) and their dead-letter topics (KIP-1191), with
// Kafka 4.4's names, defaults and ranges. Group-level overrides of the share.* keys (DescribeConfigs
// and IncrementalAlterConfigs on GROUP resources) are checked against the min/max keys here, as
// Kafka's GroupConfig does.
import { def, type ConfigDefinition } from './config-definition.js';

interface TopicConfigDefinition extends ConfigDefinition {
  brokerSynonym: string | null;
}

export const SHARE_GROUP_BROKER_CONFIGS: readonly ConfigDefinition[] = [
  def('group.share.session.timeout.ms', 'INT', '45000', 'The timeout to detect share-group member failures.', { min: 1 }),
  def('group.share.min.session.timeout.ms', 'INT', '45000', 'Smallest share.session.timeout.ms a group may set.', { min: 1 }),
  def('group.share.max.session.timeout.ms', 'INT', '60000', 'Largest share.session.timeout.ms a group may set.', { min: 1 }),
  def('group.share.heartbeat.interval.ms', 'INT', '5000', 'The heartbeat interval given to share-group members.', { min: 1 }),
  def('group.share.min.heartbeat.interval.ms', 'INT', '5000', 'Smallest share.heartbeat.interval.ms a group may set.', { min: 1 }),
  def('group.share.max.heartbeat.interval.ms', 'INT', '15000', 'Largest share.heartbeat.interval.ms a group may set.', { min: 1 }),
  def('group.share.max.size', 'INT', '200', 'Most members one share group accepts.', { min: 1, max: 1000 }),
  def('group.share.record.lock.duration.ms', 'INT', '30000', 'How long an acquired record stays locked to its consumer.', { min: 1000, max: 3600000 }),
  def('group.share.min.record.lock.duration.ms', 'INT', '15000', 'Smallest share.record.lock.duration.ms a group may set.', { min: 1000, max: 30000 }),
  def('group.share.max.record.lock.duration.ms', 'INT', '60000', 'Largest share.record.lock.duration.ms a group may set.', { min: 30000, max: 3600000 }),
  def('group.share.delivery.count.limit', 'INT', '5', 'Deliveries after which a record is archived instead of released.', { min: 2, max: 10 }),
  def('group.share.min.delivery.count.limit', 'INT', '2', 'Smallest share.delivery.count.limit a group may set.', { min: 2, max: 5 }),
  def('group.share.max.delivery.count.limit', 'INT', '10', 'Largest share.delivery.count.limit a group may set.', { min: 5, max: 25 }),
  def('group.share.partition.max.record.locks', 'INT', '2000', 'Most in-flight records per share-partition.', { min: 100, max: 10000 }),
  def('group.share.min.partition.max.record.locks', 'INT', '100', 'Smallest share.partition.max.record.locks a group may set.', { min: 100, max: 2000 }),
  def('group.share.max.partition.max.record.locks', 'INT', '4000', 'Largest share.partition.max.record.locks a group may set.', { min: 2000, max: 10000 }),
  def('group.share.max.share.sessions', 'INT', '2000', 'Most share sessions (one per fetching member) this broker keeps.', { min: 1 }),
  def('share.coordinator.state.topic.num.partitions', 'INT', '50', 'Partitions of __share_group_state.', { min: 1 }),
  def('share.coordinator.snapshot.update.records.per.snapshot', 'INT', '500', 'Update records written per share-partition between two snapshots.', { min: 0, max: 500 }),
  def('share.coordinator.state.topic.prune.interval.ms', 'LONG', '300000', 'How often __share_group_state is pruned below the snapshots still needed.', { min: 1 }),
  def('errors.deadletterqueue.auto.create.topics.enable', 'BOOLEAN', 'false', 'Create a share group\'s errors.deadletterqueue.topic.name when it does not exist (KIP-1191).'),
  def('errors.deadletterqueue.topic.name.prefix', 'STRING', 'dlq.', 'The prefix errors.deadletterqueue.topic.name must have ("" for none).'),
];

export const SHARE_GROUP_TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  {
    ...def('brook.share.dead.letter.topic', 'STRING', '', 'Brook: share groups reading this topic write the records they archive (rejected, or out of deliveries) to this topic, with headers naming the group, source partition and offset, delivery count and reason. A group\'s own brook.share.dead.letter.topic or errors.deadletterqueue.topic.name takes precedence.'),
    brokerSynonym: null,
  },
  {
    ...def('errors.deadletterqueue.group.enable', 'BOOLEAN', 'false', 'Whether share groups may use this topic as their errors.deadletterqueue.topic.name (KIP-1191).'),
    brokerSynonym: null,
  },
];
