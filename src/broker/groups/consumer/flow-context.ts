// What the consumer-group flows (heartbeat, classic members, conversions) see of the service that
// runs them: the groups, configuration, topics, assignors and timers. The service implements it;
// the flows depend only on this interface, so they can be read (and tested) on their own.
import type { Logger } from '../../../util/logger.js';
import type { ClassicGroup } from '../classic-group.js';
import type { AssignorRegistry } from './assignors/assignors.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { ConsumerGroupRecord } from './consumer-records.js';
import type { KeyedTimers } from './keyed-timers.js';
import type { TopicsView } from './topic-metadata.js';

export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled';

/** Broker-wide settings with per-group overrides (KIP-848 group configs) already applied. */
export interface ConsumerGroupSettings {
  sessionTimeoutMs(groupId: string): number;
  heartbeatIntervalMs(groupId: string): number;
  assignmentIntervalMs(groupId: string): number;
  readonly maxSize: number;
  /** group.max.size: a downgraded group must fit a classic group. */
  readonly classicMaxSize: number;
  readonly migrationPolicy: MigrationPolicy;
  readonly regexRefreshIntervalMs: number;
}

/** A record to write: a consumer group's, or a classic group's GroupMetadata (conversions). */
export type GroupWrite = { kind: 'consumer'; record: ConsumerGroupRecord } | { kind: 'raw'; key: Buffer; value: Buffer | null };

/** Timer keys, one namespace per group so a group's timers can be dropped together. */
export const timerKey = {
  session: (g: string, m: string) => `${g}\u0000session\u0000${m}`,
  rebalance: (g: string, m: string) => `${g}\u0000rebalance\u0000${m}`,
  join: (g: string, m: string) => `${g}\u0000join\u0000${m}`,
  sync: (g: string, m: string) => `${g}\u0000sync\u0000${m}`,
  group: (g: string) => `${g}\u0000`,
};

export interface FlowContext {
  readonly logger: Logger;
  readonly settings: ConsumerGroupSettings;
  readonly topics: TopicsView;
  readonly assignors: AssignorRegistry;
  readonly timers: KeyedTimers;
  now(): number;
  consumerGroup(groupId: string): ConsumerGroup | undefined;
  classicGroup(groupId: string): ClassicGroup | undefined;
  /** True when a share group (KIP-932) holds the id: one kind of group per id. */
  isShareGroup(groupId: string): boolean;
  /** A member's session expired or its rebalance timed out: fence it (a new operation). */
  fenceLater(groupId: string, memberId: string, reason: string, memberEpoch?: number): void;
  /**
   * The group's regexes may need resolving (Kafka's asynchronous regex refresh): a separate operation
   * soon after this one resolves them when due, or at once when `required` (a regex nobody resolved).
   */
  refreshRegexes(groupId: string, required: boolean): void;
}
