// Bad input gets Confluent's error bodies and statuses, never a crash, a hang or a 5xx:
// malformed JSON (400), wrong media types (415), bodies over the limit (413), invalid schemas
// (422 with the registry's 42201...), unknown resources (404 with their five-digit codes), and
// limits on server-side state (consumer instances, 50301).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { http, startTestGateway, type TestGateway } from './gateway-harness.js';

const LIMIT = 64 * 1024;

function errorOf(json: unknown): number | undefined {
  return (json as { error_code?: number } | undefined)?.error_code;
}

describe('bad input', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ maxBodyBytes: LIMIT, maxConsumerInstances: 2 });
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'bad', partitions_count: 1 } });
  });
  after(async () => gw?.close());

  test('malformed JSON is 400 with a JSON error body, on every surface', async () => {
    for (const [path, type] of [
      [`/v3/clusters/${gw.clusterId}/topics`, 'application/json'],
      ['/topics/bad', 'application/vnd.kafka.json.v2+json'],
      ['/subjects/s/versions', 'application/vnd.schemaregistry.v1+json'],
      [`/v3/clusters/${gw.clusterId}/topics/bad/records`, 'application/json'],
    ] as const) {
      const r = await http(gw.url, 'POST', path, { body: '{"records": [', type });
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(errorOf(r.json), 400);
    }
    const poisoned = await http(gw.url, 'POST', '/subjects/s/versions', { body: '{"__proto__": {"x": 1}, "schema": "\\"string\\""}', type: 'application/vnd.schemaregistry.v1+json' });
    assert.equal(poisoned.status, 400);
  });

  test('wrong content types are 415', async () => {
    const plain = await http(gw.url, 'POST', '/topics/bad', { body: 'hello', type: 'text/plain' });
    assert.deepEqual([plain.status, errorOf(plain.json)], [415, 415]);
    const noFormat = await http(gw.url, 'POST', '/topics/bad', { body: { records: [{ value: 1 }] }, type: 'application/json' });
    assert.deepEqual([noFormat.status, errorOf(noFormat.json)], [415, 415]);
    const form = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: 'topic_name=x', type: 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
  });

  test('bodies over the limit are 413, streamed or not, and nothing is produced', async () => {
    const huge = { records: [{ value: 'x'.repeat(LIMIT * 2) }] };
    const v2 = await http(gw.url, 'POST', '/topics/bad', { body: huge, type: 'application/vnd.kafka.json.v2+json' });
    assert.deepEqual([v2.status, errorOf(v2.json)], [413, 413]);
    const v3 = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/bad/records`, { body: { value: { type: 'STRING', data: 'x'.repeat(LIMIT * 2) } } });
    assert.deepEqual([v3.status, errorOf(v3.json)], [413, 413]);
    // A registry body of many megabytes, sent without Content-Length (chunked): refused, not buffered.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.url}/subjects/big/versions`, { method: 'POST', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve(413) : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      req.write('{"schema": "');
      pump();
    });
    assert.equal(status, 413);
    const offsets = await http(gw.url, 'GET', '/topics/bad/partitions/0/offsets');
    assert.deepEqual(offsets.json, { beginning_offset: 0, end_offset: 0 });
  });

  test('invalid schemas are 422 with the registry codes', async () => {
    const type = 'application/vnd.schemaregistry.v1+json';
    const invalid = [
      '{"type": "bogus"}',
      '{"type": "record", "fields": [{"name": "a", "type": "int"}]}',
      '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": "not an int"}]}',
      '{"type": "enum", "name": "E", "symbols": ["A", "A"]}',
      'not json at all',
    ];
    for (const schema of invalid) {
      const r = await http(gw.url, 'POST', '/subjects/bad-avro/versions', { body: { schema }, type });
      assert.deepEqual([r.status, errorOf(r.json)], [422, 42201], `${schema}: ${r.text}`);
    }
    const noSchema = await http(gw.url, 'POST', '/subjects/bad-avro/versions', { body: {}, type });
    assert.deepEqual([noSchema.status, errorOf(noSchema.json)], [422, 42201]);
    const badJson = await http(gw.url, 'POST', '/subjects/bad-json/versions', { body: { schemaType: 'JSON', schema: '{"type": "nonsense"}' }, type });
    assert.deepEqual([badJson.status, errorOf(badJson.json)], [422, 42201]);
    const badRef = await http(gw.url, 'POST', '/subjects/bad-ref/versions', { body: { schema: '"string"', references: [{ name: 'x', subject: 'nope', version: 1 }] }, type });
    assert.deepEqual([badRef.status, errorOf(badRef.json)], [422, 42201]);
    const level = await http(gw.url, 'PUT', '/config', { body: { compatibility: 'SIDEWAYS' }, type });
    assert.deepEqual([level.status, errorOf(level.json)], [422, 42203]);
    const mode = await http(gw.url, 'PUT', '/mode', { body: { mode: 'WRITEONLY' }, type });
    assert.deepEqual([mode.status, errorOf(mode.json)], [422, 42204]);
    await http(gw.url, 'POST', '/subjects/good/versions', { body: { schema: '"string"' }, type });
    const version = await http(gw.url, 'GET', '/subjects/good/versions/zero');
    assert.deepEqual([version.status, errorOf(version.json)], [422, 42202]);
    const noVersion = await http(gw.url, 'GET', '/subjects/good/versions/7');
    assert.deepEqual([noVersion.status, errorOf(noVersion.json)], [404, 40402]);
    const noSubject = await http(gw.url, 'GET', '/subjects/none/versions');
    assert.deepEqual([noSubject.status, errorOf(noSubject.json)], [404, 40401]);
    const noId = await http(gw.url, 'GET', '/schemas/ids/99999');
    assert.deepEqual([noId.status, errorOf(noId.json)], [404, 40403]);
    const hardFirst = await http(gw.url, 'DELETE', '/subjects/good?permanent=true');
    assert.deepEqual([hardFirst.status, errorOf(hardFirst.json)], [404, 40405]);
    assert.equal(noSubject.type.split(';')[0], 'application/vnd.schemaregistry.v1+json');
  });

  test('unknown routes and resources, bounded consumer instances, SSE parameters', async () => {
    const nowhere = await http(gw.url, 'GET', '/no/such/route');
    assert.deepEqual([nowhere.status, errorOf(nowhere.json)], [404, 404]);
    const type = 'application/vnd.kafka.v2+json';
    assert.equal((await http(gw.url, 'POST', '/consumers/g', { body: { name: 'a' }, type })).status, 200);
    const dup = await http(gw.url, 'POST', '/consumers/g', { body: { name: 'a' }, type });
    assert.deepEqual([dup.status, errorOf(dup.json)], [409, 40902]);
    assert.equal((await http(gw.url, 'POST', '/consumers/g', { body: { name: 'b' }, type })).status, 200);
    const third = await http(gw.url, 'POST', '/consumers/g', { body: { name: 'c' }, type });
    assert.deepEqual([third.status, errorOf(third.json)], [503, 50301]);
    const badConfig = await http(gw.url, 'POST', '/consumers/g', { body: { name: 'd', format: 'xml' }, type });
    assert.equal(badConfig.status, 422);
    await http(gw.url, 'DELETE', '/consumers/g/instances/a', { headers: { 'content-type': type } });
    await http(gw.url, 'DELETE', '/consumers/g/instances/b', { headers: { 'content-type': type } });
    const sseTopic = await http(gw.url, 'GET', '/sse/topics/none');
    assert.deepEqual([sseTopic.status, errorOf(sseTopic.json)], [404, 40401]);
    const ssePartition = await http(gw.url, 'GET', '/sse/topics/bad?partition=5');
    assert.deepEqual([ssePartition.status, errorOf(ssePartition.json)], [404, 40402]);
    const sseOffset = await http(gw.url, 'GET', '/sse/topics/bad?offset=yesterday');
    assert.equal(sseOffset.status, 422);
    const v3Missing = await http(gw.url, 'GET', `/v3/clusters/${gw.clusterId}/topics/none/partitions`);
    assert.deepEqual([v3Missing.status, errorOf(v3Missing.json)], [404, 404]);
    assert.equal((await http(gw.url, 'GET', '/health')).status, 200, 'still serving');
  });
});
