// The produce-validation worker pool's fallbacks (broker/produce/validation-pool.ts): a worker that
// dies with a batch, or one that fails to validate it, never loses or wrongly refuses the batch —
// the event loop validates it instead and gives produce-validation.ts's own verdict.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationPool } from '../../src/broker/produce/validation-pool.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { memoryLogger } from '../../src/util/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'brook-pool-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A worker entry module with `body` as its message handler. */
function workerModule(name: string, body: string): URL {
  const path = join(dir, name);
  writeFileSync(path, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (request) => { ${body} });\n`);
  return pathToFileURL(path);
}

const OPTIONS = { maxMessageBytes: 1 << 20 };
const valid = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }], { compression: 1 });
const corrupt = Buffer.from(valid);
corrupt[corrupt.length - 1]! ^= 0xff;

test('a worker that exits while holding batches: they are validated on the event loop, and a new worker starts for the next', async () => {
  const captured = memoryLogger('debug');
  const pool = new ValidationPool(1, captured.logger, workerModule('exits.mjs', 'process.exit(3);'));
  try {
    const verdicts = await Promise.all([pool.validate(valid, OPTIONS), pool.validate(corrupt, OPTIONS), pool.validate(valid, OPTIONS)]);
    assert.equal(verdicts[0], null);
    assert.equal(verdicts[1]?.error, 'CORRUPT_MESSAGE');
    assert.equal(verdicts[2], null);
    assert.equal(pool.validatedOffLoop, 0);
    assert.ok(captured.records.some((r) => /worker stopped/.test(r.msg)));
  } finally {
    await pool.close();
  }
});

test('a worker reply saying validation failed: the batch is validated on the event loop', async () => {
  const captured = memoryLogger('debug');
  const pool = new ValidationPool(1, captured.logger, workerModule('fails.mjs', "parentPort.postMessage({ id: request.id, bytes: request.bytes, failed: 'boom' }, [request.bytes]);"));
  try {
    assert.equal((await pool.validate(corrupt, OPTIONS))?.error, 'CORRUPT_MESSAGE');
    assert.equal(await pool.validate(valid, OPTIONS), null);
    assert.equal(pool.validatedOffLoop, 0);
    assert.ok(captured.records.some((r) => /failed on a worker/.test(r.msg)));
  } finally {
    await pool.close();
  }
});

test('the real worker gives the verdicts the event loop gives, and a closed pool validates on the event loop', async () => {
  const pool = new ValidationPool(2, memoryLogger('debug').logger);
  assert.deepEqual(await Promise.all([pool.validate(valid, OPTIONS), pool.validate(corrupt, OPTIONS)]).then((v) => v.map((x) => x?.error ?? null)), [null, 'CORRUPT_MESSAGE']);
  assert.equal(pool.validatedOffLoop, 2);
  await pool.close();
  assert.equal((await pool.validate(corrupt, OPTIONS))?.error, 'CORRUPT_MESSAGE');
  assert.equal(pool.validatedOffLoop, 2);
});
