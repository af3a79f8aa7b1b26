// What every handler can reach: the broker's identity, configuration, storage and services.
// Built once by the Broker composition root; handlers read it, they never construct parts.
import type { LogManager } from '../storage/index.js';
import type { Logger } from '../util/logger.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { DynamicBrokerConfig } from './config/dynamic-broker-config.js';
import type { ReadAhead } from './fetch/read-ahead.js';
import type { FetchWaiters } from './fetch/fetch-waiters.js';
import type { GroupCoordinator } from './groups/group-coordinator.js';
import type { ShareGroupCoordinator } from './groups/share/share-group-coordinator.js';
import type { BrokerResources } from './limits/broker-resources.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import type { OrderedValidation } from './produce/ordered-validation.js';
import type { ProducerStateManager } from './producers/producer-state-manager.js';
import type { Authorizer } from './topics/authorized-operations.js';
import type { TopicService } from './topics/topic-service.js';
import type { BrokerSecurity } from './security/broker-security.js';
import type { TransactionCoordinator } from './transactions/transaction-coordinator.js';

/** One entry of ApiVersions' key list. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface BrokerEndpoint {
  host: string;
  port: number;
}

export interface BrokerState {
  readonly nodeId: number;
  readonly clusterId: string;
  /** The host and port clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertised: BrokerEndpoint;
  readonly config: BrokerConfig;
  /** Run-time changes to broker config (persisted, pushed to storage). */
  readonly dynamicConfig: DynamicBrokerConfig;
  readonly logs: LogManager;
  readonly topics: TopicService;
  readonly logger: Logger;
  readonly producers: ProducerStateManager;
  readonly fetchWaiters: FetchWaiters;
  /** Next chunks of partitions whose consumers read a backlog (fetch/read-ahead.ts). */
  readonly readAhead: ReadAhead;
  readonly groups: GroupCoordinator;
  /** Share groups (KIP-932) and the queue engine under them. */
  readonly shareGroups: ShareGroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** Decides what each principal may do; the source of every KIP-430 authorized-operations field. */
  readonly authorizer: Authorizer;
  /** SASL mechanisms, SCRAM users and the audit log, shared by every listener (security/broker-security.ts). */
  readonly security: BrokerSecurity;
  /** Broker-wide limits: memory budget, connection counts, the resource alarm (limits/). */
  readonly resources: BrokerResources;
  /** Counters and histograms the hot paths update (served by the gateway's /metrics). */
  readonly metrics: BrokerMetrics;
  /** Produce validation, large batches on worker threads, in each partition's arrival order. */
  readonly produceValidation: OrderedValidation;
  /** The APIs and versions served, for ApiVersions. */
  supportedApis(): ApiVersionRange[];
}
