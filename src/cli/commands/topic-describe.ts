// `brook topic describe`: a topic's summary, its partitions (leader, log start and end offsets,
// size on disk) and every config with the source Kafka reports for it.
import type { Admin } from '../../client/index.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, partitionKey } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { formatBytes, renderFields, renderTable } from '../format/table.js';
import { requireTopics } from './topic-lookup.js';

// DescribeConfigs' ConfigSource values (KIP-226).
const CONFIG_SOURCES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};
const TOPIC_RESOURCE = 2;

export async function describeTopic(admin: Admin, name: string, style: Style): Promise<string> {
  const counts = await requireTopics(admin, [name]);
  const metadata = await admin.metadata({ topics: [name] });
  const topic = metadata.topics.get(name)!;
  const partitions = Array.from({ length: counts.get(name) ?? 0 }, (_, partition) => ({ topic: name, partition }));
  const [starts, ends, sizes, configs] = await Promise.all([
    listOffsetsAt(admin, partitions, EARLIEST_TIMESTAMP),
    listOffsetsAt(admin, partitions, LATEST_TIMESTAMP),
    partitionSizes(admin, name, partitions.map((p) => p.partition)),
    admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name }] }),
  ]);
  const replicas = topic.partitions[0]?.replicas.length ?? 0;
  let out = renderFields(
    [
      ['Name', name],
      ['Topic ID', topic.id],
      ['Partitions', partitions.length],
      ['Replicas', replicas],
    ],
    style,
  );
  out += '\n' + style.bold('PARTITIONS') + '\n';
  out += renderTable(
    ['PARTITION', 'LEADER', 'REPLICAS', 'LOG-START-OFFSET', 'LOG-END-OFFSET', 'RECORDS', 'SIZE'],
    partitions.map(({ partition }) => {
      const key = partitionKey(name, partition);
      const start = starts.get(key);
      const end = ends.get(key);
      const size = sizes.get(partition);
      return [
        partition,
        topic.partitions[partition]?.leader,
        `[${(topic.partitions[partition]?.replicas ?? []).join(',')}]`,
        start,
        end,
        start !== undefined && end !== undefined ? end - start : undefined,
        size === undefined ? undefined : formatBytes(size),
      ];
    }),
    style,
  );
  const entries = (configs[0]?.configs ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
  out += '\n' + style.bold('CONFIGS') + '\n';
  out += renderTable(
    ['KEY', 'VALUE', 'SOURCE'],
    entries.map((c) => {
      const source = CONFIG_SOURCES[c.configSource] ?? String(c.configSource);
      const value = c.isSensitive ? '(sensitive)' : (c.value ?? 'null');
      return [c.name, c.configSource === 1 ? style.yellow(value) : value, source];
    }),
    style,
  );
  return out;
}

async function partitionSizes(admin: Admin, topic: string, partitions: number[]): Promise<Map<number, bigint>> {
  const sizes = new Map<number, bigint>();
  const dirs = await admin.describeLogDirs({ topics: [{ name: topic, partitions }] });
  for (const broker of dirs) {
    for (const dir of broker.results) {
      for (const t of dir.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) sizes.set(p.partitionIndex, (sizes.get(p.partitionIndex) ?? 0n) + BigInt(p.partitionSize));
      }
    }
  }
  return sizes;
}
