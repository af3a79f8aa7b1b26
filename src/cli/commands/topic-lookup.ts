// Topic existence and partition counts, checked before a command acts so that a typo gives
// "Unknown topic" rather than a library error or an auto-created topic.
import type { Admin } from '../../client/index.js';
import { ClientFacingError } from '../../client/index.js';

/** Partition count per requested topic; throws a ClientFacingError naming the first unknown one. */
export async function requireTopics(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const missing = names.find((n) => !existing.has(n));
  if (missing !== undefined) throw new ClientFacingError(`Unknown topic "${missing}".`);
  const metadata = await admin.metadata({ topics: [...names], forceUpdate: true });
  return new Map(names.map((n) => [n, metadata.topics.get(n)?.partitionsCount ?? 0]));
}
