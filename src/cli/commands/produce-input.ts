// Turns one input line into a record to produce: the whole line as the value, or a key and a
// value split at --key-separator, or (with --format json) a JSON object with key, value,
// headers and partition. Constant --header flags are added to every record.
// Nulls: in JSON a null (or absent) value is a null value, i.e. a tombstone on a compacted topic
// (and a null key or header value is null); in the text format --null-literal names the text
// that stands for null.
import { UsageError } from './start-options.js';

export type InputFormat = 'text' | 'json';

export interface LineOptions {
  format: InputFormat;
  keySeparator?: string;
  /** Text format: a key or value equal to this is null. */
  nullLiteral?: string;
  headers: readonly [string, string][];
  partition?: number;
}

export interface RecordDraft {
  key?: Buffer;
  /** null: a null value (a tombstone). */
  value: Buffer | null;
  headers: Map<Buffer, Buffer | null>;
  partition?: number;
}

/** Thrown for a line that cannot be read; the message names the line. */
export class InputLineError extends Error {
  override readonly name = 'InputLineError';
}

export function parseInputFormat(text: string | undefined): InputFormat {
  if (text === undefined || text === 'text') return 'text';
  if (text === 'json') return 'json';
  throw new UsageError(`--format must be text or json, not "${text}".`);
}

export function parseLine(line: string, lineNumber: number, options: LineOptions): RecordDraft {
  const draft = options.format === 'json' ? parseJsonLine(line, lineNumber) : parseTextLine(line, options.keySeparator, options.nullLiteral);
  for (const [k, v] of options.headers) draft.headers.set(Buffer.from(k), Buffer.from(v));
  if (options.partition !== undefined) draft.partition = options.partition;
  return draft;
}

function parseTextLine(line: string, separator: string | undefined, nullLiteral: string | undefined): RecordDraft {
  const bytes = (text: string): Buffer | null => (text === nullLiteral ? null : Buffer.from(text));
  const at = separator === undefined || separator === '' ? -1 : line.indexOf(separator);
  // A line without the separator has no key: the whole line is the value (as kcat -K does).
  if (at < 0) return { value: bytes(line), headers: new Map() };
  const draft: RecordDraft = { value: bytes(line.slice(at + separator!.length)), headers: new Map() };
  const key = bytes(line.slice(0, at));
  if (key !== null) draft.key = key;
  return draft;
}

function parseJsonLine(line: string, n: number): RecordDraft {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new InputLineError(`Line ${n} is not valid JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputLineError(`Line ${n} must be a JSON object with key, value, headers or partition.`);
  const o = parsed as Record<string, unknown>;
  const draft: RecordDraft = { value: o.value === undefined || o.value === null ? null : toBytes(o.value), headers: new Map() };
  if (o.key !== undefined && o.key !== null) draft.key = toBytes(o.key);
  if (o.partition !== undefined) {
    if (typeof o.partition !== 'number' || !Number.isInteger(o.partition) || o.partition < 0) throw new InputLineError(`Line ${n}: "partition" must be a whole number.`);
    draft.partition = o.partition;
  }
  if (o.headers !== undefined && o.headers !== null) {
    if (typeof o.headers !== 'object' || Array.isArray(o.headers)) throw new InputLineError(`Line ${n}: "headers" must be an object of names to values.`);
    for (const [k, v] of Object.entries(o.headers)) draft.headers.set(Buffer.from(k), v === null ? null : toBytes(v));
  }
  return draft;
}

/** Strings are sent as their UTF-8 bytes; any other JSON value as its JSON text. */
function toBytes(v: unknown): Buffer {
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
}
