// What legitimately differs between two brokers' answers to the same request, taken out before
// they are compared field by field: ids each broker makes up (cluster, topic, member, producer
// ids), ports, clocks (timestamps, throttle times), error message texts (clients act on codes),
// and the order of lists Kafka does not order. Everything else must match.

/** Fields whose value is made up by each broker, replaced by a marker when set. */
const MADE_UP = new Set(['clusterId', 'topicId', 'memberId', 'leader', 'producerId', 'transactionalId', 'groupInstanceId', 'clientHost', 'clientId']);
/** Fields that read a clock. -1 stays -1 ("none"); any other value becomes a marker. */
const CLOCKS = new Set(['timestamp', 'logAppendTimeMs', 'transactionStartTimeMs', 'lastTimestamp', 'currentStateTimestamp']);
const DROPPED = new Set(['throttleTimeMs', 'port', 'errorMessage', 'supportedFeatures', 'finalizedFeatures', 'finalizedFeaturesEpoch', 'zkMigrationReady']);
/** Lists Kafka answers in no promised order, sorted by these keys. */
const SORT_KEYS = ['name', 'topic', 'partitionIndex', 'index', 'partition', 'groupId', 'memberId', 'nodeId', 'brokerId', 'apiKey'];

function sortKey(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return SORT_KEYS.map((k) => (k in o ? String(o[k]) : '')).join('\u0000');
}

/**
 * Record batches as fetched: the broker sets each batch's partition leader epoch (bytes 12-15,
 * outside the CRC), which is the leader epoch of that broker's partition; zeroed here.
 */
function normaliseBatches(buf: Buffer): string {
  const copy = Buffer.from(buf);
  for (let pos = 0; pos + 61 <= copy.length; ) {
    const length = copy.readInt32BE(pos + 8);
    copy.writeInt32BE(0, pos + 12);
    pos += 12 + length;
  }
  return `<batches ${copy.toString('hex')}>`;
}

export function normalise(value: unknown, key = ''): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return key === 'records' ? normaliseBatches(value) : `<bytes ${value.toString('hex')}>`;
  if (Array.isArray(value)) return value.map((v) => normalise(v)).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (DROPPED.has(k)) continue;
    if (MADE_UP.has(k) && v !== null && v !== '' && v !== 'AAAAAAAAAAAAAAAAAAAAAA' && v !== -1n && v !== -1) out[k] = `<${k}>`;
    else if (CLOCKS.has(k) && v !== -1n && v !== -1) out[k] = '<time>';
    else out[k] = normalise(v, k);
  }
  return out;
}

export interface Difference {
  path: string;
  brook: unknown;
  kafka: unknown;
}

/** The paths where two normalised values differ (leaf by leaf). */
export function differences(brook: unknown, kafka: unknown, path = ''): Difference[] {
  if (JSON.stringify(brook) === JSON.stringify(kafka)) return [];
  const named = (xs: unknown[]) => xs.every((x) => x !== null && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string');
  if (Array.isArray(brook) && Array.isArray(kafka) && named(brook) && named(kafka) && (brook.length > 0 || kafka.length > 0)) {
    // Lists of named entries (configs, topics) compare entry by entry, by name.
    const byName = (xs: unknown[]) => new Map(xs.map((x) => [(x as { name: string }).name, x]));
    const [b, k] = [byName(brook), byName(kafka)];
    return [...new Set([...b.keys(), ...k.keys()])].sort().flatMap((n) => differences(b.get(n), k.get(n), `${path}[${n}]`));
  }
  if (Array.isArray(brook) && Array.isArray(kafka) && brook.length === kafka.length) {
    return brook.flatMap((b, i) => differences(b, kafka[i], `${path}[${i}]`));
  }
  if (brook && kafka && typeof brook === 'object' && typeof kafka === 'object' && !Array.isArray(brook) && !Array.isArray(kafka)) {
    const keys = new Set([...Object.keys(brook), ...Object.keys(kafka)]);
    return [...keys].flatMap((k) => differences((brook as Record<string, unknown>)[k], (kafka as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return [{ path, brook, kafka }];
}
