// What a runtime stores as the metadata of a task's committed offsets (JSON, version 1):
//
//   {"v":1,"task":"<the task's own metadata: stream time, emit-final positions>",
//    "cl":{"<changelog topic>":"<end offset acknowledged at this commit>", ...}}
//
// The changelog end offsets are what make a takeover exact under at-least-once. Everything a
// task wrote to a changelog after its last commit belongs to input that will be processed again
// from the committed offset, so a new owner restores each store only up to the committed end
// offset and then rewrites (repairs) every key the uncommitted tail touched, with its value as
// of the commit. Without this, state would count the replayed input twice.
// Both the Kafka runtime and the TestDriver write and read this format, so they behave the same.

export interface DecodedCommitMetadata {
  readonly task: string | undefined;
  /** Changelog topic -> the task's changelog end offset at that commit. */
  readonly changelogEnds: ReadonlyMap<string, bigint>;
}

export function encodeCommitMetadata(task: string, changelogEnds: ReadonlyMap<string, bigint>): string {
  const cl: Record<string, string> = {};
  for (const [topic, end] of changelogEnds) cl[topic] = end.toString();
  return JSON.stringify({ v: 1, task, cl });
}

/** Undefined when there is no commit, or the metadata was written by something else. */
export function decodeCommitMetadata(metadata: string | null | undefined): DecodedCommitMetadata | undefined {
  if (!metadata) return undefined;
  try {
    const m = JSON.parse(metadata) as { v?: unknown; task?: unknown; cl?: unknown };
    if (m.v !== 1 || typeof m.cl !== 'object' || m.cl === null) return undefined;
    const ends = new Map<string, bigint>();
    for (const [topic, end] of Object.entries(m.cl as Record<string, unknown>)) {
      if (typeof end === 'string' && /^\d+$/.test(end)) ends.set(topic, BigInt(end));
    }
    return { task: typeof m.task === 'string' ? m.task : undefined, changelogEnds: ends };
  } catch {
    return undefined;
  }
}
