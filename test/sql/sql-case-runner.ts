// Runs one table-driven SQL case on the brook/streams TestDriver: DDL statements into a metastore,
// one persistent query planned exactly as the engine plans it, input records with timestamps, and
// the records the query writes (key and value as the sink's formats serialize them).
import assert from 'node:assert/strict';
import { App, TestDriver } from '../../src/streams/index.js';
import { analyzeQuery } from '../../src/sql/analyzer/query-analyzer.js';
import { MetaStore } from '../../src/sql/catalog/metastore.js';
import { builtinRegistry } from '../../src/sql/functions/builtins.js';
import { parseStatement } from '../../src/sql/parser/index.js';
import { planQuery } from '../../src/sql/planner/query-planner.js';
import { buildSource, formatsOf, PropertyReader } from '../../src/sql/engine/source-definition.js';
import { SqlError } from '../../src/sql/errors.js';

export interface SqlCase {
  name: string;
  ddl: string[];
  query: string;
  /** [topic, key, value, timestamp] */
  input: Array<[string, string | null, string | null, number]>;
  /** [key, value] as text; windowed keys as `key@windowStart`. */
  output?: Array<[string | null, string | null]>;
  error?: RegExp;
}

function windowedKeyText(key: Buffer): string {
  return `${key.subarray(0, key.length - 8).toString()}@${key.readBigInt64BE(key.length - 8)}`;
}

const raw = { name: 'raw', serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };

/** The records a case's query writes. */
export async function runSqlCase(c: SqlCase): Promise<Array<[string | null, string | null]>> {
  const metastore = new MetaStore();
  const registry = builtinRegistry();
  for (const ddl of c.ddl) {
    const stmt = parseStatement(ddl);
    assert.equal(stmt.kind, 'createSource');
    if (stmt.kind === 'createSource') metastore.putSource(buildSource(stmt, metastore, 1).source);
  }
  const stmt = parseStatement(c.query);
  if (stmt.kind !== 'createAsSelect') throw new Error('cases are CREATE ... AS SELECT');
  const q = analyzeQuery(stmt.query, { mode: 'persistent', metastore, registry, sinkName: stmt.name });
  if (q.resultType !== stmt.sourceType) throw new SqlError(`Invalid result type. Your SELECT query produces a ${q.resultType}.`);
  const first = q.bindings[0]!.source;
  const formats = formatsOf(new PropertyReader(stmt.properties), { key: first.keyFormat, value: first.valueFormat });
  const app = new App({ appId: 'sql-case', onDeserializationError: 'skip' });
  planQuery(app, q, { queryId: 'q', log: { error: () => {} } }, { kind: 'topic', topic: 'out', keyFormat: formats.key, valueFormat: formats.value }, '');
  const driver = await TestDriver.create(app);
  try {
    for (const [topic, k, v, ts] of c.input) await driver.pipeRaw(topic, k === null ? null : Buffer.from(k), v === null ? null : Buffer.from(v), { timestamp: ts });
    const out = driver.output('out', raw, raw);
    return out.readRecords().map((r): [string | null, string | null] => [r.key === null ? null : q.resultWindow ? windowedKeyText(r.key) : r.key.toString(), r.value === null ? null : r.value.toString()]);
  } finally {
    await driver.close();
  }
}

/** Asserts a case: its exact output records, or the SqlError it must fail with. */
export async function checkSqlCase(c: SqlCase): Promise<void> {
  if (c.error) {
    await assert.rejects(runSqlCase(c), (e: unknown) => {
      assert.ok(e instanceof SqlError, `expected a SqlError, got ${String(e)}`);
      assert.match(e.message, c.error!);
      return true;
    });
    return;
  }
  assert.deepEqual(await runSqlCase(c), c.output);
}
