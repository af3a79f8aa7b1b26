// Table-driven cases of SQL joins on the brook/streams TestDriver (sql-case-runner.ts): table-table
// joins on the primary key (inner, left, right, full outer with its synthetic ROWKEY), foreign-key
// table joins, stream-stream joins WITHIN a window (inner, left, full outer, asymmetric windows,
// GRACE PERIOD), n-way joins, and ksqlDB's errors for the combinations it rejects.
import { test } from 'node:test';
import { checkSqlCase, type SqlCase } from './sql-case-runner.js';

const L = "CREATE TABLE l (id STRING PRIMARY KEY, a INT, fk STRING) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');";
const R = "CREATE TABLE r (id STRING PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');";
const X = "CREATE TABLE x (id STRING PRIMARY KEY, c INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');";
const S1 = "CREATE STREAM s1 (id STRING KEY, v INT, ref STRING) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON');";
const S2 = "CREATE STREAM s2 (id STRING KEY, w INT) WITH (KAFKA_TOPIC='s2', VALUE_FORMAT='JSON');";

const CASES: SqlCase[] = [
  {
    name: 'table-table INNER JOIN: a row once both sides have one; a delete on either side deletes it',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, l.a AS a, r.b AS b FROM l JOIN r ON l.id = r.id;',
    input: [
      ['l', 'k1', '{"a":1}', 1],
      ['r', 'k1', '{"b":2}', 2],
      ['l', 'k1', '{"a":3}', 3],
      ['r', 'k2', '{"b":9}', 4],
      ['r', 'k1', null, 5],
    ],
    output: [
      ['k1', '{"A":1,"B":2}'],
      ['k1', '{"A":3,"B":2}'],
      ['k1', null],
    ],
  },
  {
    name: 'table-table LEFT JOIN: the left row with NULLs until the right one arrives, and after it goes',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, a, b FROM l LEFT JOIN r ON l.id = r.id;',
    input: [
      ['l', 'k1', '{"a":1}', 1],
      ['r', 'k1', '{"b":2}', 2],
      ['r', 'k1', null, 3],
      ['l', 'k1', null, 4],
      ['r', 'k9', '{"b":2}', 5],
    ],
    output: [
      ['k1', '{"A":1,"B":null}'],
      ['k1', '{"A":1,"B":2}'],
      ['k1', '{"A":1,"B":null}'],
      ['k1', null],
    ],
  },
  {
    name: 'table-table RIGHT JOIN keys the result by the right key',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT r.id AS id, a, b FROM l RIGHT JOIN r ON l.id = r.id;',
    input: [
      ['r', 'k1', '{"b":2}', 1],
      ['l', 'k1', '{"a":1}', 2],
      ['l', 'k2', '{"a":5}', 3],
    ],
    output: [
      ['k1', '{"A":null,"B":2}'],
      ['k1', '{"A":1,"B":2}'],
    ],
  },
  {
    name: 'table-table FULL OUTER JOIN: a row while either side has one, keyed by the synthetic ROWKEY',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT ROWKEY, l.a AS a, r.b AS b FROM l FULL OUTER JOIN r ON l.id = r.id;',
    input: [
      ['r', 'k2', '{"b":5}', 1],
      ['l', 'k1', '{"a":1}', 2],
      ['l', 'k2', '{"a":7}', 3],
      ['r', 'k2', null, 4],
      ['l', 'k2', null, 5],
    ],
    output: [
      ['k2', '{"A":null,"B":5}'],
      ['k1', '{"A":1,"B":null}'],
      ['k2', '{"A":7,"B":5}'],
      ['k2', '{"A":7,"B":null}'],
      ['k2', null],
    ],
  },
  {
    name: 'SELECT * over a FULL OUTER JOIN starts with ROWKEY, then every column as ALIAS_COLUMN',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT * FROM l FULL OUTER JOIN r ON l.id = r.id;',
    input: [['r', 'k2', '{"b":5}', 1]],
    output: [['k2', '{"L_ID":null,"L_A":null,"L_FK":null,"R_ID":"k2","R_B":5}']],
  },
  {
    name: 'foreign-key INNER JOIN follows updates of both tables and changes of the foreign key',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, l.a AS a, r.b AS b FROM l JOIN r ON l.fk = r.id;',
    input: [
      ['r', 'f1', '{"b":10}', 1],
      ['l', 'k1', '{"a":1,"fk":"f1"}', 2],
      ['l', 'k2', '{"a":2,"fk":"f2"}', 3],
      ['r', 'f1', '{"b":11}', 4],
      ['l', 'k1', '{"a":1,"fk":"f2"}', 5],
      ['r', 'f2', '{"b":20}', 6],
    ],
    output: [
      ['k1', '{"A":1,"B":10}'],
      ['k1', '{"A":1,"B":11}'],
      ['k1', null],
      ['k1', '{"A":1,"B":20}'],
      ['k2', '{"A":2,"B":20}'],
    ],
  },
  {
    name: "foreign-key LEFT JOIN: the left row with NULLs, then with the right row and its key column",
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, r.id AS rid, b FROM l LEFT JOIN r ON l.fk = r.id;',
    input: [
      ['l', 'k1', '{"fk":"f1"}', 1],
      ['r', 'f1', '{"b":3}', 2],
      ['r', 'f1', null, 3],
    ],
    output: [
      ['k1', '{"RID":null,"B":null}'],
      ['k1', '{"RID":"f1","B":3}'],
      ['k1', '{"RID":null,"B":null}'],
    ],
  },
  {
    name: 'stream-stream INNER JOIN WITHIN: records of both sides within the window',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v, w FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id;',
    input: [
      ['s1', 'k1', '{"v":1}', 1000],
      ['s2', 'k1', '{"w":2}', 5000],
      ['s2', 'k2', '{"w":4}', 6000],
      ['s2', 'k1', '{"w":3}', 20000],
    ],
    output: [['k1', '{"V":1,"W":2}']],
  },
  {
    name: 'stream-stream JOIN WITHIN (before, after): an asymmetric window',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v, w FROM s1 JOIN s2 WITHIN (1 SECOND, 5 SECONDS) ON s1.id = s2.id;',
    input: [
      ['s1', 'k', '{"v":1}', 10000],
      ['s2', 'k', '{"w":1}', 9500],
      ['s2', 'k', '{"w":2}', 8000],
      ['s2', 'k', '{"w":3}', 14000],
      ['s2', 'k', '{"w":4}', 16000],
    ],
    output: [
      ['k', '{"V":1,"W":1}'],
      ['k', '{"V":1,"W":3}'],
    ],
  },
  {
    name: 'stream-stream LEFT JOIN with GRACE PERIOD: an unmatched left row once its window closes',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v, w FROM s1 LEFT JOIN s2 WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON s1.id = s2.id;',
    input: [
      ['s1', 'k1', '{"v":1}', 1000],
      ['s1', 'k2', '{"v":2}', 2000],
      ['s2', 'k1', '{"w":7}', 3000],
      ['s1', 'k3', '{"v":3}', 30000],
    ],
    output: [
      ['k1', '{"V":1,"W":7}'],
      ['k2', '{"V":2,"W":null}'],
    ],
  },
  {
    name: 'stream-stream FULL OUTER JOIN: unmatched rows of either side, keyed by ROWKEY',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT ROWKEY, v, w FROM s1 FULL OUTER JOIN s2 WITHIN 5 SECONDS GRACE PERIOD 0 SECONDS ON s1.id = s2.id;',
    input: [
      ['s1', 'a', '{"v":1}', 1000],
      ['s2', 'b', '{"w":2}', 2000],
      ['s1', 'b', '{"v":4}', 3000],
      ['s1', 'c', '{"v":3}', 20000],
    ],
    output: [
      ['b', '{"V":4,"W":2}'],
      ['a', '{"V":1,"W":null}'],
    ],
  },
  {
    name: 'stream-stream RIGHT JOIN: an unmatched right row once its window closes, keyed by the right key',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s2.id AS id, v, w FROM s1 RIGHT JOIN s2 WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON s1.id = s2.id;',
    input: [
      ['s2', 'k1', '{"w":1}', 1000],
      ['s1', 'k1', '{"v":1}', 2000],
      ['s2', 'k2', '{"w":2}', 3000],
      ['s2', 'k3', '{"w":3}', 30000],
    ],
    output: [
      ['k1', '{"V":1,"W":1}'],
      ['k2', '{"V":null,"W":2}'],
    ],
  },
  {
    name: 'stream-stream JOIN on an expression: the key is the synthetic ROWKEY',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT ROWKEY, v, w FROM s1 JOIN s2 WITHIN 1 MINUTE ON UCASE(s1.ref) = s2.id;',
    input: [
      ['s2', 'X', '{"w":5}', 1],
      ['s1', 'k1', '{"v":1,"ref":"x"}', 2],
    ],
    output: [['X', '{"V":1,"W":5}']],
  },
  {
    name: 'stream-stream JOIN on a value column re-keys the left stream',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s1.ref AS ref, v, w FROM s1 JOIN s2 WITHIN 1 MINUTE ON s1.ref = s2.id;',
    input: [
      ['s2', 'x', '{"w":5}', 1],
      ['s1', 'k1', '{"v":1,"ref":"x"}', 2],
    ],
    output: [['x', '{"V":1,"W":5}']],
  },
  {
    name: 'n-way: a stream joined to two tables on its key',
    ddl: [S1, R, X],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v, r.b AS b, x.c AS c FROM s1 JOIN r ON s1.id = r.id LEFT JOIN x ON s1.id = x.id;',
    input: [
      ['r', 'k1', '{"b":1}', 1],
      ['s1', 'k1', '{"v":3}', 2],
      ['x', 'k1', '{"c":2}', 3],
      ['s1', 'k1', '{"v":4}', 4],
    ],
    output: [
      ['k1', '{"V":3,"B":1,"C":null}'],
      ['k1', '{"V":4,"B":1,"C":2}'],
    ],
  },
  {
    name: 'n-way: three tables on the primary key; any side key column is the result key',
    ddl: [L, R, X],
    query: 'CREATE TABLE o AS SELECT x.id AS id, a, b, c FROM l JOIN r ON l.id = r.id LEFT JOIN x ON r.id = x.id;',
    input: [
      ['l', 'k1', '{"a":1}', 1],
      ['r', 'k1', '{"b":2}', 2],
      ['x', 'k1', '{"c":3}', 3],
    ],
    output: [
      ['k1', '{"A":1,"B":2,"C":null}'],
      ['k1', '{"A":1,"B":2,"C":3}'],
    ],
  },
  {
    name: 'n-way: stream-stream then stream-table on another column (re-keyed in between)',
    ddl: [S1, S2, R],
    query: 'CREATE STREAM o AS SELECT s1.ref AS ref, v, w, b FROM s1 JOIN s2 WITHIN 1 MINUTE ON s1.id = s2.id JOIN r ON s1.ref = r.id;',
    input: [
      ['r', 'x', '{"b":9}', 1],
      ['s2', 'k1', '{"w":2}', 2],
      ['s1', 'k1', '{"v":1,"ref":"x"}', 3],
    ],
    output: [['x', '{"V":1,"W":2,"B":9}']],
  },
  {
    name: 'error: a table cannot join a stream on its right',
    ddl: [L, S1],
    query: 'CREATE TABLE o AS SELECT l.id AS id, v FROM l JOIN s1 ON l.id = s1.id;',
    input: [],
    error: /^Invalid join order: table-stream joins are not supported; only stream-table joins\. Got L \[INNER\] JOIN S1\.$/,
  },
  {
    name: 'error: stream-stream joins need WITHIN',
    ddl: [S1, S2],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v FROM s1 JOIN s2 ON s1.id = s2.id;',
    input: [],
    error: /^Stream-Stream joins must have a WITHIN clause specified\. None was provided\./,
  },
  {
    name: 'error: WITHIN on a stream-table join',
    ddl: [S1, R],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v FROM s1 JOIN r WITHIN 1 MINUTE ON s1.id = r.id;',
    input: [],
    error: /^A window definition was provided for a Stream-Table join\./,
  },
  {
    name: 'error: FULL OUTER stream-table join',
    ddl: [S1, R],
    query: 'CREATE STREAM o AS SELECT ROWKEY, v FROM s1 FULL OUTER JOIN r ON s1.id = r.id;',
    input: [],
    error: /^Invalid join type: full-outer join not supported for stream-table join\. Got S1 \[FULL\] OUTER JOIN R\.$/,
  },
  {
    name: 'error: table-table join on a non-key column of the right table',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, a FROM l JOIN r ON l.a = r.b;',
    input: [],
    error: /^Invalid join condition: table-table joins require to join on the primary key of the right input table\. Got L\.A = R\.B\.$/,
  },
  {
    name: 'error: FULL OUTER foreign-key join',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT ROWKEY, a FROM l FULL OUTER JOIN r ON l.fk = r.id;',
    input: [],
    error: /^Invalid join type: full-outer join not supported for foreign-key table-table join\. Got L \[FULL\] OUTER JOIN R\.$/,
  },
  {
    name: 'error: a foreign-key join inside an n-way join',
    ddl: [L, R, X],
    query: 'CREATE TABLE o AS SELECT l.id AS id, b, c FROM l JOIN r ON l.id = r.id JOIN x ON l.fk = x.id;',
    input: [],
    error: /^Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins\. Got L\.FK = X\.ID\.$/,
  },
  {
    name: 'error: join keys of different types',
    ddl: [S1, R],
    query: 'CREATE STREAM o AS SELECT s1.id AS id, v FROM s1 JOIN r ON s1.v = r.id;',
    input: [],
    error: /^Invalid join condition: types don't match\. Got S1\.V\{INTEGER\} = R\.ID\{STRING\}\.$/,
  },
  {
    name: 'error: the join key missing from the projection names both sides',
    ddl: [S1, R],
    query: 'CREATE STREAM o AS SELECT v, b FROM s1 JOIN r ON s1.id = r.id;',
    input: [],
    error: /Key missing from projection.*\nThe query used to build `O` must include the join expressions S1\.ID or R\.ID in its projection/,
  },
  {
    name: 'error: a FULL OUTER join must project ROWKEY',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.a AS a, r.b AS b FROM l FULL OUTER JOIN r ON l.id = r.id;',
    input: [],
    error: /Key missing from projection.*\nThe query used to build `O` must include the join expression ROWKEY in its projection/,
  },
  {
    name: 'error: join on two conditions',
    ddl: [L, R],
    query: 'CREATE TABLE o AS SELECT l.id AS id, a FROM l JOIN r ON l.id = r.id AND l.a = r.b;',
    input: [],
    error: /^Invalid join condition: joins on multiple conditions are not yet supported\./,
  },
];

for (const c of CASES) test(`sql join: ${c.name}`, () => checkSqlCase(c));
