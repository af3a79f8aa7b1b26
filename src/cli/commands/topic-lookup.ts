// Topic existence and partition counts, checked before a command acts. Readers and admin commands
// get "Unknown topic" for a typo rather than a library error or an auto-created topic; producers
// behave as every Kafka producer does: their Metadata request allows auto-creation, so the broker's
// auto.create.topics.enable decides, and only a refusal is reported.
import type { Admin } from '../../client/index.js';
import { ClientFacingError, kafkaErrorName } from '../../client/index.js';

/** Partition count per requested topic; throws a ClientFacingError naming the first unknown one. */
export async function requireTopics(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const missing = names.find((n) => !existing.has(n));
  if (missing !== undefined) throw new ClientFacingError(`Unknown topic "${missing}".`);
  const metadata = await admin.metadata({ topics: [...names], forceUpdate: true });
  return new Map(names.map((n) => [n, metadata.topics.get(n)?.partitionsCount ?? 0]));
}

// Kafka answers LEADER_NOT_AVAILABLE for a topic it has just created until the partition has a leader.
const NEW_TOPIC_ATTEMPTS = 20;
const NEW_TOPIC_RETRY_MS = 250;

/**
 * Partition counts for topics a producer writes to, created by the broker on first use when its
 * auto.create.topics.enable is true (the Kafka default); otherwise a ClientFacingError names the topic and the setting.
 */
export async function topicsForProduce(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const metadata = await admin.metadata({ topics: [...names], autocreateTopics: true, forceUpdate: true });
      return new Map(names.map((n) => [n, metadata.topics.get(n)?.partitionsCount ?? 0]));
    } catch (e) {
      const code = kafkaErrorName(e);
      if (code === 'LEADER_NOT_AVAILABLE' && attempt < NEW_TOPIC_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, NEW_TOPIC_RETRY_MS));
        continue;
      }
      // The library reports UNKNOWN_TOPIC_OR_PARTITION in Metadata as its own "Unknown topic <name>." error.
      const unknown = code === 'UNKNOWN_TOPIC_OR_PARTITION' || (e instanceof Error && /^Unknown topic /.test(e.message));
      if (unknown || code === 'INVALID_TOPIC_EXCEPTION') {
        const existing = new Set(await admin.listTopics({ includeInternals: true }));
        const missing = names.find((n) => !existing.has(n)) ?? names[0] ?? '';
        throw new ClientFacingError(
          !unknown
            ? `"${missing}" is not a valid topic name.`
            : `Unknown topic "${missing}", and the broker does not create topics on first use (auto.create.topics.enable=false); create it with: brook topic create ${missing}`,
        );
      }
      throw e;
    }
  }
}
