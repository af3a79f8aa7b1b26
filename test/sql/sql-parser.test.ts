// Table-driven parser tests, independent of any broker: statements to the parts of their AST that
// matter, and syntax errors with ksqlDB's "line L:C: Syntax Error" positions and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement, parseType, splitStatements } from '../../src/sql/parser/index.js';

/** The AST without positions (and the statement's own text), for comparison. */
function strip(v: unknown, top = true): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x, false));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, strip((x as { value: unknown }).value, false)]));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos' && !(top && k === 'text') && x !== undefined) out[k] = strip(x, false);
    return out;
  }
  return v;
}

const STATEMENTS: Array<[string, Record<string, unknown>]> = [
  ['DROP TABLE IF EXISTS t DELETE TOPIC;', { kind: 'dropSource', sourceType: 'TABLE', ifExists: true, name: 'T', deleteTopic: true }],
  ['drop stream `Mixed`', { kind: 'dropSource', sourceType: 'STREAM', ifExists: false, name: 'Mixed', deleteTopic: false }],
  ['TERMINATE ALL;', { kind: 'terminate' }],
  ['terminate CSAS_X_1;', { kind: 'terminate', queryId: 'CSAS_X_1' }],
  ['SHOW QUERIES EXTENDED;', { kind: 'listQueries', extended: true }],
  ['LIST STREAMS;', { kind: 'listStreams', extended: false }],
  ['SHOW ALL TOPICS;', { kind: 'listTopics', all: true, extended: false }],
  ['SHOW FUNCTIONS;', { kind: 'listFunctions' }],
  ['DESCRIBE FUNCTION abs;', { kind: 'describeFunction', name: 'ABS' }],
  ["SET 'auto.offset.reset'='earliest';", { kind: 'setProperty', name: 'auto.offset.reset', value: 'earliest' }],
  ["UNSET 'auto.offset.reset';", { kind: 'unsetProperty', name: 'auto.offset.reset' }],
  [
    "INSERT INTO s (a, b) VALUES (1, 'x');",
    {
      kind: 'insertValues',
      target: 'S',
      columns: ['A', 'B'],
      values: [
        { kind: 'literal', literal: { type: 'INTEGER', text: '1' } },
        { kind: 'literal', literal: { type: 'STRING', value: 'x' } },
      ],
    },
  ],
];

test('statements parse to their AST', () => {
  for (const [text, expected] of STATEMENTS) {
    assert.deepEqual(strip(parseStatement(text)), expected, text);
  }
});

test('CREATE STREAM: columns with KEY, HEADERS and HEADER(k), quoted names, WITH properties', () => {
  const s = parseStatement(
    "CREATE OR REPLACE STREAM IF NOT EXISTS s (id INT KEY, `Name` VARCHAR, amount DECIMAL(10, 2), h ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, t BYTES HEADER('trace')) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=3);",
  );
  assert.equal(s.kind, 'createSource');
  if (s.kind !== 'createSource') return;
  assert.equal(s.orReplace, true);
  assert.equal(s.ifNotExists, true);
  assert.deepEqual(
    s.elements!.map((e) => [e.name, e.key ?? null, e.headers ? (e.headers.key ?? '*') : null]),
    [
      ['ID', 'KEY', null],
      ['Name', null, null],
      ['AMOUNT', null, null],
      ['H', null, '*'],
      ['T', null, 'trace'],
    ],
  );
  assert.deepEqual(strip(s.elements![2]!.type), { kind: 'decimal', precision: 10, scale: 2 });
  assert.deepEqual(strip(s.properties), { KAFKA_TOPIC: { type: 'STRING', value: 't' }, VALUE_FORMAT: { type: 'STRING', value: 'JSON' }, PARTITIONS: { type: 'INTEGER', text: '3' } });
  assert.equal(s.pos.line, 1);
});

test('queries: windows, emit, limit, lambdas, struct access, operator precedence', () => {
  const q = parseStatement('CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, GRACE PERIOD 5 SECONDS) WHERE a->b > 1 + 2 * 3 GROUP BY id HAVING COUNT(*) > 1 EMIT FINAL;');
  assert.equal(q.kind, 'createAsSelect');
  if (q.kind !== 'createAsSelect') return;
  assert.equal(q.query.emit, 'FINAL');
  const where = strip(q.query.where) as Record<string, unknown>;
  // 1 + (2 * 3): multiplication binds tighter.
  assert.deepEqual(where.right, {
    kind: 'arithmetic',
    op: '+',
    left: { kind: 'literal', literal: { type: 'INTEGER', text: '1' } },
    right: { kind: 'arithmetic', op: '*', left: { kind: 'literal', literal: { type: 'INTEGER', text: '2' } }, right: { kind: 'literal', literal: { type: 'INTEGER', text: '3' } } },
  });
  const push = parseStatement('SELECT TRANSFORM(arr, x => x + 1) FROM s EMIT CHANGES LIMIT 5;');
  assert.equal(push.kind, 'query');
  if (push.kind !== 'query') return;
  assert.equal(push.query.limit, 5);
  assert.equal(push.query.emit, 'CHANGES');
  const call = strip(push.query.select[0]) as { expression: { args: Array<{ kind: string; params?: string[] }> } };
  assert.deepEqual([call.expression.args[1]!.kind, call.expression.args[1]!.params], ['lambda', ['X']]);
});

test('types parse on their own (UDF signatures)', () => {
  assert.deepEqual(strip(parseType('ARRAY<MAP<STRING, INT>>')), { kind: 'array', element: { kind: 'map', key: { kind: 'primitive', name: 'STRING' }, value: { kind: 'primitive', name: 'INTEGER' } } });
  assert.deepEqual(strip(parseType('varchar')), { kind: 'primitive', name: 'STRING' });
  assert.throws(() => parseType('ARRAY<INT'), /Syntax Error/);
  assert.throws(() => parseType('INT INT'), /Syntax Error/);
});

const ERRORS: Array<[string, RegExp]> = [
  ['SELEC * FROM s;', /^line 1:1: Syntax Error\nUnknown statement 'SELEC'\nDid you mean 'SELECT'\?/],
  ['SELECT * FROM;', /^line 1:14: Syntax Error\nmismatched input ';' expecting an identifier/],
  ["SELECT a FROM s WHERE a = 'x", /^line 1:27: Syntax Error\nUnterminated string literal/],
  ['CREATE STREAM s (id INT KEY', /^line 1:28: Syntax Error\n/],
  ['SELECT from FROM s;', /^line 1:8: Syntax Error\n"from" is a reserved keyword and it can't be used as an identifier/],
  ['SELECT a\nFROM s\nWHERE a >;', /^line 3:10: Syntax Error/],
  ['SELECT a FROM s; garbage', /Syntax Error/],
  ["CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t'", /Syntax Error/],
];

test('syntax errors carry ksqlDB positions (line L:C) and messages', () => {
  for (const [text, expected] of ERRORS) {
    assert.throws(() => parseStatement(text), (e: Error) => {
      assert.match(e.message, expected, text);
      return true;
    });
  }
});

test('scripts split on semicolons outside strings, comments and quoted names', () => {
  assert.deepEqual(splitStatements("SELECT ';' FROM s; -- one; two\nSELECT `a;b` FROM t;\n/* x; */ SHOW STREAMS;").map((s) => s.trim()), [
    "SELECT ';' FROM s;",
    '-- one; two\nSELECT `a;b` FROM t;',
    '/* x; */ SHOW STREAMS;',
  ]);
});
