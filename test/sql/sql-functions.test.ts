// Table-driven tests of the expression and function layer, independent of any broker: each case
// is an expression over one row of a stream with typed columns, compiled as a query compiles it,
// with the result type and value ksqlDB gives (NULL rules, implicit and explicit casts, Java
// integer arithmetic, DECIMAL precision and scale); then the aggregate functions' NULL rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeQuery } from '../../src/sql/analyzer/query-analyzer.js';
import { MetaStore } from '../../src/sql/catalog/metastore.js';
import { compileExpression } from '../../src/sql/compile/expression-compiler.js';
import { buildSource } from '../../src/sql/engine/source-definition.js';
import { builtinRegistry } from '../../src/sql/functions/builtins.js';
import { parseStatement } from '../../src/sql/parser/index.js';
import { sourceLayout } from '../../src/sql/planner/source-step.js';
import { BIGINT, DOUBLE, formatType, INTEGER, STRING, type SqlType } from '../../src/sql/types/sql-type.js';
import { newStruct } from '../../src/sql/types/values.js';

const registry = builtinRegistry();
const metastore = new MetaStore();
const ddl = parseStatement(
  "CREATE STREAM fx (k STRING KEY, i INT, b BIGINT, d DOUBLE, s STRING, n STRING, ni INT, dec DECIMAL(5, 2), arr ARRAY<INT>, m MAP<STRING, INT>, st STRUCT<a INT, b STRING>, ts TIMESTAMP) WITH (KAFKA_TOPIC='fx', VALUE_FORMAT='JSON');",
);
if (ddl.kind !== 'createSource') throw new Error('not a CREATE');
metastore.putSource(buildSource(ddl, metastore, 1).source);

const ROW: Record<string, unknown> = {
  K: 'key',
  I: 7,
  B: 10n,
  D: 2.5,
  S: 'Hello',
  N: null,
  NI: null,
  DEC: 1234n, // 12.34
  ARR: [1, 2, null],
  M: new Map([['x', 1]]),
  ST: Object.assign(newStruct(), { A: 1, B: 'q' }),
  TS: 1_704_164_645_000, // 2024-01-02T03:04:05Z
};

/** [type, value] of `expr` on ROW; 'NULL (error)' when evaluation fails (ksqlDB: NULL, logged). */
function evaluate(expr: string): [string, unknown] {
  const stmt = parseStatement(`SELECT ${expr} AS V FROM fx EMIT CHANGES;`);
  if (stmt.kind !== 'query') throw new Error('not a query');
  const q = analyzeQuery(stmt.query, { mode: 'push', metastore, registry });
  const b = q.bindings[0]!;
  const layout = sourceLayout(b);
  const f = compileExpression(q.select[0]!.expr, layout);
  const row = new Array<unknown>(layout.length).fill(null);
  for (const [name, v] of Object.entries(ROW)) row[layout.slotIndex(`${b.alias}.${name}`)] = v;
  try {
    return [formatType(q.select[0]!.type), f(row)];
  } catch {
    return [formatType(q.select[0]!.type), 'NULL (error)'];
  }
}

const CASES: Array<[string, string, unknown]> = [
  // Arithmetic: Java int/long semantics, widening to the larger type.
  ['i + b', 'BIGINT', 17n],
  ['i / 2', 'INTEGER', 3],
  ['-7 % 3', 'INTEGER', -1],
  ['2147483647 + 1', 'INTEGER', -2147483648],
  ['9223372036854775807 + 1', 'BIGINT', -9223372036854775808n],
  ['i / 0', 'INTEGER', 'NULL (error)'],
  ['d / 0', 'DOUBLE', Infinity],
  ['i * d', 'DOUBLE', 17.5],
  // DECIMAL: precision and scale as ksqlDB derives them.
  ['dec + 1', 'DECIMAL(13, 2)', 1334n],
  ['dec * dec', 'DECIMAL(11, 4)', 1522756n],
  ['1.0 / 3', 'DECIMAL(13, 12)', 333333333333n],
  ['CAST(1.5 AS DECIMAL(3, 1)) * 2', 'DECIMAL(14, 1)', 30n],
  // NULL propagates through operators and ordinary functions.
  ['ni + 1', 'INTEGER', null],
  ['UCASE(n)', 'STRING', null],
  ['LEN(n)', 'INTEGER', null],
  ["n = 'x'", 'BOOLEAN', null],
  ["TRUE AND n = 'x'", 'BOOLEAN', null],
  ["FALSE AND n = 'x'", 'BOOLEAN', false],
  ["TRUE OR n = 'x'", 'BOOLEAN', true],
  ["NOT (n = 'x')", 'BOOLEAN', null],
  ['n IS NULL', 'BOOLEAN', true],
  ['s IS NOT NULL', 'BOOLEAN', true],
  // ... except the null-aware ones.
  ['COALESCE(n, s)', 'STRING', 'Hello'],
  ["IFNULL(n, 'z')", 'STRING', 'z'],
  ["CONCAT(s, n, '!')", 'STRING', 'Hello!'],
  ["CASE WHEN ni > 5 THEN 'big' ELSE 'other' END", 'STRING', 'other'],
  ["CASE WHEN i > 5 THEN 'big' END", 'STRING', 'big'],
  ['CASE WHEN i > 50 THEN 1 END', 'INTEGER', null],
  // Casts.
  ["CAST('12' AS INT)", 'INTEGER', 12],
  ['CAST(s AS INT)', 'INTEGER', 'NULL (error)'],
  ['CAST(d AS INT)', 'INTEGER', 2],
  ['CAST(i AS STRING)', 'STRING', '7'],
  ['CAST(d AS STRING)', 'STRING', '2.5'],
  ['CAST(dec AS STRING)', 'STRING', '12.34'],
  ['CAST(NULL AS INT)', 'INTEGER', null],
  ['CAST(i AS BIGINT)', 'BIGINT', 7n],
  ['CAST(i AS DOUBLE)', 'DOUBLE', 7],
  ["CAST('true' AS BOOLEAN)", 'BOOLEAN', true],
  // Strings (1-based positions).
  ['SUBSTRING(s, 2, 3)', 'STRING', 'ell'],
  ['LEN(s)', 'INTEGER', 5],
  ["REPLACE(s, 'l', 'L')", 'STRING', 'HeLLo'],
  ["SPLIT(s, 'l')", 'ARRAY<STRING>', ['He', '', 'o']],
  ["LPAD(s, 8, '*')", 'STRING', '***Hello'],
  ["INSTR(s, 'l')", 'INTEGER', 3],
  ["TRIM('  a ')", 'STRING', 'a'],
  ["s LIKE 'H%'", 'BOOLEAN', true],
  ["s IN ('a', 'Hello')", 'BOOLEAN', true],
  ['i BETWEEN 1 AND 10', 'BOOLEAN', true],
  // Math.
  ['ABS(-i)', 'INTEGER', 7],
  ['ROUND(d)', 'BIGINT', 3n],
  ['ROUND(2.5)', 'DECIMAL(1, 0)', 3n],
  ['FLOOR(d)', 'DOUBLE', 2],
  ['CEIL(d)', 'DOUBLE', 3],
  // Collections and structs: 1-based indexes, NULL out of range.
  ['arr[1]', 'INTEGER', 1],
  ['arr[5]', 'INTEGER', null],
  ['arr[-1]', 'INTEGER', null],
  ["m['x']", 'INTEGER', 1],
  ["m['nope']", 'INTEGER', null],
  ['st->a', 'INTEGER', 1],
  ['ARRAY_LENGTH(arr)', 'INTEGER', 3],
  ['ARRAY_CONTAINS(arr, 2)', 'BOOLEAN', true],
  ['MAP_KEYS(m)', 'ARRAY<STRING>', ['x']],
  ['TRANSFORM(arr, x => x * 10)', 'ARRAY<INTEGER>', [10, 20, null]],
  // Dates and times (UTC unless a zone is given) and JSON.
  ["FORMAT_TIMESTAMP(ts, 'yyyy-MM-dd HH:mm')", 'STRING', '2024-01-02 03:04'],
  ["PARSE_TIMESTAMP('2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')", 'TIMESTAMP', 1_704_164_645_000],
  ["EXTRACTJSONFIELD('{\"a\":{\"b\":3}}', '$.a.b')", 'STRING', '3'],
];

test('scalar expressions: types, values, NULL and casting rules', () => {
  for (const [expr, type, value] of CASES) {
    assert.deepEqual(evaluate(expr), [type, value], expr);
  }
});

const ANALYSIS_ERRORS: Array<[string, RegExp]> = [
  ["i + 'x'", /Error processing expression/],
  ['NOSUCH(i)', /Can't find any functions with the name 'NOSUCH'/],
  ['SUBSTRING(i)', /Function 'SUBSTRING' does not accept parameters \(INTEGER\)/],
  ['SUM(i)', /SELECT statement does not support aggregate function \[SUM\(I\)\] without a GROUP BY clause/],
  ['nope + 1', /NOPE/],
  ["CAST('abc' AS INT)", /"abc"/],
];

test('analysis errors: unknown functions and columns, wrong argument types', () => {
  for (const [expr, message] of ANALYSIS_ERRORS) assert.throws(() => evaluate(expr), message, expr);
});

function aggregate(name: string, types: SqlType[], literals: unknown[], rows: unknown[][]): [string, unknown] | undefined {
  const impl = registry.aggregate(name)?.resolve(types, literals);
  if (!impl) return undefined;
  let state = impl.init();
  for (const r of rows) state = impl.add(state, r);
  return [formatType(impl.returns), impl.result(state)];
}

test('aggregate functions: NULL inputs ignored, empty groups, results and types', () => {
  const cases: Array<[string, SqlType[], unknown[], unknown[][], [string, unknown] | undefined]> = [
    ['COUNT', [], [], [[], [], []], ['BIGINT', 3n]],
    ['COUNT', [INTEGER], [], [[1], [null], [3]], ['BIGINT', 2n]],
    ['SUM', [INTEGER], [], [[1], [null], [3]], ['INTEGER', 4]],
    ['SUM', [BIGINT], [], [], ['BIGINT', 0n]],
    ['SUM', [STRING], [], [], undefined],
    ['AVG', [INTEGER], [], [[1], [null], [4]], ['DOUBLE', 2.5]],
    ['MIN', [STRING], [], [['b'], [null], ['a']], ['STRING', 'a']],
    ['MAX', [INTEGER], [], [], ['INTEGER', null]],
    ['MAX', [DOUBLE], [], [[1.5], [-2]], ['DOUBLE', 1.5]],
    ['COLLECT_SET', [INTEGER], [], [[1], [2], [1]], ['ARRAY<INTEGER>', [1, 2]]],
    ['COLLECT_LIST', [INTEGER], [], [[1], [2], [1]], ['ARRAY<INTEGER>', [1, 2, 1]]],
    ['COUNT_DISTINCT', [INTEGER], [], [[1], [null], [1], [2]], ['BIGINT', 2n]],
    ['TOPK', [INTEGER, INTEGER], [2], [[1], [5], [3]], ['ARRAY<INTEGER>', [5, 3]]],
    ['LATEST_BY_OFFSET', [STRING], [], [['a'], [null], ['c']], ['STRING', 'c']],
    ['EARLIEST_BY_OFFSET', [STRING], [], [['a'], ['b']], ['STRING', 'a']],
    ['HISTOGRAM', [STRING], [], [['a'], ['b'], ['a'], [null]], ['MAP<STRING, BIGINT>', new Map([['a', 2n], ['b', 1n]])]],
  ];
  for (const [name, types, literals, rows, expected] of cases) {
    assert.deepEqual(aggregate(name, types, literals, rows), expected, `${name}(${types.map(formatType).join(', ')})`);
  }
});
