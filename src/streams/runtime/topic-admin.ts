// The admin side of starting an app: learn which topics exist and with how many partitions, and
// create missing internal topics (changelogs compacted, repartition topics deleted by time) with
// the counts planned in topic-plan.ts.

import type { Admin } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import type { Topology } from '../engine/topology.js';

/** Partition counts of the named topics that exist. */
export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const all = new Set(await admin.listTopics());
  const present = topics.filter((t) => all.has(t));
  const out = new Map<string, number>();
  if (present.length === 0) return out;
  const metadata = await admin.metadata({ topics: present, forceUpdate: true });
  for (const t of present) {
    const m = metadata.topics.get(t);
    if (m) out.set(t, m.partitionsCount);
  }
  return out;
}

export async function createInternalTopics(admin: Admin, topology: Topology, planned: ReadonlyMap<string, number>, existing: ReadonlyMap<string, number>): Promise<void> {
  for (const [topic, partitions] of planned) {
    if (existing.has(topic)) continue;
    const spec = topology.internalTopics.get(topic);
    const configs = Object.entries(spec?.configs ?? {}).map(([name, value]) => ({ name, value }));
    try {
      await admin.createTopics({ topics: [topic], partitions, configs });
    } catch (e) {
      // Another instance of the app may have created it a moment ago: fine if it now exists.
      const now = await partitionCounts(admin, [topic]);
      if (now.get(topic) !== partitions) {
        throw new StreamsError('TOPIC_NOT_FOUND', `cannot create internal topic '${topic}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
  }
}

/** What AppOptions.createOutputTopics asks for: the partition count and configs of created output topics. */
export interface OutputTopicCreation {
  /** Partitions of each created output topic (default: the broker's num.partitions). */
  partitions?: number;
  /** Topic configs of each created output topic (e.g. retention.ms). */
  configs?: Record<string, string>;
}

/**
 * Output topics (sinks and the dead-letter topic) must exist before the app starts, as in Kafka Streams, which never
 * creates them: their partition count and retention are the operator's decision. One error names every missing
 * one; with `create` they are created instead (the app's explicit opt-in).
 */
export async function ensureOutputTopics(
  admin: Admin,
  appId: string,
  outputs: readonly string[],
  existing: ReadonlyMap<string, number>,
  create: boolean | OutputTopicCreation | undefined,
): Promise<Map<string, number>> {
  const missing = [...new Set(outputs)].filter((t) => !existing.has(t));
  const created = new Map<string, number>();
  if (missing.length === 0) return created;
  if (create === undefined || create === false) {
    const list = missing.map((t) => `'${t}'`).join(', ');
    const one = missing.length === 1;
    throw new StreamsError(
      'TOPIC_NOT_FOUND',
      `output topic${one ? '' : 's'} ${list} ${one ? 'does' : 'do'} not exist; create ${one ? 'it' : 'them'} before starting app '${appId}' ` +
        `(for example: brook topic create ${missing.join(' ')}), or pass createOutputTopics: true to App`,
    );
  }
  const options = create === true ? {} : create;
  const configs = Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value }));
  for (const topic of missing) {
    try {
      await admin.createTopics({ topics: [topic], partitions: options.partitions ?? -1, configs });
    } catch (e) {
      // Another instance (or person) may have created it a moment ago.
      if (!(await partitionCounts(admin, [topic])).has(topic)) {
        throw new StreamsError('TOPIC_NOT_FOUND', `cannot create output topic '${topic}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
  }
  for (const [t, n] of await partitionCounts(admin, missing)) created.set(t, n);
  return created;
}

/** Every topic the app's sinks write that is not internal (must exist: Kafka Streams does not create output topics). */
export function outputTopics(topology: Topology): string[] {
  const out = new Set<string>();
  for (const node of topology.nodes.values()) {
    if (node.kind === 'sink' && !topology.internalTopics.has(node.topic)) out.add(node.topic);
  }
  return [...out];
}
