// The settings consumer groups run with: broker configs (group.consumer.*) read at use, so dynamic
// changes apply at once, with a group's own configs (KIP-848 group configs, e.g.
// consumer.session.timeout.ms set by IncrementalAlterConfigs on the group) taking precedence.
import type { BrokerConfig } from '../../config/broker-config.js';
import type { ConsumerGroupSettings, MigrationPolicy } from './flow-context.js';

/** A group's own config value, or undefined when the group does not set it. */
export type GroupConfigLookup = (groupId: string, key: string) => string | undefined;

export function consumerGroupSettings(config: BrokerConfig, groupConfig: GroupConfigLookup): ConsumerGroupSettings {
  const perGroup = (groupId: string, key: string, brokerKey: string): number => {
    const own = groupConfig(groupId, key);
    return own !== undefined ? Number(own) : config.getNumber(brokerKey);
  };
  return {
    sessionTimeoutMs: (g) => perGroup(g, 'consumer.session.timeout.ms', 'group.consumer.session.timeout.ms'),
    heartbeatIntervalMs: (g) => perGroup(g, 'consumer.heartbeat.interval.ms', 'group.consumer.heartbeat.interval.ms'),
    assignmentIntervalMs: (g) => perGroup(g, 'consumer.assignment.interval.ms', 'group.consumer.assignment.interval.ms'),
    get maxSize() {
      return config.getNumber('group.consumer.max.size');
    },
    get classicMaxSize() {
      return config.getNumber('group.max.size');
    },
    get migrationPolicy() {
      return (config.get('group.consumer.migration.policy') ?? 'bidirectional').toLowerCase() as MigrationPolicy;
    },
    get regexRefreshIntervalMs() {
      return config.getNumber('group.consumer.regex.refresh.interval.ms');
    },
  };
}

/** The group.consumer.assignors list as configured. */
export function configuredAssignors(config: BrokerConfig): string[] {
  return (config.get('group.consumer.assignors') ?? 'uniform,range')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
