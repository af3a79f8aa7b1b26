// Where the upper layers (CLI, streams, gateway) find the cluster: `--brokers host:port,...`,
// then BROOK_BROKERS, then localhost:9092 — the same rule everywhere, so one setting points
// every tool at Brook, Apache Kafka or Redpanda alike.

export const DEFAULT_BROKERS = 'localhost:9092';

export interface ClientOptions {
  /** Bootstrap brokers, "host:port" each. */
  brokers: string[];
  clientId: string;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Connection attempts before giving up (false: never retry). */
  retries?: number | false;
  /** SASL credentials (SASL_PLAINTEXT, or SASL_SSL with `tls`). */
  sasl?: ClientSasl;
  /** TLS to the brokers (SSL, SASL_SSL). */
  tls?: ClientTls;
}

export interface ClientTls {
  /** PEM text of the CAs to trust (absent: the system's CAs). */
  ca?: string;
  /** For mutual TLS: the PEM certificate chain and private key, and the key's password if it is encrypted. */
  cert?: string;
  key?: string;
  passphrase?: string;
  /** False skips the host name check (Kafka's ssl.endpoint.identification.algorithm=""); default true. */
  verifyHostname?: boolean;
}

export interface ClientSasl {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

const SASL_MECHANISMS: readonly ClientSasl['mechanism'][] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/**
 * SASL from BROOK_SASL_MECHANISM, BROOK_SASL_USERNAME and BROOK_SASL_PASSWORD (all three, or none);
 * a bad value is a BrokerListError-style sentence.
 */
export function resolveSasl(env: NodeJS.ProcessEnv = process.env): ClientSasl | undefined {
  const mechanism = env.BROOK_SASL_MECHANISM;
  if (mechanism === undefined || mechanism === '') return undefined;
  if (!SASL_MECHANISMS.includes(mechanism as ClientSasl['mechanism'])) throw new BrokerListError(`BROOK_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, not "${mechanism}".`);
  const username = env.BROOK_SASL_USERNAME ?? '';
  const password = env.BROOK_SASL_PASSWORD ?? '';
  if (username === '' || password === '') throw new BrokerListError('BROOK_SASL_MECHANISM needs BROOK_SASL_USERNAME and BROOK_SASL_PASSWORD.');
  return { mechanism: mechanism as ClientSasl['mechanism'], username, password };
}

/** A broker list that cannot be used; the message is one sentence naming the bad entry. */
export class BrokerListError extends Error {
  override readonly name = 'BrokerListError';
}

/**
 * Splits "a:1, b:2" into ["a:1", "b:2"], adding :9092 where no port is given. Throws a
 * BrokerListError for an entry whose port is not a number from 1 to 65535, so a typo is named rather than
 * surfacing later as a socket error.
 */
export function parseBrokerList(list: string): string[] {
  const brokers = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(withPort);
  if (brokers.length === 0) throw new BrokerListError(`"${list}" names no brokers; give host:port, e.g. localhost:9092.`);
  return brokers;
}

function withPort(entry: string): string {
  const colon = entry.lastIndexOf(':');
  if (colon < 0 || entry.endsWith(']')) return `${entry}:9092`;
  const port = entry.slice(colon + 1);
  const n = Number(port);
  if (colon === 0) throw new BrokerListError(`"${entry}" has no host; give host:port, e.g. localhost:9092.`);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new BrokerListError(`"${entry}" is not host:port: the port must be a number from 1 to 65535.`);
  return entry;
}

/** Resolves the broker list from an explicit value, the environment, or the default. */
export function resolveBrokers(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  return parseBrokerList(explicit ?? env.BROOK_BROKERS ?? DEFAULT_BROKERS);
}
