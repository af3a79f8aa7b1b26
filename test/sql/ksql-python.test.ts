// A real ksqlDB client against Brook's ksqlDB REST API: ksql-python-ng (PyPI, module `ksql`;
// Confluent's Java client is not on Maven Central) creates a stream, inserts rows, lists and
// describes it, runs a push query over HTTP/1.1 POST /query and gets ksqlDB's error body for a bad
// statement. It lives in the gateway suite's virtualenv (test/gateway/requirements.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { skipUnless } from '../helpers/real-clients.js';
import { venvPython } from '../gateway/python-venv.js';
import { startSqlGateway } from './sql-harness.js';

function skipWithoutClient(): string | false {
  const ok = existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import ksql'], { stdio: 'ignore' }).status === 0;
  return skipUnless(ok, 'ksql-python-ng in the gateway PyPI virtualenv (scripts/python-venv.sh gateway test/gateway/requirements.txt)');
}

test('ksql-python-ng: CREATE, INSERT VALUES, SHOW, DESCRIBE, a push query over /query, errors', { skip: skipWithoutClient() }, async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  // The client runs as a child process (asynchronously: the gateway answers on this thread).
  const out = await new Promise<string>((resolve, reject) =>
    execFile(venvPython, [join(repoRoot, 'test', 'sql', 'clients', 'ksql_python_client.py'), g.url, 'x'], { encoding: 'utf8', timeout: 180_000 }, (e, stdout, stderr) =>
      e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  const seen = JSON.parse(out) as Record<string, unknown>;
  assert.match(String(seen.version), /\S/);
  assert.equal(seen.created, 'Stream created');
  assert.deepEqual(seen.streams, ['PY_ORDERS_X']);
  assert.deepEqual(seen.fields, ['ID', 'ITEM', 'QTY']);
  const rows = seen.query as Array<Record<string, { columns?: unknown[]; schema?: string }>>;
  assert.match(String(rows[0]!.header!.schema), /`ID` STRING KEY, `ITEM` STRING, `TOTAL` INTEGER/);
  assert.deepEqual(
    rows.slice(1).map((r) => r.row!.columns),
    [
      ['o1', 'pen', 20],
      ['o2', 'ink', 50],
    ],
  );
  const error = seen.error as { message: string; code: number };
  assert.equal(error.code, 40001);
  assert.match(error.message, /Topic 'nowhere_py' does not exist/);
});
