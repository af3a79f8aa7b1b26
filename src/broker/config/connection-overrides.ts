// The value of max.connections.per.ip.overrides: "host:count,host:count" (Kafka's format; an IPv6
// literal may be bracketed, "[::1]:5"). Parsed here so the config layer can refuse a bad value
// when it is set, and the connection limits (limits/connection-limits.ts) can apply a good one.
import { isIP } from 'node:net';

export interface ParsedOverrides {
  /** Counts by normalised IP address. */
  byAddress: Map<string, number>;
  /** Host names to resolve, with their counts. */
  hosts: Map<string, number>;
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are one client. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Parses the overrides; throws an Error whose message says which entry is wrong. */
export function parseOverrides(value: string): ParsedOverrides {
  const out: ParsedOverrides = { byAddress: new Map(), hosts: new Map() };
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    const host = colon > 0 ? entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : '';
    const countText = colon > 0 ? entry.slice(colon + 1) : '';
    const count = Number(countText);
    if (host === '' || !/^\d+$/.test(countText) || !Number.isSafeInteger(count)) {
      throw new Error(`max.connections.per.ip.overrides entries are host:count, not "${entry}"`);
    }
    if (isIP(host)) out.byAddress.set(normaliseAddress(host), count);
    else out.hosts.set(host.toLowerCase(), count);
  }
  return out;
}

/** The config check: a sentence when the value does not parse, else null. */
export function checkOverrides(value: string): string | null {
  try {
    parseOverrides(value);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
