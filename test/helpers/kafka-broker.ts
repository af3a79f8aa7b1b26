// Starts the real Apache Kafka broker (the reference Brook is compared with) on this machine:
// one KRaft node that is broker and controller at once, in a fresh temp dir, on free ports bound
// to 127.0.0.1, from the jars scripts/kafka/kafka-dist.sh brought from Maven Central into
// .cache/kafka/<version>/libs. Used by the tests' Kafka target (test/helpers/target.ts), the
// differential tests and the vs-kafka benchmark. Stopped by its PID, never by name.
//
// Start = `StorageTool format` (a random cluster id, the release's own metadata.version) and
// then `kafka.Kafka server.properties`; ready = the broker answers ApiVersions, which Kafka
// only does once the node is registered and unfenced (BrokerServer enables request processing
// last). Everything the JVM prints goes to one log file for diagnosis.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface KafkaRelease {
  kafka: string;
  scala: string;
}

export function kafkaRelease(): KafkaRelease {
  return JSON.parse(readFileSync(join(repoRoot, 'scripts', 'kafka-release.json'), 'utf8')) as KafkaRelease;
}

/** The libs dir of the cached Kafka distribution, or null when it has not been fetched. */
export function kafkaLibs(): string | null {
  const dir = join(repoRoot, '.cache', 'kafka', kafkaRelease().kafka);
  return existsSync(join(dir, '.complete')) ? join(dir, 'libs') : null;
}

/** Fetches the distribution from Maven Central when it is missing (scripts/kafka/kafka-dist.sh). */
export function ensureKafkaLibs(): string {
  const cached = kafkaLibs();
  if (cached) return cached;
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-dist.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/kafka/kafka-dist.sh failed:\n${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Broker settings suited to tests on one node: internal topics with one replica, no wait before
 * a new group's first rebalance, short session timeouts allowed, timed-out transactions aborted
 * quickly, no time-based retention. The test target shares one broker between test files, so every setting a test asks
 * for must be here (test/helpers/target.ts checks).
 */
export const TEST_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '10',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'transaction.state.log.num.partitions': '10',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '500',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
  'auto.create.topics.enable': 'true',
  'num.partitions': '1',
  // Tests write records with small virtual timestamps (1970). Kafka's retention check (30 s after
  // the start, then every 5 minutes) would delete them, active segment included (it rolls it):
  // keep data as long as the broker lives.
  'log.retention.ms': '-1',
};

/** JVM settings: small and quick to start for tests; Kafka's own start scripts' defaults for benchmarks. */
const JVM_PROFILES = {
  test: ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'],
  // kafka-server-start.sh (heap) and kafka-run-class.sh (GC and the rest), as a user runs Kafka.
  production: ['-Xms1G', '-Xmx1G', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15'],
} as const;

export interface KafkaBrokerOptions {
  /** server.properties entries on top of the listener/KRaft settings (default TEST_BROKER_CONFIG). */
  config?: Record<string, string>;
  jvm?: keyof typeof JVM_PROFILES;
  /** Where the JVM's output goes (default: kafka.log in the broker's temp dir). */
  logFile?: string;
  /** Guard against a start that never completes (not a synchronisation). */
  startLimitMs?: number;
  /**
   * The client listener's security protocol (default PLAINTEXT). With SASL_PLAINTEXT, `config` must
   * carry the SASL settings (mechanisms, JAAS); the listener is then also the inter-broker one.
   */
  protocol?: 'PLAINTEXT' | 'SASL_PLAINTEXT';
  /**
   * More client listeners, each named after its protocol on a free port of its own (e.g. SASL_SSL, SSL):
   * `config` carries their TLS and SASL settings (`listener.name.<name>.*` for one of them).
   */
  extraListeners?: readonly ExtraListener[];
}

export type ExtraListener = 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT';

export interface KafkaBroker {
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly version: string;
  readonly dir: string;
  readonly logFile: string;
  readonly startMs: number;
  /** The bootstrap of an extra listener (KafkaBrokerOptions.extraListeners) by its name. */
  bootstrapOf(listener: ExtraListener): string;
  /** SIGTERM (a controlled shutdown), SIGKILL after `limitMs`; removes the temp dir. */
  stop(limitMs?: number): Promise<void>;
}

export const KAFKA_NODE_ID = 0;

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. Like Kafka's
 * Uuid.randomUuid, never one that starts with '-': a command line would read it as an option.
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function properties(entries: Record<string, string>): string {
  return Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

const LOG4J2 = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.out.ref = out',
  // The full config dump is printed by every client and server config object; one line says enough.
  'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
  'logger.config.level = WARN',
  '',
].join('\n');

/** One ApiVersions v0 round trip; resolves true when the broker answers with error code 0. */
function answersApiVersions(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const clientId = Buffer.from('brook-kafka-probe');
      const body = Buffer.alloc(10 + clientId.length);
      body.writeInt16BE(18, 0); // ApiVersions
      body.writeInt16BE(0, 2); // v0
      body.writeInt32BE(1, 4); // correlation id
      body.writeInt16BE(clientId.length, 8);
      clientId.copy(body, 10);
      const size = Buffer.alloc(4);
      size.writeInt32BE(body.length);
      socket.write(Buffer.concat([size, body]));
    });
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      const all = Buffer.concat(chunks);
      if (all.length >= 10) done(all.readInt32BE(4) === 1 && all.readInt16BE(8) === 0);
    });
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function java(libs: string, jvm: readonly string[], log4j: string, args: string[]): string[] {
  return [...jvm, '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`, '-cp', `${libs}/*`, ...args];
}

async function startOnce(libs: string, options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const started = Date.now();
  const { kafka: version } = kafkaRelease();
  const dir = mkdtempSync(join(tmpdir(), 'brook-kafka-'));
  const logFile = options.logFile ?? join(dir, 'kafka.log');
  const [port, controllerPort] = [await freePort(), await freePort()];
  const clusterId = randomClusterId();
  const jvm = JVM_PROFILES[options.jvm ?? 'test'];
  const protocol = options.protocol ?? 'PLAINTEXT';
  const extra = new Map<ExtraListener, number>();
  for (const name of options.extraListeners ?? []) extra.set(name, await freePort());
  const extraEntries = [...extra].map(([name, p]) => `,${name}://127.0.0.1:${p}`).join('');
  const config = {
    'process.roles': 'broker,controller',
    'node.id': String(KAFKA_NODE_ID),
    'controller.quorum.voters': `${KAFKA_NODE_ID}@127.0.0.1:${controllerPort}`,
    listeners: `${protocol}://127.0.0.1:${port}${extraEntries},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `${protocol}://127.0.0.1:${port}${extraEntries}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': protocol,
    'listener.security.protocol.map': [`${protocol}:${protocol}`, ...[...extra.keys()].map((n) => `${n}:${n}`), 'CONTROLLER:PLAINTEXT'].join(','),
    'log.dirs': join(dir, 'data'),
    ...(options.config ?? TEST_BROKER_CONFIG),
  };
  const serverProperties = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(serverProperties, properties(config));
  writeFileSync(log4j, LOG4J2);
  mkdirSync(join(dir, 'data'));

  const logFd = openSync(logFile, 'w');
  const fail = (what: string): Error => new Error(`Kafka ${version} ${what} (log: ${logFile})\n${tail(logFile)}`);
  try {
    const format = spawnSync('java', java(libs, jvm, log4j, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', serverProperties]), {
      stdio: ['ignore', logFd, logFd],
      timeout: options.startLimitMs ?? 120_000,
    });
    if (format.status !== 0) throw fail(`storage format exited ${format.status ?? format.signal}`);
    const child: ChildProcess = spawn('java', java(libs, jvm, log4j, ['kafka.Kafka', serverProperties]), { stdio: ['ignore', logFd, logFd] });
    const pid = child.pid;
    if (pid === undefined) throw fail('did not start');
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        exited = { code, signal };
        resolve();
      }),
    );
    const stop = async (limitMs = 15_000): Promise<void> => {
      if (exited === null) {
        process.kill(pid, 'SIGTERM');
        const guard = setTimeout(() => exited === null && process.kill(pid, 'SIGKILL'), limitMs);
        await exit;
        clearTimeout(guard);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    // Poll ApiVersions until the broker answers (the JVM gives no other readiness signal).
    const deadline = started + (options.startLimitMs ?? 120_000);
    while (!(await answersApiVersions(port))) {
      if (exited !== null) throw fail(`exited during start (${JSON.stringify(exited)})`);
      if (Date.now() > deadline) {
        await stop(1_000).catch(() => undefined);
        throw fail('did not answer ApiVersions in time');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // The broker must not outlive the process that started it, even when that process fails.
    const orphanGuard = () => {
      if (exited === null) process.kill(pid, 'SIGKILL');
    };
    process.once('exit', orphanGuard);
    void exit.then(() => process.removeListener('exit', orphanGuard));
    child.unref();
    const bootstrapOf = (name: ExtraListener): string => {
      const p = extra.get(name);
      if (p === undefined) throw new Error(`the Kafka test broker has no ${name} listener`);
      return `127.0.0.1:${p}`;
    };
    return { bootstrap: `127.0.0.1:${port}`, host: '127.0.0.1', port, pid, clusterId, nodeId: KAFKA_NODE_ID, version, dir, logFile, startMs: Date.now() - started, bootstrapOf, stop };
  } finally {
    closeSync(logFd);
  }
}

/**
 * Starts a single-node Kafka. Free ports are picked just before the start, so another process
 * may take one in between; a start that fails on a taken port is retried on new ports.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const libs = ensureKafkaLibs();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(libs, options);
    } catch (e) {
      const portTaken = /Address already in use|BindException/.test(String(e));
      if (!portTaken || attempt >= 3) throw e;
    }
  }
}
