// Kafka names its data directories with log.dirs (or log.dir); Brook keeps one data directory,
// given to Broker.start (and to `brook start` by --data-dir). So that a server.properties written
// for Kafka is neither refused nor silently half-used, a configured log.dirs must name exactly that
// one directory: `brook start` takes it as the data dir when no --data-dir is given, and the broker
// refuses to start when it names another or several.
import { resolve } from 'node:path';
import { ConfigError, type BrokerConfig } from './broker-config.js';

/** The data directory log.dirs (or else log.dir) names, when set explicitly; throws for several. */
export function configuredDataDir(values: Readonly<Record<string, string>>): string | undefined {
  const raw = values['log.dirs'] ?? values['log.dir'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const dirs = raw.split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (dirs.length > 1) throw new ConfigError(`log.dirs names ${dirs.length} directories (${dirs.join(', ')}); Brook keeps its data in one directory`);
  return dirs[0];
}

/** Throws a ConfigError when the broker's log.dirs / log.dir names a directory other than `dataDir`. */
export function checkDataDir(config: BrokerConfig, dataDir: string): void {
  const explicit: Record<string, string> = {};
  for (const name of ['log.dirs', 'log.dir']) {
    const r = config.resolveBroker(name);
    if (r.source !== 'DEFAULT_CONFIG' && r.value !== null) explicit[name] = r.value;
  }
  const named = configuredDataDir(explicit);
  if (named !== undefined && resolve(named) !== resolve(dataDir)) {
    throw new ConfigError(`log.dirs is ${named} but the data directory is ${dataDir}; they must name the same directory`);
  }
}
