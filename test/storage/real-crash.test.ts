// A real crash: a child process appends durable batches and reports each acknowledgement; we
// SIGKILL it after a random number of acknowledgements, reopen the log here and check that every
// acknowledged batch is intact at its offset and that nothing corrupt is served. Bounded rounds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchCrcIsValid } from '../../src/protocol/records/batch-header.js';
import { NodeFileSystem } from '../../src/storage/fs/node-file-system.js';
import { buildBatch } from './helpers/batches.js';
import { valueFor } from './helpers/crash-values.js';
import { openTestLog, readAll } from './helpers/logs.js';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

/** Runs the child until it has printed `acks` acknowledgements, then SIGKILLs it. */
function runAndKill(root: string, acks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
        if (!killed && acked.length >= acks) {
          killed = true;
          p.kill('SIGKILL');
        }
      }
    });
    p.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}

describe('real crash (SIGKILL of a child appender)', () => {
  it('keeps every acknowledged batch across random kills', async () => {
    const root = mkdtempSync(join(tmpdir(), 'brook-crash-'));
    try {
      const allAcked = new Set<number>();
      for (let round = 0; round < 4; round++) {
        const acks = 20 + Math.floor(Math.random() * 200);
        for (const o of await runAndKill(root, acks)) allAcked.add(o);
        const { log } = await openTestLog(new NodeFileSystem(), root, { config: { 'segment.bytes': 64 * 1024, 'index.interval.bytes': 1024 } });
        const batches = await readAll(log);
        assert.equal(batches.length, log.logEndOffset);
        batches.forEach((b, offset) => {
          assert.ok(batchCrcIsValid(b, 0), `batch ${offset} has a valid CRC`);
          const expected = buildBatch([{ value: valueFor(offset), timestamp: 1_700_000_000_000 + offset }]);
          expected.writeBigInt64BE(BigInt(offset), 0);
          assert.ok(b.equals(expected), `batch ${offset} holds what was written there`);
        });
        for (const o of allAcked) assert.ok(o < log.logEndOffset, `acknowledged offset ${o} survived round ${round}`);
        await log.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
