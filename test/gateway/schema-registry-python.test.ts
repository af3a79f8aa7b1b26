// Confluent's own Python SchemaRegistryClient with its Avro and JSON Schema serializers against
// Brook's registry, records produced and consumed through Brook with librdkafka; then a restart
// of broker and gateway on the same data dir: the registry comes back from `_schemas`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LogReader, createConsumer } from '../../src/client/index.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';
import { startTestGateway, type TestGateway } from './gateway-harness.js';
import { clientsDir, skipWithoutVenv, venvPython } from './python-venv.js';

type Step = { step: string } & Record<string, unknown>;

const skip = skipWithoutVenv();

describe("confluent-kafka's SchemaRegistryClient and serializers", { skip }, () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => gw?.close());

  const client = async (phase: string): Promise<Map<string, Step>> => {
    const r = await run(venvPython, [join(clientsDir, 'schema_registry_client.py'), gw.broker.bootstrap, gw.url, phase], { limitMs: 120_000 });
    expectSuccess(r, `schema_registry_client.py ${phase}`);
    return new Map(jsonLines<Step>(r.stdout).map((s) => [s.step, s]));
  };

  test('Avro and JSON Schema: register, serialize, evolve, reject, delete; all survives a restart', async () => {
    const s = await client('write');
    assert.deepEqual(s.get('avro-registered'), { step: 'avro-registered', id: 1, version: 1, type: 'AVRO' });
    assert.deepEqual(
      (s.get('avro-consumed')!.values as { name: string }[]).map((u) => u.name),
      ['user-0', 'user-1', 'user-2'],
    );
    assert.deepEqual(s.get('avro-incompatible'), { step: 'avro-incompatible', status: 409, code: 409 });
    assert.equal(s.get('avro-compatible')!.ok, true);
    assert.deepEqual(s.get('avro-v2'), { step: 'avro-v2', id: 2, versions: [1, 2] });
    const mixed = s.get('avro-mixed')!.values as { name: string; favorite_color?: string }[];
    assert.deepEqual(mixed.map((u) => u.name), ['user-0', 'user-1', 'user-2', 'user-3']);
    assert.equal(mixed[3]!.favorite_color, 'red');
    assert.equal(s.get('json-invalid')!.rejected, true);
    assert.deepEqual(s.get('json-consumed')!.values, [{ id: 1, item: 'book' }]);
    assert.deepEqual(s.get('compat'), { step: 'compat', subject: 'FULL_TRANSITIVE', glob: 'BACKWARD' });
    assert.deepEqual(s.get('subjects')!.subjects, ['orders-value', 'users-value']);
    assert.deepEqual(s.get('deleted'), { step: 'deleted', soft: [1], hard: [1], subjects: ['orders-value', 'users-value'] });

    // The topic holds Confluent's record formats.
    const consumer = createConsumer({ brokers: [gw.broker.bootstrap], clientId: 'schemas-reader' }, { groupId: 'schemas-reader' });
    try {
      const round = await new LogReader(consumer, { maxWaitMs: 100 }).fetch([{ topic: '_schemas', partition: 0, offset: 0n }]);
      const first = round.records[0]!;
      assert.deepEqual(JSON.parse(first.key!.toString()), { keytype: 'SCHEMA', subject: 'users-value', version: 1, magic: 1 });
      assert.equal((JSON.parse(first.value!.toString()) as { id: number; deleted: boolean }).id, 1);
      assert.ok(round.records.some((r) => r.value === null), 'a permanent delete writes a tombstone');
    } finally {
      await consumer.close();
    }

    gw = await gw.restart();
    const again = await client('read');
    assert.deepEqual(again.get('after-restart'), {
      step: 'after-restart',
      latest_version: 2,
      latest_id: 2,
      first: 'name',
      subjects: ['orders-value', 'users-value'],
      compat: 'FULL_TRANSITIVE',
    });
    assert.deepEqual(again.get('avro-after-restart')!.names, ['user-0', 'user-1', 'user-2', 'user-3']);
  });
});
