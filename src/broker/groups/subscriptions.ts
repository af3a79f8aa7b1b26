// The topics a consumer group's members subscribe to, read from their JoinGroup metadata
// (ConsumerProtocolSubscription, an int16 version then the body). OffsetDelete refuses to delete
// offsets of these topics (GROUP_SUBSCRIBED_TO_TOPIC). Newer subscription versions are read with the
// newest layout we know: the consumer protocol only ever appends fields.
import { dataStructures } from '../../protocol/messages/index.js';
import { ByteReader } from '../../protocol/primitives/byte-reader.js';
import type { ClassicGroup } from './classic-group.js';

export function subscribedTopics(group: ClassicGroup): Set<string> | null {
  if (group.protocolType !== 'consumer') return null;
  const topics = new Set<string>();
  const def = dataStructures.ConsumerProtocolSubscription;
  for (const m of group.members.values()) {
    const metadata = m.metadataFor(group.protocolName);
    if (metadata.length < 2) continue;
    try {
      const r = new ByteReader(metadata);
      const version = Math.min(r.int16(), def.maxVersion);
      for (const t of def.codec.read(r, version).topics) topics.add(t);
    } catch {
      // unreadable metadata subscribes to nothing we can name
    }
  }
  return topics;
}
