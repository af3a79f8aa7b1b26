// The broker-wide resource limits in one place, built once by the composition root and shared by
// every listener: the memory budget all connections draw on, the connection counts, and the
// resource alarm (docs/limits.md lists every limit with its config name).
import type { BrokerConfig } from '../config/broker-config.js';
import { ByteBudget } from './byte-budget.js';
import { ConnectionLimits } from './connection-limits.js';
import { ResourceAlarm } from './resource-alarm.js';

export class BrokerResources {
  /** Raised while the broker sheds load (memory-monitor.ts); listeners subscribe to it. */
  readonly alarm = new ResourceAlarm();
  /** Bytes held by all connections: requests being handled and responses not yet written (brook.max.buffered.bytes). */
  readonly buffered: ByteBudget;
  readonly connections: ConnectionLimits;

  constructor(readonly config: BrokerConfig) {
    this.buffered = new ByteBudget(config.getNumber('brook.max.buffered.bytes'));
    this.connections = new ConnectionLimits(config);
  }

  /** A new connection's own budget, inside the broker-wide one (brook.connection.max.buffered.bytes). */
  connectionBudgetBytes(): number {
    return this.config.getNumber('brook.connection.max.buffered.bytes');
  }
}
