// `brook group seek`: moves a group's committed offsets (Kafka's kafka-consumer-groups
// --reset-offsets). Only for a group without members — a live member would overwrite the
// new offsets with its own next commit, so Kafka refuses too. --dry-run shows the plan only.
import type { Admin } from '../../client/index.js';
import { ClientFacingError, committedOffsets, partitionKey } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { plural, renderTable } from '../format/table.js';
import { loadGroup } from './group-describe.js';
import { parseOffsetSpec, resolveOffsets, type OffsetSpec } from './offset-spec.js';
import { requireTopics } from './topic-lookup.js';

export interface SeekRequest {
  groupId: string;
  to: string;
  topics: string[];
  dryRun: boolean;
}

/** --to: earliest | latest | <offset> | <ISO date> | @<ms or ISO date> | -<n>. */
export function parseSeekTarget(text: string): OffsetSpec {
  // A bare ISO date is a time, not an offset (offsets are plain digits).
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return parseOffsetSpec('--to', `@${text.trim()}`);
  return parseOffsetSpec('--to', text);
}

export async function seekGroup(admin: Admin, request: SeekRequest, style: Style): Promise<string> {
  const spec = parseSeekTarget(request.to);
  const group = await loadGroupOrEmpty(admin, request.groupId);
  if (group.members > 0) {
    throw new ClientFacingError(
      `Group "${request.groupId}" has ${plural(group.members, 'active member')} (state ${group.state}); stop them before seeking, offsets can only be reset for an empty group.`,
    );
  }
  const committed = await committedOffsets(admin, request.groupId);
  let partitions: { topic: string; partition: number }[];
  if (request.topics.length > 0) {
    const counts = await requireTopics(admin, request.topics);
    partitions = request.topics.flatMap((topic) => Array.from({ length: counts.get(topic) ?? 0 }, (_, partition) => ({ topic, partition })));
  } else {
    partitions = [...committed.keys()].map((key) => {
      const at = key.lastIndexOf(':');
      return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
    });
    if (partitions.length === 0) throw new ClientFacingError(`Group "${request.groupId}" has no committed offsets; name the topics to seek with --topic.`);
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const target = await resolveOffsets(admin, partitions, spec);
  const rows = partitions.map(({ topic, partition }) => {
    const key = partitionKey(topic, partition);
    return [topic, partition, committed.get(key), target.get(key)];
  });
  let out = renderTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], rows, style);
  if (request.dryRun) return out + '\nDry run: no offsets were changed.\n';
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const { topic, partition } of partitions) {
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: target.get(partitionKey(topic, partition)) ?? 0n }]);
  }
  await admin.alterConsumerGroupOffsets({ groupId: request.groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
  out += `\nReset the offsets of group "${request.groupId}" on ${plural(partitions.length, 'partition')}.\n`;
  return out;
}

/** Seeking a group that does not exist yet is allowed with --topic: it creates its offsets. */
async function loadGroupOrEmpty(admin: Admin, groupId: string): Promise<{ members: number; state: string }> {
  try {
    const g = await loadGroup(admin, groupId);
    return { members: g.members.length, state: g.state };
  } catch (e) {
    if (e instanceof ClientFacingError) return { members: 0, state: 'Dead' };
    throw e;
  }
}
