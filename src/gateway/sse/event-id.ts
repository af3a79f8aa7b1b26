// SSE event ids carry where the stream is, so a reconnecting EventSource (which sends the last
// id it saw as `Last-Event-ID`) resumes exactly after it, with no gap and no repeat:
//
//   <partition>:<offset>[;<partition>:<offset>,...]
//
// The first pair is the event's own record; the pairs after `;` are the stream's positions on its
// other partitions: the last offset delivered there, or the offset before the start position when
// nothing was delivered yet (-1 for a start at 0). Every partition is in every id, so a resume is
// exact even for partitions that had no event yet (and across several reconnects). A
// single-partition stream's ids are just "0:41".

export type Delivered = ReadonlyMap<number, bigint>;

export function formatEventId(partition: number, offset: bigint, delivered: Delivered): string {
  let others = '';
  for (const [p, o] of delivered) if (p !== partition) others += `${others === '' ? '' : ','}${p}:${o}`;
  return others === '' ? `${partition}:${offset}` : `${partition}:${offset};${others}`;
}

/** The last delivered offset per partition, or undefined when the id is not one of ours. */
export function parseEventId(id: string | undefined): Map<number, bigint> | undefined {
  if (id === undefined || id.trim() === '') return undefined;
  const out = new Map<number, bigint>();
  for (const pair of id.trim().split(/[;,]/)) {
    const m = /^(\d{1,10}):(-1|\d{1,19})$/.exec(pair);
    if (!m) return undefined;
    out.set(Number(m[1]), BigInt(m[2]!));
  }
  return out;
}
