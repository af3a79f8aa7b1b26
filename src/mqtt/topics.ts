// Topic names and topic filters (OASIS MQTT 5.0 §4.7, the same in 3.1.1 §4.7) and shared subscription
// filters (5.0 §4.8.2): validation and matching. Levels are separated by '/'; '+' matches one whole
// level, '#' the rest (zero or more levels) and only as the last level; a filter starting with a
// wildcard does not match topic names starting with '$' ([MQTT-4.7.2-1]).

/** Why a topic name is not valid for PUBLISH, or null when it is. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return 'the topic name is empty [MQTT-4.7.3-1]';
  if (topic.includes('+') || topic.includes('#')) return `the topic name "${topic}" holds a wildcard [MQTT-3.3.2-2]`;
  return null;
}

/** Why a topic filter is not valid for SUBSCRIBE/UNSUBSCRIBE, or null when it is. */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return 'the topic filter is empty [MQTT-4.7.3-1]';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return `"#" must be a whole last level in "${filter}" [MQTT-4.7.1-1]`;
    if (level.includes('+') && level !== '+') return `"+" must be a whole level in "${filter}" [MQTT-4.7.1-2]`;
  }
  return null;
}

export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/** A `$share/{ShareName}/{filter}` subscription split in two (§4.8.2). */
export interface SharedFilter {
  group: string;
  filter: string;
}

const SHARE_PREFIX = '$share/';

/**
 * The share name and filter of a shared subscription, null for an ordinary filter; throws a string
 * (the problem) for a `$share/` filter that is not a valid one ([MQTT-4.8.2-1], [MQTT-4.8.2-2]).
 */
export function parseSharedFilter(filter: string): SharedFilter | null {
  if (!filter.startsWith(SHARE_PREFIX)) return null;
  const slash = filter.indexOf('/', SHARE_PREFIX.length);
  const group = slash < 0 ? filter.slice(SHARE_PREFIX.length) : filter.slice(SHARE_PREFIX.length, slash);
  if (slash < 0 || group.length === 0 || group.includes('+') || group.includes('#')) {
    throw new Error(`"${filter}" is not a valid shared subscription ($share/{ShareName}/{filter}) [MQTT-4.8.2-1]`);
  }
  const rest = filter.slice(slash + 1);
  const problem = topicFilterProblem(rest);
  if (problem) throw new Error(problem);
  return { group, filter: rest };
}

/** Whether `topic` (a valid topic name) matches `filter` (a valid topic filter). */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  let f = 0;
  let t = 0;
  for (;;) {
    const fEnd = levelEnd(filter, f);
    const fLevel = filter.slice(f, fEnd);
    if (fLevel === '#') return true;
    if (t > topic.length) return false;
    const tEnd = levelEnd(topic, t);
    if (fLevel !== '+' && fLevel !== topic.slice(t, tEnd)) return false;
    const fDone = fEnd >= filter.length;
    const tDone = tEnd >= topic.length;
    if (fDone && tDone) return true;
    if (tDone) return filter.slice(fEnd + 1) === '#'; // "a/#" matches "a" (the parent level)
    if (fDone) return false;
    f = fEnd + 1;
    t = tEnd + 1;
  }
}

function levelEnd(s: string, from: number): number {
  const i = s.indexOf('/', from);
  return i < 0 ? s.length : i;
}

/**
 * Whether some topic name matches both filters (conservative: may say yes for two filters that only
 * meet in a '$' topic). Used to find which mapped Kafka topics a subscription may read from.
 */
export function filtersOverlap(a: string, b: string): boolean {
  const la = a.split('/');
  const lb = b.split('/');
  for (let i = 0; ; i++) {
    const x = la[i];
    const y = lb[i];
    if (x === '#' || y === '#') return true;
    if (x === undefined && y === undefined) return true;
    if (x === undefined) return lb.length === i + 1 && y === '#';
    if (y === undefined) return la.length === i + 1 && x === '#';
    if (x !== '+' && y !== '+' && x !== y) return false;
  }
}
