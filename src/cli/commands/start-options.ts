// Turns `brook start` flags, BROOK_* environment variables and a properties file into the
// broker's start options. Precedence, as operators expect from Kafka tooling:
//   command-line flags > BROOK_* environment > --config file > built-in defaults.
// Every problem is a UsageError with one sentence; the command exits 2 on it.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrokerConfig, ConfigError } from '../../broker/config/broker-config.js';
import { loadSettings } from '../../broker/config/load.js';
import { brokerConfigByName } from '../../broker/config/definitions.js';
import { configuredDataDir } from '../../broker/config/data-dir.js';
import { parseTopicMappings } from '../../broker/mqtt/topic-mapping.js';
import type { LogLevel } from '../../util/logger.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags as commander parses them (all optional strings; --set repeatable). */
export interface StartFlags {
  dataDir?: string;
  host?: string;
  port?: string;
  advertisedHost?: string;
  set?: string[];
  config?: string;
  logLevel?: string;
  seedTopic?: string[];
  /** --http-port N; commander sets `http: false` for --no-http. */
  httpPort?: string;
  http?: boolean;
  /** --mqtt-port; commander sets `mqtt` false for --no-mqtt. */
  mqttPort?: string;
  mqtt?: boolean;
  /** --amqp-port; commander sets `amqp` false for --no-amqp. */
  amqpPort?: string;
  amqp?: boolean;
  /** --amqps-port: the AMQP-over-TLS listener (brook.amqp.tls.port). */
  amqpsPort?: string;
}

export interface StartOptions {
  dataDir: string;
  host: string;
  port: number;
  advertisedHost: string | undefined;
  config: Record<string, string>;
  logLevel: LogLevel;
  /** Kafka keys given that Brook does not know (warned about, then ignored). */
  unknownKeys: string[];
  /** --seed-topic: topics to create once the broker is up. */
  seedTopics: SeedTopic[];
  /** The HTTP gateway's port (0: any free one), or null with --no-http. */
  httpPort: number | null;
  /** True when the port was asked for (flag, environment or config), false for the default. */
  httpPortExplicit: boolean;
  /** MQTT port, or undefined when the listener is off (--no-mqtt, brook.mqtt.enable=false). */
  mqttPort: number | undefined;
  /** True when the MQTT port is the default 1883: a port in use then leaves MQTT off, with a warning. */
  mqttPortOptional: boolean;
  /** AMQP 0-9-1 port, or undefined when the listener is off (--no-amqp, brook.amqp.enable=false). */
  amqpPort: number | undefined;
  /** True when the AMQP port is the default 5672: a port in use then leaves AMQP off, with a warning. */
  amqpPortOptional: boolean;
  /** The SQL engine's UDF directory (BROOK_SQL_EXTENSION_DIR > brook.sql.extension.dir), absolute; undefined: none. */
  sqlExtensionDir: string | undefined;
}

export const DEFAULTS = { dataDir: './brook-data', host: '127.0.0.1', port: '9092', logLevel: 'info', httpPort: '8080' } as const;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function resolveStartOptions(flags: StartFlags, env: NodeJS.ProcessEnv): StartOptions {
  const pick = (flag: string | undefined, envName: string, fallback: string): string => flag ?? nonEmpty(env[envName]) ?? fallback;
  const port = parsePort(pick(flags.port, 'BROOK_PORT', DEFAULTS.port));
  const logLevel = pick(flags.logLevel, 'BROOK_LOG_LEVEL', DEFAULTS.logLevel);
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}".`);
  const configFile = flags.config ?? nonEmpty(env.BROOK_CONFIG);
  let config: Record<string, string>;
  try {
    config = loadSettings({ flags: parseSets(flags.set ?? []), env, configFile });
  } catch (e) {
    throw new UsageError(`Cannot read the config file ${configFile ?? ''}: ${e instanceof Error ? e.message : String(e)}.`);
  }
  applyAmqpsPort(flags, env, config);
  let dataDir: string;
  try {
    new BrokerConfig(config); // validates every known key against its type and range
    dataDir = resolveDataDir(flags.dataDir ?? nonEmpty(env.BROOK_DATA_DIR), configuredDataDir(config));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`Invalid configuration: ${e.message}.`);
    throw e;
  }
  return {
    dataDir,
    host: pick(flags.host, 'BROOK_HOST', DEFAULTS.host),
    port,
    advertisedHost: flags.advertisedHost ?? nonEmpty(env.BROOK_ADVERTISED_HOST),
    config,
    logLevel: logLevel as LogLevel,
    unknownKeys: Object.keys(config).filter((k) => !brokerConfigByName.has(k)),
    seedTopics: (flags.seedTopic ?? []).map(parseSeedTopic),
    // --http-port > BROOK_HTTP_PORT > brook.http.port (--set, BROOK_BROOK_HTTP_PORT, --config) > 8080.
    httpPort: flags.http === false ? null : parsePort(pick(flags.httpPort, 'BROOK_HTTP_PORT', config['brook.http.port'] ?? DEFAULTS.httpPort), '--http-port'),
    httpPortExplicit: flags.httpPort !== undefined || nonEmpty(env.BROOK_HTTP_PORT) !== undefined || config['brook.http.port'] !== undefined,
    mqttPort: resolveMqttPort(flags, env, config, port),
    mqttPortOptional: flags.mqttPort === undefined && nonEmpty(env.BROOK_MQTT_PORT) === undefined && config['brook.mqtt.port'] === undefined,
    amqpPort: resolveAmqpPort(flags, env, config, port),
    amqpPortOptional: flags.amqpPort === undefined && nonEmpty(env.BROOK_AMQP_PORT) === undefined && config['brook.amqp.port'] === undefined,
    sqlExtensionDir: resolveSqlExtensionDir(env, config),
  };
}

/**
 * --mqtt-port > BROOK_MQTT_PORT > brook.mqtt.port > 1883 (MQTT's port), or 0 when the Kafka port is 0
 * (a broker started on a free port takes a free MQTT port too rather than competing for 1883).
 * Undefined with --no-mqtt or brook.mqtt.enable=false. The topic mappings are checked here too.
 */
function resolveMqttPort(flags: StartFlags, env: NodeJS.ProcessEnv, config: Record<string, string>, kafkaPort: number): number | undefined {
  if (flags.mqtt === false || config['brook.mqtt.enable'] === 'false') return undefined;
  try {
    parseTopicMappings(config['brook.mqtt.topic.mappings'] ?? '');
  } catch (e) {
    throw new UsageError(`Invalid configuration: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const text = flags.mqttPort ?? nonEmpty(env.BROOK_MQTT_PORT) ?? config['brook.mqtt.port'] ?? (kafkaPort === 0 ? '0' : '1883');
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--mqtt-port must be a whole number from 0 to 65535 (0 picks a free port), not "${text}".`);
  return n;
}

/** --data-dir (or BROOK_DATA_DIR), else Kafka's log.dirs from the config, else ./brook-data; the first two must agree. */
function resolveDataDir(explicit: string | undefined, fromConfig: string | undefined): string {
  if (explicit !== undefined && fromConfig !== undefined && resolve(explicit) !== resolve(fromConfig)) {
    throw new UsageError(`--data-dir ${explicit} and the config's log.dirs ${fromConfig} name different directories; give one.`);
  }
  return resolve(explicit ?? fromConfig ?? DEFAULTS.dataDir);
}

/**
 * --amqp-port > BROOK_AMQP_PORT > brook.amqp.port > 5672 (RabbitMQ's port), or 0 when the Kafka
 * port is 0: a broker asked for any free Kafka port (tests, scripts) takes any free AMQP port too
 * rather than competing for 5672. Undefined with --no-amqp or brook.amqp.enable=false.
 */
function resolveAmqpPort(flags: StartFlags, env: NodeJS.ProcessEnv, config: Record<string, string>, kafkaPort: number): number | undefined {
  if (flags.amqp === false || config['brook.amqp.enable'] === 'false') return undefined;
  const text = flags.amqpPort ?? nonEmpty(env.BROOK_AMQP_PORT) ?? config['brook.amqp.port'] ?? (kafkaPort === 0 ? '0' : '5672');
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--amqp-port must be a whole number from 0 to 65535 (0 picks a free port), not "${text}".`);
  return n;
}

/** --amqps-port > BROOK_AMQPS_PORT > brook.amqp.tls.port (no default: TLS needs a keystore); kept in the config, where the AMQP server reads it. */
function applyAmqpsPort(flags: StartFlags, env: NodeJS.ProcessEnv, config: Record<string, string>): void {
  const text = flags.amqpsPort ?? nonEmpty(env.BROOK_AMQPS_PORT);
  if (text === undefined) return;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--amqps-port must be a whole number from 0 to 65535 (0 picks a free port), not "${text}".`);
  config['brook.amqp.tls.port'] = text;
}

export interface SeedTopic {
  name: string;
  partitions: number;
}

/** `--seed-topic orders:3` -> { name: "orders", partitions: 3 }; "orders" alone takes 1 partition. */
export function parseSeedTopic(text: string): SeedTopic {
  const at = text.lastIndexOf(':');
  const name = at < 0 ? text : text.slice(0, at);
  const count = at < 0 ? '1' : text.slice(at + 1);
  if (name === '' || !/^\d+$/.test(count) || Number(count) < 1) {
    throw new UsageError(`--seed-topic expects name:partitions with at least 1 partition (e.g. orders:3), not "${text}".`);
  }
  return { name, partitions: Number(count) };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function parsePort(text: string, flag = '--port'): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${flag} must be a whole number from 0 to 65535 (0 picks a free port), not "${text}".`);
  return n;
}

/** `--set key=value`, repeatable; the last of one key wins. */
function parseSets(sets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value (a Kafka config name, e.g. num.partitions=3), not "${s}".`);
    out[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

/** BROOK_SQL_EXTENSION_DIR > brook.sql.extension.dir (--set, --config): an existing directory, made absolute. */
function resolveSqlExtensionDir(env: NodeJS.ProcessEnv, config: Record<string, string>): string | undefined {
  const fromEnv = nonEmpty(env.BROOK_SQL_EXTENSION_DIR);
  const text = fromEnv ?? nonEmpty(config['brook.sql.extension.dir']);
  if (text === undefined) return undefined;
  const dir = resolve(text);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`${fromEnv !== undefined ? 'BROOK_SQL_EXTENSION_DIR' : 'brook.sql.extension.dir'} must name a directory of UDF modules, and ${dir} is not one.`);
  return dir;
}
