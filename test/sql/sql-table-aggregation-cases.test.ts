// Table-driven cases of aggregations over tables on the TestDriver (sql-case-runner.ts): every
// change of a table row retracts its old version from its old group and adds the new one to its
// new group (Kafka Streams' KGroupedTable adder and subtractor), and ksqlDB's errors for
// aggregates that cannot retract and for windows over tables.
import { test } from 'node:test';
import { checkSqlCase, type SqlCase } from './sql-case-runner.js';

const USERS = "CREATE TABLE users (id STRING PRIMARY KEY, region STRING, score INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');";
const R = "CREATE TABLE r (id STRING PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');";

const CASES: SqlCase[] = [
  {
    name: 'COUNT and SUM by a value column: updates move a row between groups, deletes retract it',
    ddl: [USERS],
    query: 'CREATE TABLE o AS SELECT region, COUNT(*) AS n, SUM(score) AS total FROM users GROUP BY region;',
    input: [
      ['users', 'u1', '{"region":"eu","score":10}', 1],
      ['users', 'u2', '{"region":"eu","score":5}', 2],
      ['users', 'u1', '{"region":"us","score":7}', 3],
      ['users', 'u2', null, 4],
      ['users', 'u9', null, 5],
    ],
    output: [
      ['eu', '{"N":1,"TOTAL":10}'],
      ['eu', '{"N":2,"TOTAL":15}'],
      ['eu', '{"N":1,"TOTAL":5}'],
      ['us', '{"N":1,"TOTAL":7}'],
      ['eu', '{"N":0,"TOTAL":0}'],
    ],
  },
  {
    name: 'WHERE over a table: a row that stops matching is retracted',
    ddl: [USERS],
    query: 'CREATE TABLE o AS SELECT region, COUNT(*) AS n FROM users WHERE score > 6 GROUP BY region;',
    input: [
      ['users', 'u1', '{"region":"eu","score":10}', 1],
      ['users', 'u1', '{"region":"eu","score":3}', 2],
      ['users', 'u1', '{"region":"eu","score":8}', 3],
    ],
    output: [
      ['eu', '{"N":1}'],
      ['eu', '{"N":0}'],
      ['eu', '{"N":1}'],
    ],
  },
  {
    name: 'AVG and COLLECT_LIST over a table, with HAVING',
    ddl: [USERS],
    query: 'CREATE TABLE o AS SELECT region, AVG(score) AS a, COLLECT_LIST(id) AS ids FROM users GROUP BY region HAVING COUNT(*) > 0;',
    input: [
      ['users', 'u1', '{"region":"eu","score":10}', 1],
      ['users', 'u2', '{"region":"eu","score":20}', 2],
      ['users', 'u1', '{"region":"eu","score":30}', 3],
    ],
    output: [
      ['eu', '{"A":10.0,"IDS":["u1"]}'],
      ['eu', '{"A":15.0,"IDS":["u1","u2"]}'],
      ['eu', '{"A":20.0,"IDS":["u2"]}'],
      ['eu', '{"A":25.0,"IDS":["u2","u1"]}'],
    ],
  },
  {
    name: 'aggregating a table-table join',
    ddl: [USERS, R],
    query: 'CREATE TABLE o AS SELECT users.region AS region, SUM(r.b) AS total FROM users JOIN r ON users.id = r.id GROUP BY users.region;',
    input: [
      ['users', 'u1', '{"region":"eu"}', 1],
      ['r', 'u1', '{"b":4}', 2],
      ['r', 'u1', '{"b":6}', 3],
    ],
    output: [
      ['eu', '{"TOTAL":4}'],
      ['eu', '{"TOTAL":0}'],
      ['eu', '{"TOTAL":6}'],
    ],
  },
  {
    name: 'error: aggregates that cannot retract a row',
    ddl: [USERS],
    query: 'CREATE TABLE o AS SELECT region, LATEST_BY_OFFSET(score) AS l, MIN(score) AS lo, MAX(score) AS hi FROM users GROUP BY region;',
    input: [],
    error: /^The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source\.$/,
  },
  {
    name: 'error: windows over a table',
    ddl: [USERS],
    query: 'CREATE TABLE o AS SELECT region, COUNT(*) AS n FROM users WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY region;',
    input: [],
    error: /^Windowing not supported for table aggregations\.$/,
  },
];

for (const c of CASES) test(`sql table aggregation: ${c.name}`, () => checkSqlCase(c));
