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
}

/** Splits "a:1, b:2" into ["a:1", "b:2"], adding :9092 where no port is given. */
export function parseBrokerList(list: string): string[] {
  const brokers = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/:\d+$/.test(s) || s.startsWith('[') ? s : `${s}:9092`));
  if (brokers.length === 0) throw new Error(`no brokers in "${list}"`);
  return brokers;
}

/** Resolves the broker list from an explicit value, the environment, or the default. */
export function resolveBrokers(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  return parseBrokerList(explicit ?? env.BROOK_BROKERS ?? DEFAULT_BROKERS);
}
