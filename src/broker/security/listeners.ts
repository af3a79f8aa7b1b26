// Kafka's listener configuration, parsed: `listeners` (NAME://host:port, comma-separated),
// `listener.security.protocol.map` (NAME:PROTOCOL) and `advertised.listeners` (NAME://host:port as
// clients reach it). Without `listeners` the broker has one PLAINTEXT listener on the host and port
// it was started with, as before listeners existed. Every problem is a sentence (ConfigError).
//
// Kafka's rules kept here: listener names are unique and case-insensitive (upper-cased), each name
// must map to a security protocol, an empty host binds every interface, and an advertised listener
// must name a configured listener (port 0 in `advertised.listeners` or a missing entry advertises the
// bound address).
import { ConfigError, type BrokerConfig } from '../config/broker-config.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface ListenerSpec {
  /** Upper-case listener name (PLAINTEXT, SSL, INTERNAL, ...). */
  name: string;
  protocol: SecurityProtocol;
  host: string;
  port: number;
  /** What Metadata and FindCoordinator tell clients of this listener (port 0: the bound one). */
  advertisedHost: string;
  advertisedPort: number;
}

export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

interface Endpoint {
  name: string;
  host: string;
  port: number;
}

/** NAME://host:port, [::1] for IPv6; Kafka's own parser accepts an empty host. */
function parseEndpoint(text: string, key: string): Endpoint {
  const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError(`${key}: "${text}" is not NAME://host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(`${key}: port ${port} is out of range`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { name: m[1]!.toUpperCase(), host, port };
}

function parseList(text: string | null | undefined, key: string): Endpoint[] {
  if (text === null || text === undefined || text.trim() === '') return [];
  const out: Endpoint[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const e = parseEndpoint(part, key);
    if (out.some((o) => o.name === e.name)) throw new ConfigError(`${key}: listener name ${e.name} appears twice`);
    out.push(e);
  }
  return out;
}

function parseProtocolMap(text: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const [name, protocol, extra] = pair.split(':').map((s) => s.trim());
    const upper = (protocol ?? '').toUpperCase();
    if (!name || extra !== undefined || !PROTOCOLS.includes(upper as SecurityProtocol)) {
      throw new ConfigError(`listener.security.protocol.map: "${pair}" is not NAME:PROTOCOL with PROTOCOL one of ${PROTOCOLS.join(', ')}`);
    }
    map.set(name.toUpperCase(), upper as SecurityProtocol);
  }
  return map;
}

/**
 * The listeners to bind. `fallback` is the --host/--port listener used when `listeners` is unset
 * (advertised as `fallbackAdvertisedHost`).
 */
export function resolveListeners(config: BrokerConfig, fallback: { host: string; port: number; advertisedHost: string }): ListenerSpec[] {
  const protocols = parseProtocolMap(config.get('listener.security.protocol.map') ?? '');
  const bound = parseList(config.get('listeners'), 'listeners');
  if (bound.length === 0) {
    return [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: fallback.host, port: fallback.port, advertisedHost: fallback.advertisedHost, advertisedPort: 0 }];
  }
  const advertised = parseList(config.get('advertised.listeners'), 'advertised.listeners');
  for (const a of advertised) {
    if (!bound.some((b) => b.name === a.name)) throw new ConfigError(`advertised.listeners names ${a.name}, which is not in listeners`);
  }
  return bound.map((b) => {
    const protocol = protocols.get(b.name);
    if (!protocol) throw new ConfigError(`listener ${b.name} has no security protocol: add ${b.name}:<PROTOCOL> to listener.security.protocol.map`);
    const a = advertised.find((x) => x.name === b.name);
    const host = b.host === '' ? '0.0.0.0' : b.host;
    const advertisedHost = a && a.host !== '' ? a.host : host === '0.0.0.0' || host === '::' ? fallback.advertisedHost : host;
    return { name: b.name, protocol, host, port: b.port, advertisedHost, advertisedPort: a?.port ?? 0 };
  });
}
