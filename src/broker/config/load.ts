// Gathers static broker settings from their three places, in Kafka's key names, with
// precedence flags > BROOK_* environment variables > config file (Java properties format,
// as server.properties). Environment names map as BROOK_LOG_RETENTION_MS -> log.retention.ms.
import { readFileSync } from 'node:fs';

export interface SettingsSources {
  flags?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
}

/** Environment variables that configure Brook itself rather than a Kafka key. */
const NOT_KAFKA_KEYS = new Set(['BROOK_BROKERS', 'BROOK_DATA_DIR', 'BROOK_HOST', 'BROOK_PORT', 'BROOK_ADVERTISED_HOST', 'BROOK_CONFIG', 'BROOK_LOG_LEVEL', 'BROOK_HTTP_PORT', 'BROOK_MQTT_PORT', 'BROOK_AMQP_PORT', 'BROOK_AMQPS_PORT', 'BROOK_SQL_EXTENSION_DIR']);

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const sep = line.search(/[=:]/);
    if (sep <= 0) continue;
    out[line.slice(0, sep).trim()] = line.slice(sep + 1).trim();
  }
  return out;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('BROOK_') || NOT_KAFKA_KEYS.has(name) || value === undefined) continue;
    out[name.slice('BROOK_'.length).toLowerCase().replace(/_/g, '.')] = value;
  }
  return out;
}

export function loadSettings(sources: SettingsSources): Record<string, string> {
  const fromFile = sources.configFile ? parseProperties(readFileSync(sources.configFile, 'utf8')) : {};
  return { ...fromFile, ...settingsFromEnv(sources.env ?? {}), ...(sources.flags ?? {}) };
}
