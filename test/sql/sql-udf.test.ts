// User-defined functions from an extension directory: the test writes an ES module of UDFs and
// UDAFs into a temporary directory, starts the engine with it, lists and describes them, and uses
// them in push queries and a persistent aggregation (NULL rules: a UDF is not called with NULL
// unless nullSafe; one that throws gives NULL; a UDAF skips NULL values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ksql, ksqlError, produce, query, startSqlGateway, until } from './sql-harness.js';

const MODULE = `
export const udfs = [
  { name: 'multiply', description: 'a times b', author: 'tests', version: '1.0', category: 'math',
    params: ['INT', 'INT'], returns: 'INT', evaluate: (a, b) => Math.imul(a, b) },
  { name: 'multiply', params: ['DOUBLE', 'DOUBLE'], returns: 'DOUBLE', evaluate: (a, b) => a * b },
  { name: 'or_default', params: ['STRING'], returns: 'STRING', nullSafe: true, evaluate: (s) => s ?? 'none' },
  { name: 'join_all', params: ['STRING', 'STRING'], variadic: true, returns: 'STRING', evaluate: (sep, rest) => rest.join(sep) },
  { name: 'strict_len', params: ['STRING'], returns: 'BIGINT', evaluate: (s) => { if (s.length > 4) throw new Error('too long'); return BigInt(s.length); } },
];
export const udafs = [
  { name: 'sum_squares', description: 'sum of squares', params: ['INT'], returns: 'BIGINT', stateType: 'BIGINT',
    initialize: () => 0n, aggregate: (v, agg) => agg + BigInt(v) * BigInt(v), merge: (a, b) => a + b, map: (agg) => agg },
];
`;

test('UDFs and UDAFs from an extension directory: SHOW FUNCTIONS, DESCRIBE FUNCTION, queries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-udf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'my-functions.mjs'), MODULE);
  writeFileSync(join(dir, 'README.txt'), 'not a module');
  const g = await startSqlGateway({ extensionDir: dir });
  t.after(() => g.close());

  const [listed] = await ksql(g, 'SHOW FUNCTIONS;');
  assert.equal(listed!['@type'], 'function_names');
  const fns = listed!.functions as Array<{ name: string; type: string; category: string }>;
  assert.deepEqual(fns.find((f) => f.name === 'MULTIPLY'), { name: 'MULTIPLY', type: 'SCALAR', category: 'MATH' });
  assert.deepEqual(fns.find((f) => f.name === 'SUM_SQUARES'), { name: 'SUM_SQUARES', type: 'AGGREGATE', category: 'AGGREGATE' });
  assert.ok(fns.some((f) => f.name === 'UCASE' && f.type === 'SCALAR'));

  const [described] = await ksql(g, 'DESCRIBE FUNCTION multiply;');
  assert.equal(described!['@type'], 'describe_function');
  assert.equal(described!.author, 'tests');
  assert.equal(described!.version, '1.0');
  assert.match(String(described!.path), /my-functions\.mjs$/);
  assert.deepEqual(
    (described!.functions as Array<{ argumentTypes: string[]; returnType: string }>).map((f) => [f.argumentTypes, f.returnType]),
    [
      [['INTEGER', 'INTEGER'], 'INTEGER'],
      [['DOUBLE', 'DOUBLE'], 'DOUBLE'],
    ],
  );
  const [builtin] = await ksql(g, 'DESCRIBE FUNCTION sum;');
  assert.equal(builtin!.path, 'internal');
  assert.equal(builtin!.type, 'AGGREGATE');
  const unknown = await ksqlError(g, 'DESCRIBE FUNCTION nope;');
  assert.match(String(unknown.body.message), /Can't find any functions with the name 'NOPE'/);

  await ksql(g, "CREATE STREAM nums (k STRING KEY, a INT, b INT, x DOUBLE, s STRING) WITH (KAFKA_TOPIC='nums', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await produce(g, 'nums', [
    { key: 'p', value: '{"A":3,"B":4,"X":1.5,"S":"ab"}' },
    { key: 'p', value: '{"A":5,"B":null,"X":2.0,"S":null}' },
    { key: 'q', value: '{"A":2,"B":2,"X":0.5,"S":"toolong"}' },
  ]);
  const r = await query(g, "SELECT k, multiply(a, b), multiply(x, x), or_default(s), join_all('-', k, s, 'z'), strict_len(s) FROM nums EMIT CHANGES LIMIT 3;", { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(r.header.columnTypes, ['STRING', 'INTEGER', 'DOUBLE', 'STRING', 'STRING', 'BIGINT']);
  assert.deepEqual(r.rows, [
    ['p', 12, 2.25, 'ab', 'p-ab-z', 2],
    ['p', null, 4, 'none', null, null],
    ['q', 4, 0.25, 'toolong', 'q-toolong-z', null],
  ]);
  const wrongArgs = await ksqlError(g, 'CREATE STREAM bad AS SELECT multiply(s, s) FROM nums;');
  assert.match(String(wrongArgs.body.message), /Function 'multiply' does not accept parameters \(STRING, STRING\)/i);

  await ksql(g, 'CREATE TABLE squares AS SELECT k, sum_squares(b) AS sq, COUNT(*) AS n FROM nums GROUP BY k EMIT CHANGES;', { 'auto.offset.reset': 'earliest' });
  await until('the UDAF results', async () => {
    const rows = (await query(g, 'SELECT * FROM squares;')).rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    return JSON.stringify(rows) === JSON.stringify([['p', 16, 2], ['q', 4, 1]]) ? rows : undefined;
  }, 60_000);
});
