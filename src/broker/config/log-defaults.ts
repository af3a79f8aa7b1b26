// The broker-level values storage resolves each topic's log config against: every broker key
// an operator set (statically or dynamically). Built-in defaults are left out because storage
// has its own; unit variants (log.retention.hours) are already folded into their ms key.
import type { BrokerConfig } from './broker-config.js';

export function brokerLogDefaults(config: BrokerConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of config.resolveAllBroker()) {
    if (r.source !== 'DEFAULT_CONFIG' && r.value !== null) out[r.name] = r.value;
  }
  return out;
}
