// The broker a test above the wire runs against: Brook (the default) or the real Apache Kafka
// (BROOK_TEST_TARGET=kafka). Everything above the wire (CLI, brook/streams, the client layer, the
// examples) reaches the broker only through the Kafka protocol, so its integration tests run
// unchanged on both; `npm test` runs them once per target (scripts/run-tests.mjs).
//
// Under Brook each test file gets its own in-process broker (port 0, temp dir). Under Kafka the
// test files of a run share one broker (scripts/run-tests.mjs starts it and passes its address in
// BROOK_TEST_KAFKA_BOOTSTRAP, to spare a JVM start per file); without one, the file starts its own.
// On a shared broker names must not collide: tests name topics, groups, transactional ids and
// application ids through `target.name(...)`, which is the name itself on a private Brook and the
// name with a per-file suffix on Kafka.
import { randomBytes } from 'node:crypto';
import { startTestBroker, type TestBroker } from './broker.js';
import { KAFKA_NODE_ID, TEST_BROKER_CONFIG, startKafkaBroker, type KafkaBroker } from './kafka-broker.js';

export type TargetKind = 'brook' | 'kafka';

/** The target of this test process. */
export const targetKind: TargetKind = process.env.BROOK_TEST_TARGET === 'kafka' ? 'kafka' : 'brook';
export const onKafka = targetKind === 'kafka';

/**
 * Skip reason for a test that needs Brook itself (its data dir, a restart, its in-process state):
 * false under Brook, the reason under Kafka.
 */
export function brookOnly(reason: string): string | false {
  return onKafka ? `Brook only: ${reason}` : false;
}

export interface TestTarget {
  readonly kind: TargetKind;
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly nodeId: number;
  /** The in-process Brook broker; undefined under Kafka. */
  readonly brook: TestBroker | undefined;
  /** A topic/group/transactional id/app id name that no other test file on the same cluster uses. */
  name(base: string): string;
  /** Whether a name (e.g. a row of `topic list`) is one this file made through name(). */
  owns(name: string): boolean;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Broker configs the test needs; under Kafka they must be among TEST_BROKER_CONFIG's. */
  config?: Record<string, string>;
  /**
   * The file asserts cluster-wide state (every topic, every group) and keeps fixed names: under
   * Kafka it gets a broker of its own instead of the shared one (a JVM start more).
   */
  privateCluster?: boolean;
}

const suffix = `-${randomBytes(3).toString('hex')}`;

/**
 * `base` on Brook (each test file has its own broker); `base` with this file's suffix on Kafka,
 * where the files of a run share one broker. The same as `target.name(base)`, for module-level names.
 */
export function uniqueName(base: string): string {
  return onKafka ? base + suffix : base;
}

let ownKafka: Promise<KafkaBroker> | undefined;
let ownKafkaUsers = 0;

async function kafkaTarget(privateCluster: boolean): Promise<{ bootstrap: string; port: number; clusterId: string; release: () => Promise<void> }> {
  const shared = process.env.BROOK_TEST_KAFKA_BOOTSTRAP;
  if (shared && !privateCluster) {
    const port = Number(shared.slice(shared.lastIndexOf(':') + 1));
    return { bootstrap: shared, port, clusterId: process.env.BROOK_TEST_KAFKA_CLUSTER_ID ?? '', release: async () => undefined };
  }
  ownKafka ??= startKafkaBroker();
  ownKafkaUsers++;
  const k = await ownKafka;
  return {
    bootstrap: k.bootstrap,
    port: k.port,
    clusterId: k.clusterId,
    release: async () => {
      if (--ownKafkaUsers === 0) {
        ownKafka = undefined;
        await k.stop();
      }
    },
  };
}

export async function startTestTarget(options: TargetOptions = {}): Promise<TestTarget> {
  if (!onKafka) {
    const tb = await startTestBroker(options.config ? { config: options.config } : {});
    return {
      kind: 'brook',
      bootstrap: tb.bootstrap,
      host: '127.0.0.1',
      port: tb.port,
      clusterId: tb.broker.state.clusterId,
      nodeId: 0,
      brook: tb,
      name: (base) => base,
      owns: () => true,
      close: () => tb.close(),
    };
  }
  // A shared broker cannot take per-file settings: what a test relies on must already be set.
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (TEST_BROKER_CONFIG[key] !== value) {
      throw new Error(`the shared Kafka test broker does not set ${key}=${value}; add it to TEST_BROKER_CONFIG in test/helpers/kafka-broker.ts`);
    }
  }
  const privateCluster = options.privateCluster === true;
  const k = await kafkaTarget(privateCluster);
  return {
    kind: 'kafka',
    bootstrap: k.bootstrap,
    host: '127.0.0.1',
    port: k.port,
    clusterId: k.clusterId,
    nodeId: KAFKA_NODE_ID,
    brook: undefined,
    name: privateCluster ? (base) => base : uniqueName,
    owns: (name) => privateCluster || name.endsWith(suffix),
    close: k.release,
  };
}
