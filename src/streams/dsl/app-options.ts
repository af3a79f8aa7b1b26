// The options of a streams application (App's constructor argument).
import type { StreamsError } from '../errors.js';
import type { DeserializationErrorPolicy } from '../engine/task.js';
import type { OutputTopicCreation } from '../runtime/topic-admin.js';

export interface AppOptions {
  /** Names the consumer group and prefixes every internal topic (`<appId>-<store>-changelog`). */
  appId: string;
  /** Bootstrap brokers for the Kafka runtime (unused by the TestDriver). */
  brokers?: string[];
  /** Where persistent stores keep their files. */
  stateDir?: string;
  /** Undecodable records: 'fail' (default) stops the task, 'skip' counts and drops, or a dead-letter topic. */
  onDeserializationError?: DeserializationErrorPolicy;
  /**
   * Processing guarantee. 'at-least-once' (default): after a failure some outputs may be written
   * twice, state stays exact. 'exactly-once' (Kafka Streams' exactly_once_v2, KIP-447): each
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
}
