// What brook/streams instances tell each other through the consumer group: the userData of the
// subscription each instance joins with, and of the assignment the leader hands each of them
// (Kafka Streams' SubscriptionInfo and AssignmentInfo carry the same facts in a binary format).
// Both are JSON, version 1, so an operator can read them with any group tool:
//
//   subscription {"v":1,"process":"<uuid of the instance>","endpoint":"host:port" | null,
//                 "tasks":{"<task id>":"<changelog offset sum>" | "-2" (running active: caught up)},
//                 "error":0 | 2 (this instance asks the application to shut down),
//                 "seq":<join counter: makes every rejoin a metadata change, so it rebalances>}
//   assignment   {"v":1,"active":["<task id>",...],"standby":[...],"warmup":[...] (standbys kept
//                 to move an active here once caught up, KIP-441),
//                 "hosts":{"host:port":{"active":[...],"standby":[...]}} (every instance's tasks,
//                 for interactive queries), "error":0 | 2, "probeAt":<epoch ms of the next probing
//                 rebalance, 0 for none>}
//
// Error code 2 is Kafka Streams' AssignorError.SHUTDOWN_REQUESTED: one instance's uncaught-
// exception handler chose SHUTDOWN_APPLICATION; the leader then assigns every instance nothing
// but this code, and each shuts down.

export const SHUTDOWN_REQUESTED = 2;
/** Kafka Streams' Task.LATEST_OFFSET: the task runs here as an active, so it is caught up. */
export const RUNNING_ACTIVE = -2n;

export interface SubscriptionInfo {
  readonly process: string;
  readonly endpoint: string | null;
  /** Task id -> changelog offset sum of the state held here (RUNNING_ACTIVE for running actives). */
  readonly tasks: ReadonlyMap<string, bigint>;
  readonly error: number;
  readonly seq: number;
}

export interface HostTasks {
  readonly active: readonly string[];
  readonly standby: readonly string[];
}

export interface AssignmentInfo {
  readonly active: readonly string[];
  readonly standby: readonly string[];
  readonly warmup: readonly string[];
  readonly hosts: ReadonlyMap<string, HostTasks>;
  readonly error: number;
  readonly probeAt: number;
}

export function encodeSubscriptionInfo(s: SubscriptionInfo): Buffer {
  const tasks: Record<string, string> = {};
  for (const [id, sum] of s.tasks) tasks[id] = sum.toString();
  return Buffer.from(JSON.stringify({ v: 1, process: s.process, endpoint: s.endpoint, tasks, error: s.error, seq: s.seq }));
}

/** Undefined for userData that is not ours (another client in the group, or a newer version). */
export function decodeSubscriptionInfo(b: Buffer): SubscriptionInfo | undefined {
  const m = parse(b);
  if (!m || m.v !== 1 || typeof m.process !== 'string') return undefined;
  const tasks = new Map<string, bigint>();
  if (typeof m.tasks === 'object' && m.tasks !== null) {
    for (const [id, sum] of Object.entries(m.tasks as Record<string, unknown>)) if (typeof sum === 'string' && /^-?\d+$/.test(sum)) tasks.set(id, BigInt(sum));
  }
  return {
    process: m.process,
    endpoint: typeof m.endpoint === 'string' ? m.endpoint : null,
    tasks,
    error: typeof m.error === 'number' ? m.error : 0,
    seq: typeof m.seq === 'number' ? m.seq : 0,
  };
}

export function encodeAssignmentInfo(a: AssignmentInfo): Buffer {
  const hosts: Record<string, HostTasks> = {};
  for (const [h, t] of a.hosts) hosts[h] = { active: [...t.active], standby: [...t.standby] };
  return Buffer.from(JSON.stringify({ v: 1, active: a.active, standby: a.standby, warmup: a.warmup, hosts, error: a.error, probeAt: a.probeAt }));
}

export function decodeAssignmentInfo(b: Buffer): AssignmentInfo | undefined {
  const m = parse(b);
  if (!m || m.v !== 1) return undefined;
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((i): i is string => typeof i === 'string') : []);
  const hosts = new Map<string, HostTasks>();
  if (typeof m.hosts === 'object' && m.hosts !== null) {
    for (const [h, t] of Object.entries(m.hosts as Record<string, { active?: unknown; standby?: unknown }>)) hosts.set(h, { active: list(t?.active), standby: list(t?.standby) });
  }
  return {
    active: list(m.active),
    standby: list(m.standby),
    warmup: list(m.warmup),
    hosts,
    error: typeof m.error === 'number' ? m.error : 0,
    probeAt: typeof m.probeAt === 'number' ? m.probeAt : 0,
  };
}

function parse(b: Buffer): Record<string, unknown> | undefined {
  if (b.length === 0 || b[0] !== 0x7b) return undefined; // '{'
  try {
    const m: unknown = JSON.parse(b.toString('utf8'));
    return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
