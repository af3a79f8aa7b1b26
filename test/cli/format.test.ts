// The CLI's pure parts: record format strings, --offset specs, produce input lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFormat, jsonFormatter } from '../../src/cli/format/record-format.js';
import { parseOffsetSpec } from '../../src/cli/commands/offset-spec.js';
import { parseLine } from '../../src/cli/commands/produce-input.js';
import { parseSeekTarget } from '../../src/cli/commands/group-seek.js';
import { renderTable } from '../../src/cli/format/table.js';
import { styleFor } from '../../src/cli/format/style.js';
import type { FetchedRecord } from '../../src/client/index.js';

const record: FetchedRecord = {
  topic: 'orders',
  partition: 2,
  offset: 41n,
  timestamp: 1700000000000n,
  key: Buffer.from('alice'),
  value: Buffer.from('paid'),
  headers: [
    [Buffer.from('source'), Buffer.from('web')],
    [Buffer.from('n'), null],
  ],
};

test('format strings expand kcat-style escapes', () => {
  assert.equal(compileFormat('%t/%p@%o %k=%v [%h] %T\\n')(record), 'orders/2@41 alice=paid [source=web,n=null] 1700000000000\n');
  assert.equal(compileFormat('%K %S 100%%\\t|')(record), '5 4 100%\t|');
  assert.equal(compileFormat('%k|%v|%K|%S')({ ...record, key: null, value: null }), 'null|null|-1|-1');
  assert.equal(compileFormat('%k=%v', '(null)')({ ...record, key: null, value: null }), '(null)=(null)');
  assert.throws(() => compileFormat('%x'), /unknown escape "%x"/);
});

test('--json prints the shape produce --format json reads back', () => {
  const line = jsonFormatter(record);
  assert.deepEqual(JSON.parse(line), { topic: 'orders', partition: 2, offset: 41, timestamp: 1700000000000, key: 'alice', value: 'paid', headers: { source: 'web', n: null } });
  const back = parseLine(line.trim(), 1, { format: 'json', headers: [] });
  assert.equal(back.key?.toString(), 'alice');
  assert.equal(back.value?.toString(), 'paid');
  assert.equal(back.partition, 2);
});

test('offset specs', () => {
  assert.deepEqual(parseOffsetSpec('--offset', 'beginning'), { kind: 'earliest' });
  assert.deepEqual(parseOffsetSpec('--offset', 'end'), { kind: 'latest' });
  assert.deepEqual(parseOffsetSpec('--offset', '17'), { kind: 'absolute', offset: 17n });
  assert.deepEqual(parseOffsetSpec('--offset', '-3'), { kind: 'fromEnd', count: 3n });
  assert.deepEqual(parseOffsetSpec('--offset', '@1700000000000'), { kind: 'timestamp', ms: 1700000000000n });
  assert.deepEqual(parseOffsetSpec('--offset', '@2023-11-14T22:13:20Z'), { kind: 'timestamp', ms: 1700000000000n });
  assert.deepEqual(parseSeekTarget('2023-11-14T22:13:20Z'), { kind: 'timestamp', ms: 1700000000000n });
  assert.throws(() => parseOffsetSpec('--offset', 'soon'), /--offset must be beginning, end/);
  assert.throws(() => parseOffsetSpec('--offset', '@tomorrow'), /ISO date/);
});

test('produce lines: key separator, constant headers, fixed partition, bad JSON', () => {
  const d = parseLine('k1:v:1', 1, { format: 'text', keySeparator: ':', headers: [['h', '1']], partition: 0 });
  assert.equal(d.key?.toString(), 'k1');
  assert.equal(d.value?.toString(), 'v:1');
  assert.equal(d.partition, 0);
  assert.deepEqual([...d.headers].map(([k, v]) => [k.toString(), v?.toString()]), [['h', '1']]);
  assert.equal(parseLine('no separator', 1, { format: 'text', keySeparator: ':', headers: [] }).key, undefined);
  assert.throws(() => parseLine('{nope', 7, { format: 'json', headers: [] }), /Line 7 is not valid JSON/);
  assert.equal(parseLine('{"value":{"a":1}}', 1, { format: 'json', headers: [] }).value?.toString(), '{"a":1}');
});

test('tombstones: a JSON null value, and --null-literal in the text format', () => {
  assert.equal(parseLine('{"key":"k","value":null}', 1, { format: 'json', headers: [] }).value, null);
  assert.equal(parseLine('{"key":"k"}', 1, { format: 'json', headers: [] }).value, null);
  assert.equal(parseLine('{"key":"k","value":""}', 1, { format: 'json', headers: [] }).value?.length, 0);
  const h = parseLine('{"value":"v","headers":{"a":null}}', 1, { format: 'json', headers: [] });
  assert.deepEqual([...h.headers.values()], [null]);
  const tomb = parseLine('k:NULL', 1, { format: 'text', keySeparator: ':', nullLiteral: 'NULL', headers: [] });
  assert.equal(tomb.key?.toString(), 'k');
  assert.equal(tomb.value, null);
  assert.equal(parseLine('NULL:v', 1, { format: 'text', keySeparator: ':', nullLiteral: 'NULL', headers: [] }).key, undefined);
  assert.equal(parseLine('k:NULLish', 1, { format: 'text', keySeparator: ':', nullLiteral: 'NULL', headers: [] }).value?.toString(), 'NULLish');
  assert.equal(parseLine('k:NULL', 1, { format: 'text', keySeparator: ':', headers: [] }).value?.toString(), 'NULL');
});

test('tables align columns and stay plain without a terminal', () => {
  const style = styleFor(process.stdout, { NO_COLOR: '1' });
  assert.equal(renderTable(['NAME', 'N'], [['a', 1], ['long-name', null]], style), 'NAME       N\na          1\nlong-name  -\n');
});
