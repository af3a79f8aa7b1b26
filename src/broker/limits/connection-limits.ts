// Kafka's connection limits (ConnectionQuotas), by Kafka's config names, read on every accept so
// dynamic changes apply to the next connection:
//   max.connections                     connections the broker holds at once
//   max.connections.per.ip              connections one client address holds at once
//   max.connections.per.ip.overrides    "host:count,host:count" exceptions to the per-IP limit
//                                       (IP literals, or host names resolved when the value is set)
// A connection over a limit is closed as soon as it is accepted, with one log line; clients retry
// with their reconnect backoff. (Kafka closes per-IP excess at once as well; for the broker-wide
// limit its acceptor stops accepting until a connection closes, which Node's listener cannot do
// without closing the port, so the excess connection is closed instead.)
// Per-IP connection *rates* (max.connection.creation.rate) belong to quotas, not here.
import { lookup } from 'node:dns/promises';
import type { BrokerConfig } from '../config/broker-config.js';
import { normaliseAddress, parseOverrides, type ParsedOverrides } from '../config/connection-overrides.js';

export class ConnectionLimits {
  private readonly perAddress = new Map<string, number>();
  private total = 0;
  private overridesText = '';
  private overrides: Map<string, number> = new Map();

  constructor(private readonly config: BrokerConfig) {}

  get count(): number {
    return this.total;
  }

  /** Counts a new connection from `address`, or returns why it must be closed (nothing counted). */
  open(address: string): string | null {
    const ip = normaliseAddress(address);
    const maxTotal = this.config.getNumber('max.connections');
    if (this.total >= maxTotal) return `the broker already has the configured maximum of ${maxTotal} connections (max.connections)`;
    const limit = this.limitFor(ip);
    const held = this.perAddress.get(ip) ?? 0;
    if (held >= limit) return `${ip} already has the configured maximum of ${limit} connections (max.connections.per.ip)`;
    this.perAddress.set(ip, held + 1);
    this.total++;
    return null;
  }

  /** Forgets a connection counted by `open`. */
  closed(address: string): void {
    const ip = normaliseAddress(address);
    const held = this.perAddress.get(ip) ?? 0;
    if (held <= 1) this.perAddress.delete(ip);
    else this.perAddress.set(ip, held - 1);
    this.total = Math.max(0, this.total - 1);
  }

  private limitFor(ip: string): number {
    this.refreshOverrides();
    return this.overrides.get(ip) ?? this.config.getNumber('max.connections.per.ip');
  }

  private refreshOverrides(): void {
    const text = this.config.get('max.connections.per.ip.overrides') ?? '';
    if (text === this.overridesText) return;
    this.overridesText = text;
    let parsed: ParsedOverrides;
    try {
      parsed = parseOverrides(text);
    } catch {
      parsed = { byAddress: new Map(), hosts: new Map() }; // validated when set; never reached
    }
    const table = new Map(parsed.byAddress);
    this.overrides = table;
    for (const [host, count] of parsed.hosts) {
      lookup(host, { all: true }).then(
        (addresses) => {
          if (this.overrides !== table) return; // the value changed meanwhile
          for (const a of addresses) if (!table.has(normaliseAddress(a.address))) table.set(normaliseAddress(a.address), count);
        },
        () => undefined, // an unknown host overrides nothing, as in Kafka
      );
    }
  }
}
