// The options of a streams application (App's constructor argument).
import type { StreamsError } from '../errors.js';
import type { DeserializationErrorPolicy } from '../engine/task.js';
import type { OutputTopicCreation } from '../runtime/topic-admin.js';
import type { ClientSasl, ClientTls } from '../../client/index.js';

/**
 * What to do when processing fails (Kafka Streams' StreamThreadExceptionResponse, KIP-671):
 *   REPLACE_THREAD        close this instance's tasks uncommitted and start processing afresh (the
 *                         group rebalances; tasks restore and redo input since their last commit);
 *   SHUTDOWN_CLIENT       stop this instance (the default); the others take over its tasks;
 *   SHUTDOWN_APPLICATION  stop every instance of the app: this one asks through the consumer group
 *                         (assignment error code 2, as Kafka Streams does), and each shuts down.
 */
export type StreamThreadExceptionResponse = 'REPLACE_THREAD' | 'SHUTDOWN_CLIENT' | 'SHUTDOWN_APPLICATION';

export interface AppOptions {
  /** Names the consumer group and prefixes every internal topic (`<appId>-<store>-changelog`). */
  appId: string;
  /** Bootstrap brokers for the Kafka runtime (unused by the TestDriver). */
  brokers?: string[];
  /** SASL and TLS of the app's Kafka clients (as ClientOptions takes them); absent: PLAINTEXT. */
  sasl?: ClientSasl;
  tls?: ClientTls;
  /** Where persistent stores keep their files. */
  stateDir?: string;
  /** Undecodable records: 'fail' (default) stops the task, 'skip' counts and drops, or a dead-letter topic. */
  onDeserializationError?: DeserializationErrorPolicy;
  /**
   * Processing guarantee. 'at-least-once' (default): after a failure some outputs may be written
   * twice; each task's own state is restored to its last commit, but an output written twice to a
   * repartition topic is processed twice downstream (so counts after a repartition can end high).
   * 'exactly-once' (Kafka Streams' exactly_once_v2, KIP-447): each
   * instance writes outputs, changelogs and input offsets in one transaction per commit, reads
   * read_committed, and restores state from the changelog after an unclean stop. The TestDriver
   * accepts either: it runs one task synchronously with no failures, so it is exactly-once anyway.
   */
  guarantee?: 'at-least-once' | 'exactly-once';
  /** How often the Kafka runtime commits, ms. Default 1000, or 100 under exactly-once (see runtime/kafka-runtime.ts for why not Kafka Streams' 30 s). */
  commitIntervalMs?: number;
  /**
   * Exactly-once: how long the broker lets a transaction stay open before aborting it (default
   * 10000, Kafka Streams' EOS setting). Also bounds how long a crashed instance's open
   * transaction holds back read_committed readers of its partitions.
   */
  transactionTimeoutMs?: number;
  /**
   * Kafka client id of this instance; default `<appId>-<pid>`. Under exactly-once it is also the
   * transactional id (prefixed with `<appId>-` unless it starts with the appId): give each
   * instance a stable one, so a restarted instance fences its crashed incarnation at once.
   */
  clientId?: string;
  /** Group session timeout, ms (default 10000): how soon the others take over a dead instance's tasks. */
  sessionTimeoutMs?: number;
  /** Group heartbeat interval, ms (default a third of the session timeout). */
  heartbeatIntervalMs?: number;
  /** Connection attempts of the Kafka clients before the app fails with BROKER_UNAVAILABLE. */
  retries?: number;
  /**
   * Output topics (what `.to()` writes, and a dead-letter topic) must exist before `app.start()`, as in Kafka
   * Streams; a missing one fails the start with an error naming every missing topic. `true` creates them instead,
   * with the broker's default partition count; `{ partitions, configs }` says how.
   */
  createOutputTopics?: boolean | OutputTopicCreation;
  /** Called once if the running app fails (a task error, a serde error under 'fail', lost brokers). */
  onError?: (error: StreamsError) => void;
  /** Decides what a processing failure does (default: SHUTDOWN_CLIENT). Called before `onError`. */
  onUncaughtException?: (error: StreamsError) => StreamThreadExceptionResponse;
  /**
   * Standby replicas per stateful task (Kafka Streams' num.standby.replicas, default 0): other
   * instances keep a copy of the task's stores warm from its changelogs, so a failover restores
   * only the changelog's tail instead of all of it.
   */
  numStandbyReplicas?: number;
  /** Warm-up replicas at a time (max.warmup.replicas, default 2): standbys made to move a task to a new instance once caught up (KIP-441). */
  maxWarmupReplicas?: number;
  /** Changelog records an instance may be behind and still count as caught up for a task (acceptable.recovery.lag, default 10000). */
  acceptableRecoveryLag?: number;
  /** How often the leader rebalances while warm-ups catch up (probing.rebalance.interval.ms, default 600000). */
  probingRebalanceIntervalMs?: number;
  /**
   * `host:port` this instance serves interactive queries on (Kafka Streams' application.server):
   * shared with the other instances through the group, so any of them can query any store.
   * Port 0 picks a free port (the bound one is advertised).
   */
  applicationServer?: string;
}
