// schemathesis (PyPI) fuzzes every operation of /openapi.json against a real gateway and broker:
// coverage, fuzzing and stateful phases, a bounded number of examples per operation and a fixed
// seed (BROOK_FUZZ_SEED picks another). The check: no 5xx anywhere, and the server still answers.
//
// Left out: GET /sse/topics/{topic} (a 200 streams forever; tested in sse-*.test.ts), and creating
// or growing topics (POST /v3/.../topics, PATCH /v3/.../topics/{t}): each generated example may ask
// for up to 100,000 partitions, files on disk the single broker must open, which tests the broker's
// file-descriptor limit rather than the gateway (those routes are driven in rest-v3-curl.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/processes.js';
import { http, startTestGateway, type TestGateway } from './gateway-harness.js';
import { gatewayVenv, skipWithoutVenv } from './python-venv.js';

const skip = skipWithoutVenv();

describe('schemathesis against /openapi.json', { skip }, () => {
  let gw: TestGateway;
  // schemathesis keeps a cache of the failures it found in ./.schemathesis: a temp dir, not the checkout.
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'brook-schemathesis-'));
    gw = await startTestGateway();
  });
  after(async () => {
    await gw?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  test('no operation answers 5xx', async () => {
    const args = [
      'run',
      `${gw.url}/openapi.json`,
      '--checks',
      'not_a_server_error',
      '--max-examples',
      process.env.BROOK_FUZZ_EXAMPLES ?? '3',
      '--workers',
      '1',
      '--seed',
      process.env.BROOK_FUZZ_SEED ?? '1',
      '--request-timeout',
      '30',
      '--exclude-path',
      '/sse/topics/{topic}',
      '--exclude-name',
      'POST /v3/clusters/{cluster_id}/topics',
      '--exclude-name',
      'PATCH /v3/clusters/{cluster_id}/topics/{topic_name}',
      '--no-color',
    ];
    const r = await run(join(gatewayVenv, 'bin', 'schemathesis'), args, { limitMs: 600_000, env: { SCHEMATHESIS_HOOKS: '' }, cwd: scratch });
    const summary = r.stdout.slice(r.stdout.lastIndexOf('SUMMARY'));
    assert.equal(r.code, 0, `schemathesis failed:\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`);
    assert.match(summary, /(\d+) generated, \1 passed/);
    assert.equal((await http(gw.url, 'GET', '/health')).status, 200);
  });
});
