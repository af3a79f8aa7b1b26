// The message browser's small filter language, parsed and interpreted here (never evaluated as
// JavaScript). A filter is a boolean expression over a record's fields:
//
//   expr   := or
//   or     := and ("||" and)*
//   and    := unary ("&&" unary)*
//   unary  := "!" unary | "(" expr ")" | test
//   test   := field op literal | field            (a bare field: it exists / is not null)
//   field  := key | value | partition | offset | timestamp | header.NAME | value.PATH
//   op     := == | != | contains | startsWith | endsWith | > | >= | < | <=
//   literal:= "string" | number | true | false | null
//
// `value.a.b` reads a JSON value's field (the value parsed once per record; not JSON: absent).
// Examples: `key == "alice" && value contains "refund"`, `header.source != "web"`,
// `value.amount >= 100 || partition == 2`. Input is bounded (1,024 characters, depth 32), and
// every step is linear in the record's size: a filter cannot stall the gateway.
import type { FetchedRecord } from '../../client/index.js';

export class FilterSyntaxError extends Error {}

type Literal = string | number | boolean | null;
type Op = '==' | '!=' | 'contains' | 'startsWith' | 'endsWith' | '>' | '>=' | '<' | '<=';
type Field = { kind: 'key' | 'value' | 'partition' | 'offset' | 'timestamp' } | { kind: 'header'; name: string } | { kind: 'json'; path: string[] };
export type FilterNode =
  | { t: 'or' | 'and'; left: FilterNode; right: FilterNode }
  | { t: 'not'; inner: FilterNode }
  | { t: 'test'; field: Field; op: Op | null; literal: Literal };

const MAX_LENGTH = 1024;
const MAX_DEPTH = 32;
const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(\|\||&&|==|!=|>=|<=|[()!<>])|([A-Za-z_][\w.-]*))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new FilterSyntaxError(`Unexpected "${text.slice(at).trim().slice(0, 20)}" at character ${at + 1}.`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
    at = TOKEN.lastIndex;
  }
  return out;
}

export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_LENGTH) throw new FilterSyntaxError(`A filter has at most ${MAX_LENGTH} characters.`);
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => {
    if (tokens[i] !== t) throw new FilterSyntaxError(`Expected "${t}"${tokens[i] === undefined ? ' at the end' : `, not "${tokens[i]}"`}.`);
    i++;
  };
  const or = (depth: number): FilterNode => {
    let left = and(depth);
    while (peek() === '||') {
      i++;
      left = { t: 'or', left, right: and(depth) };
    }
    return left;
  };
  const and = (depth: number): FilterNode => {
    let left = unary(depth);
    while (peek() === '&&') {
      i++;
      left = { t: 'and', left, right: unary(depth) };
    }
    return left;
  };
  const unary = (depth: number): FilterNode => {
    if (depth > MAX_DEPTH) throw new FilterSyntaxError(`A filter nests at most ${MAX_DEPTH} levels.`);
    const t = peek();
    if (t === '!') {
      i++;
      return { t: 'not', inner: unary(depth + 1) };
    }
    if (t === '(') {
      i++;
      const inner = or(depth + 1);
      expect(')');
      return inner;
    }
    return test();
  };
  const test = (): FilterNode => {
    const name = tokens[i++];
    if (name === undefined || !/^[A-Za-z_]/.test(name)) throw new FilterSyntaxError(`Expected a field (key, value, partition, offset, timestamp, header.NAME, value.PATH)${name === undefined ? ' at the end' : `, not "${name}"`}.`);
    const field = fieldOf(name);
    const op = peek();
    if (op === undefined || !['==', '!=', 'contains', 'startsWith', 'endsWith', '>', '>=', '<', '<='].includes(op)) return { t: 'test', field, op: null, literal: null };
    i++;
    return { t: 'test', field, op: op as Op, literal: literalOf(tokens[i++]) };
  };
  const tree = or(0);
  if (i !== tokens.length) throw new FilterSyntaxError(`Unexpected "${tokens[i]}".`);
  return tree;
}

function fieldOf(name: string): Field {
  if (name === 'key' || name === 'value' || name === 'partition' || name === 'offset' || name === 'timestamp') return { kind: name };
  if (name.startsWith('header.') && name.length > 7) return { kind: 'header', name: name.slice(7) };
  if (name.startsWith('value.') && name.length > 6) return { kind: 'json', path: name.slice(6).split('.') };
  throw new FilterSyntaxError(`Unknown field "${name}": use key, value, partition, offset, timestamp, header.NAME or value.PATH.`);
}

function literalOf(token: string | undefined): Literal {
  if (token === undefined) throw new FilterSyntaxError('Expected a value at the end.');
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (/^-?\d/.test(token)) return Number(token);
  if (token === 'true' || token === 'false') return token === 'true';
  if (token === 'null') return null;
  throw new FilterSyntaxError(`Expected a "string", a number, true, false or null, not "${token}".`);
}

/** Evaluates a parsed filter on one record (the value's JSON parsed at most once). */
export function evaluateFilter(node: FilterNode, record: FetchedRecord): boolean {
  let parsed: { value: unknown } | null = null;
  const json = (): unknown => {
    if (parsed === null) {
      try {
        parsed = { value: record.value === null ? undefined : (JSON.parse(record.value.toString('utf8')) as unknown) };
      } catch {
        parsed = { value: undefined };
      }
    }
    return parsed.value;
  };
  const read = (f: Field): unknown => {
    switch (f.kind) {
      case 'key':
        return record.key?.toString('utf8') ?? null;
      case 'value':
        return record.value?.toString('utf8') ?? null;
      case 'partition':
        return record.partition;
      case 'offset':
        return Number(record.offset);
      case 'timestamp':
        return Number(record.timestamp);
      case 'header': {
        const h = record.headers.find(([k]) => k.toString('utf8') === f.name);
        return h === undefined ? undefined : (h[1]?.toString('utf8') ?? null);
      }
      case 'json': {
        let v: unknown = json();
        for (const part of f.path) v = typeof v === 'object' && v !== null && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
        return v;
      }
    }
  };
  const walk = (n: FilterNode): boolean => {
    switch (n.t) {
      case 'or':
        return walk(n.left) || walk(n.right);
      case 'and':
        return walk(n.left) && walk(n.right);
      case 'not':
        return !walk(n.inner);
      case 'test':
        return compare(read(n.field), n.op, n.literal);
    }
  };
  return walk(node);
}

function compare(actual: unknown, op: Op | null, literal: Literal): boolean {
  if (op === null) return actual !== undefined && actual !== null;
  if (actual === undefined) return false;
  switch (op) {
    case '==':
      return actual === literal || (typeof literal === 'number' && typeof actual === 'string' && Number(actual) === literal);
    case '!=':
      return !(actual === literal || (typeof literal === 'number' && typeof actual === 'string' && Number(actual) === literal));
    case 'contains':
      return typeof actual === 'string' && typeof literal === 'string' && actual.includes(literal);
    case 'startsWith':
      return typeof actual === 'string' && typeof literal === 'string' && actual.startsWith(literal);
    case 'endsWith':
      return typeof actual === 'string' && typeof literal === 'string' && actual.endsWith(literal);
    default: {
      const a = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : NaN;
      if (typeof literal !== 'number' || Number.isNaN(a)) return false;
      return op === '>' ? a > literal : op === '>=' ? a >= literal : op === '<' ? a < literal : a <= literal;
    }
  }
}
