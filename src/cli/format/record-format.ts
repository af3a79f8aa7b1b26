// How `brook consume` prints a record: a kcat/rpk-style format string, or one JSON object per
// record. The format is compiled once into a list of parts so printing a record is a join.
//   %t topic  %p partition  %o offset  %k key  %v value  %h headers (k=v,k=v)  %T timestamp (ms)
//   %K key length  %S value length  %% a percent sign;  \n \r \t \\ as in C strings.
// A null key or value (a keyless record, a tombstone) prints as the null literal, "null" unless
// --null-literal says otherwise (Kafka's console consumer prints "null" too), so it never looks like
// an empty string; %K and %S print -1 for it, and --json prints JSON null.
import type { FetchedRecord } from '../../client/index.js';
import { UsageError } from '../commands/start-options.js';

export type RecordFormatter = (record: FetchedRecord) => string;

export const DEFAULT_NULL_LITERAL = 'null';

function fields(nullLiteral: string): Record<string, RecordFormatter> {
  return {
    t: (r) => r.topic,
    p: (r) => String(r.partition),
    o: (r) => String(r.offset),
    k: (r) => r.key?.toString('utf8') ?? nullLiteral,
    v: (r) => r.value?.toString('utf8') ?? nullLiteral,
    h: (r) => r.headers.map(([k, v]) => `${k.toString('utf8')}=${v?.toString('utf8') ?? nullLiteral}`).join(','),
    T: (r) => String(r.timestamp),
    K: (r) => String(r.key?.length ?? -1),
    S: (r) => String(r.value?.length ?? -1),
  };
}
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '0': '\0' };

export const DEFAULT_FORMAT = '%v\\n';

export function compileFormat(spec: string, nullLiteral = DEFAULT_NULL_LITERAL): RecordFormatter {
  const FIELDS = fields(nullLiteral);
  const parts: (string | RecordFormatter)[] = [];
  let literal = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const next = spec[i + 1];
    if (c === '%' && next !== undefined && (next === '%' || FIELDS[next])) {
      i++;
      if (next === '%') literal += '%';
      else {
        if (literal) parts.push(literal);
        literal = '';
        parts.push(FIELDS[next]!);
      }
    } else if (c === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      i++;
      literal += ESCAPES[next];
    } else if (c === '%') {
      throw new UsageError(`--format has an unknown escape "%${next ?? ''}"; use %t %p %o %k %v %h %T %K %S or %%.`);
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  return (r) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(r);
    return out;
  };
}

/** One JSON object per record, the shape `brook produce --format json` reads back. */
export const jsonFormatter: RecordFormatter = (r) =>
  JSON.stringify({
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: r.key?.toString('utf8') ?? null,
    value: r.value?.toString('utf8') ?? null,
    headers: Object.fromEntries(r.headers.map(([k, v]) => [k.toString('utf8'), v?.toString('utf8') ?? null])),
  }) + '\n';
