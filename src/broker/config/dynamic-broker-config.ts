// Applies dynamic broker config changes (AlterConfigs / IncrementalAlterConfigs on a broker
// resource) in Kafka's order: validate every key, persist the new set durably, then make it
// live — in BrokerConfig (read by handlers on each request) and in storage, whose topics without
// an override follow the broker's log.* defaults. A failed write changes nothing live.
import type { FileSystem, LogManager } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig, DynamicScope } from './broker-config.js';
import { DynamicConfigStore, type DynamicConfigSnapshot } from './dynamic-config-store.js';
import { brokerLogDefaults } from './log-defaults.js';

export class DynamicBrokerConfig {
  private readonly store: DynamicConfigStore;
  /** Config changes run one at a time (see `exclusive`). */
  private turn: Promise<unknown> = Promise.resolve();
  private logs: LogManager | null = null;

  constructor(
    private readonly config: BrokerConfig,
    fs: FileSystem,
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.store = new DynamicConfigStore(fs, dataDir);
  }

  /**
   * Loads persisted values into BrokerConfig (before storage opens, so logs open with them).
   * A value this version no longer accepts is logged and skipped, never fatal.
   */
  async load(): Promise<void> {
    const snapshot = await this.store.load();
    for (const scope of ['cluster-default', 'node'] as const) {
      for (const [name, value] of Object.entries(snapshot[scope])) {
        const problem = this.config.setDynamic(name, value, scope);
        if (problem) this.logger.warn('ignoring a persisted dynamic broker config', { name, value, reason: problem });
      }
    }
  }

  /** Storage to notify of log.* default changes (set once storage is open). */
  attach(logs: LogManager): void {
    this.logs = logs;
  }

  current(scope: DynamicScope): Record<string, string> {
    return Object.fromEntries(this.config.dynamicEntries(scope));
  }

  /** Why `entries` cannot become a scope's dynamic set, or null. */
  validate(entries: Readonly<Record<string, string>>): string | null {
    for (const [name, value] of Object.entries(entries)) {
      const problem = this.config.checkDynamic(name, value);
      if (problem) return problem;
    }
    return null;
  }

  /**
   * Runs one config change (read current values, validate, replace) after every earlier one, so
   * concurrent AlterConfigs requests never interleave a read and a write, and each persisted file
   * is a complete snapshot.
   */
  exclusive<T>(change: () => Promise<T>): Promise<T> {
    const next = this.turn.then(change);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Replaces one scope's dynamic values with `entries` (already validated), durably and then live. Call inside `exclusive`. */
  async replace(scope: DynamicScope, entries: Readonly<Record<string, string>>): Promise<void> {
    const snapshot: DynamicConfigSnapshot = { node: this.current('node'), 'cluster-default': this.current('cluster-default') };
    snapshot[scope] = { ...entries };
    await this.store.save(snapshot);
    for (const [name] of this.config.dynamicEntries(scope)) this.config.setDynamic(name, null, scope);
    for (const [name, value] of Object.entries(entries)) this.config.setDynamic(name, value, scope);
    this.logs?.updateBrokerConfig(brokerLogDefaults(this.config));
    this.logger.info('dynamic broker config changed', { scope, keys: Object.keys(entries).sort().join(',') });
  }
}
