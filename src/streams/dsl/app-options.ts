// The options of a streams application (App's constructor argument).
import type { StreamsError } from '../errors.js';
import type { DeserializationErrorPolicy } from '../engine/task.js';

export interface AppOptions {
  /** Names the consumer group and prefixes every internal topic (`<appId>-<store>-changelog`). */
  appId: string;
  /** Bootstrap brokers for the Kafka runtime (unused by the TestDriver). */
  brokers?: string[];
  /** Where persistent stores keep their files. */
  stateDir?: string;
  /** Undecodable records: 'fail' (default) stops the task, 'skip' counts and drops, or a dead-letter topic. */
  onDeserializationError?: DeserializationErrorPolicy;
  /** How often the Kafka runtime commits, ms. Default 1000 (see runtime/kafka-runtime.ts for why not Kafka Streams' 30 s). */
  commitIntervalMs?: number;
  /** Kafka client id of this instance; default `<appId>-<pid>`. */
  clientId?: string;
  /** Group session timeout, ms (default 10000): how soon the others take over a dead instance's tasks. */
  sessionTimeoutMs?: number;
  /** Group heartbeat interval, ms (default a third of the session timeout). */
  heartbeatIntervalMs?: number;
  /** Connection attempts of the Kafka clients before the app fails with BROKER_UNAVAILABLE. */
  retries?: number;
  /** Called once if the running app fails (a task error, a serde error under 'fail', lost brokers). */
  onError?: (error: StreamsError) => void;
}
