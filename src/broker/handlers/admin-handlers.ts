// Handlers of topic and cluster administration: configs, deletion, partitions, log dirs.
import type { AnyHandler } from './handler.js';
import deleteTopics from './20-delete-topics.js';
import describeConfigs from './32-describe-configs.js';
import alterConfigs from './33-alter-configs.js';
import describeLogDirs from './35-describe-log-dirs.js';
import createPartitions from './37-create-partitions.js';
import incrementalAlterConfigs from './44-incremental-alter-configs.js';
import describeCluster from './60-describe-cluster.js';
import describeTopicPartitions from './75-describe-topic-partitions.js';

export const adminHandlers: readonly AnyHandler[] = [
  deleteTopics,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  createPartitions,
  incrementalAlterConfigs,
  describeCluster,
  describeTopicPartitions,
];
