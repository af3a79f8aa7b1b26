// /openapi.json describes exactly the routes the gateway serves: every registered route is in the
// document with the same method and a response description, and every documented operation is a
// registered route. Generated from the route declarations, the document cannot invent routes;
// this test fails when a route is added without a schema (or hidden by mistake).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGateway, type BuiltGateway } from '../../src/gateway/server.js';

type Operation = { summary?: string; responses?: Record<string, { description?: string }> };

describe('OpenAPI document', () => {
  let built: BuiltGateway;
  before(async () => {
    // No broker is needed to list routes: nothing connects until a request arrives.
    built = await buildGateway({ brokers: ['127.0.0.1:1'], schemasTopic: '_schemas' });
    await built.app.ready();
  });
  after(async () => {
    await built.app.close();
    await built.shutdown();
  });

  test('is OpenAPI 3.1 and matches the registered routes', async () => {
    const r = await built.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json() as { openapi: string; paths: Record<string, Record<string, Operation>> };
    assert.equal(doc.openapi, '3.1.0');

    // fastify writes a literal colon as "::" (records::batch); parameters are ":name".
    const toOpenApi = (url: string): string =>
      url
        .split('::')
        .map((part) => part.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'))
        .join(':');
    const registered = new Set(
      built.routes.filter((x) => !x.hidden && x.method !== 'HEAD' && x.url !== '*' && x.url !== '/*').map((x) => `${x.method.toLowerCase()} ${toOpenApi(x.url)}`),
    );
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method} ${path}`);
        assert.ok(op.summary, `${method} ${path} has a summary`);
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} documents its responses`);
      }
    }
    assert.deepEqual([...registered].filter((x) => !documented.has(x)), [], 'routes missing from /openapi.json');
    assert.deepEqual([...documented].filter((x) => !registered.has(x)), [], 'documented operations that are not routes');
    // The surfaces the issue names are all there.
    for (const op of [
      'post /topics/{topic}',
      'get /consumers/{group}/instances/{instance}/records',
      'post /v3/clusters/{cluster_id}/topics/{topic_name}/records',
      'post /v3/clusters/{cluster_id}/topics/{topic_name}/records:batch',
      'get /v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary',
      'get /sse/topics/{topic}',
      'post /subjects/{subject}/versions',
      'get /schemas/ids/{id}',
      'put /config/{subject}',
      'put /mode',
      'get /metrics',
      'get /health',
      'get /ready',
    ]) {
      assert.ok(documented.has(op), op);
    }
    // `/` stays free for the web console.
    assert.ok(!registered.has('get /'));
  });
});
