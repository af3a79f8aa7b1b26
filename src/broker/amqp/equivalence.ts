// Redeclaring an exchange or a queue with other properties is 406 PRECONDITION_FAILED, with
// RabbitMQ's texts (rabbit_misc:assert_field_equivalence / assert_args_equivalence):
//   inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but current is 'true'
//   inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received the value '100' of type
//   'signedint' but current is none
import { tableGet, type FieldTable, type FieldValue } from '../../amqp/index.js';
import { Reply, rname } from './errors.js';

/** RabbitMQ's names of field value types (rabbit_binary_parser), as its error texts show them. */
export const TYPE_NAMES: Record<string, string> = { t: 'bool', b: 'byte', B: 'unsignedbyte', s: 'short', u: 'unsignedshort', I: 'signedint', i: 'unsignedint', l: 'long', L: 'unsignedlong', f: 'float', d: 'double', D: 'decimal', S: 'longstr', x: 'binary', T: 'timestamp', A: 'array', F: 'table', V: 'void' };

function show(v: FieldValue): string {
  switch (v.type) {
    case 'S':
    case 'x':
      return v.value.toString('utf8');
    case 'A':
    case 'F':
    case 'V':
      return v.type;
    case 'D':
      return `${v.value}e-${v.scale}`;
    default:
      return String(v.value);
  }
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  const numeric = 'bBsuIil'.includes(a.type) && 'bBsuIil'.includes(b.type);
  if (numeric) return show(a) === show(b);
  return a.type === b.type && show(a) === show(b);
}

export function assertFieldEquivalent(kind: 'queue' | 'exchange', name: string, vhost: string, field: string, received: string | boolean, current: string | boolean): void {
  if (received === current) return;
  throw Reply.preconditionFailed(`inequivalent arg '${field}' for ${rname(kind, name, vhost)}: received '${String(received)}' but current is '${String(current)}'`);
}

export function assertArgsEquivalent(kind: 'queue' | 'exchange', name: string, vhost: string, received: FieldTable, current: FieldTable, keys: readonly string[]): void {
  for (const key of keys) {
    const r = tableGet(received, key);
    const c = tableGet(current, key);
    if (r === undefined && c === undefined) continue;
    if (r !== undefined && c !== undefined && sameValue(r, c)) continue;
    if (r !== undefined && c !== undefined && r.type === c.type) {
      throw Reply.preconditionFailed(`inequivalent arg '${key}' for ${rname(kind, name, vhost)}: received '${show(r)}' but current is '${show(c)}'`);
    }
    const describe = (v: FieldValue | undefined): string => (v === undefined ? 'none' : `the value '${show(v)}' of type '${TYPE_NAMES[v.type] ?? v.type}'`);
    throw Reply.preconditionFailed(`inequivalent arg '${key}' for ${rname(kind, name, vhost)}: received ${describe(r)} but current is ${describe(c)}`);
  }
}
