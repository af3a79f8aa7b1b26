// What a terminated persistent query leaves behind, removed as ksqlDB's query cleanup does: its
// internal topics (`<application id>-...-repartition`, `...-changelog`, foreign-key subscription
// topics), its consumer group (the application id) and its local state directory. A query
// replaced in place (CREATE OR REPLACE ... AS SELECT) keeps all three: the new topology resumes
// from them.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { topicNames, type Admin } from '../../client/index.js';
import { messageOf } from '../errors.js';

export interface CleanupLog {
  error(message: string, fields?: Record<string, string | number | boolean | null | undefined>): void;
}

/** The internal topics of the query with this application id. */
export async function internalTopics(admin: Admin, appId: string): Promise<string[]> {
  const prefix = `${appId}-`;
  return (await topicNames(admin, true)).filter((t) => t.startsWith(prefix));
}

export async function cleanupQuery(admin: Admin, appId: string, stateDir: string | undefined, log: CleanupLog | undefined): Promise<void> {
  try {
    const topics = await internalTopics(admin, appId);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (e) {
    log?.error('sql: deleting the internal topics of a terminated query failed', { appId, error: messageOf(e) });
  }
  try {
    await admin.deleteGroups({ groups: [appId] });
  } catch {
    // The group may never have formed (a query that never started), or still be settling: harmless.
  }
  if (stateDir !== undefined) await rm(join(stateDir, appId), { recursive: true, force: true });
}
