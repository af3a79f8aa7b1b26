// Compatibility levels as Confluent defines them, for Avro (Avro schema resolution via avsc) and
// JSON Schema (structural rules), checked on parsed schemas; then the transitive levels through
// the registry's HTTP API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compatibilityProblems, labelVersion } from '../../src/gateway/registry/compatibility/compatibility.js';
import { jsonSchemaReadProblems } from '../../src/gateway/registry/compatibility/json-schema-compatibility.js';
import { parseSchema, type ParsedSchema } from '../../src/gateway/registry/parsed-schema.js';
import type { CompatibilityLevel } from '../../src/gateway/registry/schema-types.js';
import { http, startTestGateway, type TestGateway } from './gateway-harness.js';

const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'R', fields });
const avroOf = (text: string, v = 1): ParsedSchema => labelVersion(parseSchema('AVRO', text, [], () => undefined), v);
const jsonOf = (doc: object): ParsedSchema => parseSchema('JSON', JSON.stringify(doc), [], () => undefined);

const A = avroOf(record([{ name: 'a', type: 'int' }]));
const AB_DEFAULT = avroOf(record([{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: 'x' }]));
const AB = avroOf(record([{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }]));
const A_LONG = avroOf(record([{ name: 'a', type: 'long' }]));

function ok(level: CompatibilityLevel, candidate: ParsedSchema, previous: ParsedSchema[]): boolean {
  return compatibilityProblems(level, candidate, previous).length === 0;
}

describe('compatibility rules', () => {
  test('Avro: adding fields, defaults, promotions under each level', () => {
    // A new field with a default: readable both ways.
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'NONE'] as const) assert.ok(ok(level, AB_DEFAULT, [A]), level);
    // A new field without a default: new readers cannot read old data; old readers ignore it.
    assert.ok(!ok('BACKWARD', AB, [A]));
    assert.ok(ok('FORWARD', AB, [A]));
    assert.ok(!ok('FULL', AB, [A]));
    // int -> long: a long reader reads int data (promotion), an int reader cannot read longs.
    assert.ok(ok('BACKWARD', A_LONG, [A]));
    assert.ok(!ok('FORWARD', A_LONG, [A]));
    assert.ok(ok('NONE', avroOf('"string"'), [A]));
  });

  test('transitive levels check every earlier version, the others only the latest', () => {
    const v1 = avroOf(record([{ name: 'a', type: 'int' }]), 1);
    const v2 = avroOf(record([{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: 'x' }]), 2);
    // v3 drops b's default and a: readable by BACKWARD from v2 (b exists in v2 data), not from v1.
    const v3 = avroOf(record([{ name: 'b', type: 'string' }]), 3);
    assert.ok(ok('BACKWARD', v3, [v1, v2]));
    const problems = compatibilityProblems('BACKWARD_TRANSITIVE', v3, [v1, v2]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /oldSchemaVersion: 1/);
  });

  test('JSON Schema: what widens is compatible, what narrows is not', () => {
    const base = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string', maxLength: 50 } }, required: ['id'] };
    assert.deepEqual(jsonSchemaReadProblems(base, base), []);
    // BACKWARD (reader = new): widening a type, dropping a requirement, relaxing a bound.
    assert.deepEqual(jsonSchemaReadProblems({ ...base, properties: { ...base.properties, id: { type: 'number' } } }, base), []);
    assert.deepEqual(jsonSchemaReadProblems({ ...base, required: [] }, base), []);
    assert.deepEqual(jsonSchemaReadProblems({ ...base, properties: { ...base.properties, name: { type: 'string', maxLength: 80 } } }, base), []);
    // Narrowing fails with Confluent's difference names.
    const cases: [object, RegExp][] = [
      [{ ...base, properties: { ...base.properties, id: { type: 'string' } } }, /TYPE_NARROWED/],
      [{ ...base, required: ['id', 'name'] }, /REQUIRED_PROPERTY_ADDED/],
      [{ ...base, properties: { ...base.properties, name: { type: 'string', maxLength: 10 } } }, /MAX_LENGTH_DECREASED/],
      [{ ...base, additionalProperties: false }, /ADDITIONAL_PROPERTIES_NARROWED/],
      [{ ...base, properties: { ...base.properties, extra: { type: 'boolean' } } }, /PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL/],
      [{ ...base, properties: { ...base.properties, name: { enum: ['a', 'b'] } } }, /ENUM_ARRAY_NARROWED/],
    ];
    for (const [reader, why] of cases) assert.match(jsonSchemaReadProblems(reader, base).join('\n'), why);
    // In a closed model, adding an optional property is fine; removing one is not.
    const closed = { ...base, additionalProperties: false };
    assert.deepEqual(jsonSchemaReadProblems({ ...closed, properties: { ...closed.properties, extra: { type: 'boolean' } } }, closed), []);
    assert.match(jsonSchemaReadProblems({ ...closed, properties: { id: { type: 'integer' } } }, closed).join(), /PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL/);
    assert.ok(ok('FORWARD', jsonOf({ ...base, required: ['id', 'name'] }), [jsonOf(base)]), 'a stricter writer is forward compatible');
  });
});

describe('compatibility through the registry API', () => {
  let gw: TestGateway;
  const type = 'application/vnd.schemaregistry.v1+json';
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => gw?.close());

  test('per-subject levels, FULL_TRANSITIVE, and the compatibility endpoints', async () => {
    const register = (subject: string, schema: string) => http(gw.url, 'POST', `/subjects/${subject}/versions`, { body: { schema }, type });
    assert.equal((await register('t-value', record([{ name: 'a', type: 'int' }]))).status, 200);
    assert.equal((await http(gw.url, 'PUT', '/config/t-value', { body: { compatibility: 'FULL_TRANSITIVE' }, type })).status, 200);
    assert.equal((await register('t-value', record([{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 0 }]))).status, 200);
    // Dropping a: v1 and v2 readers (a has no default) cannot read data written without it.
    const dropA = record([{ name: 'b', type: 'int', default: 0 }]);
    const check = await http(gw.url, 'POST', '/compatibility/subjects/t-value/versions?verbose=true', { body: { schema: dropA }, type });
    assert.equal((check.json as { is_compatible: boolean }).is_compatible, false);
    assert.ok(((check.json as { messages: string[] }).messages).length > 0);
    const refused = await register('t-value', dropA);
    assert.deepEqual([refused.status, (refused.json as { error_code: number }).error_code], [409, 409]);
    // The same schema under NONE on another subject goes in, and gets its own id.
    await http(gw.url, 'PUT', '/config/u-value', { body: { compatibility: 'NONE' }, type });
    assert.equal((await register('u-value', record([{ name: 'a', type: 'int' }]))).status, 200);
    assert.equal((await register('u-value', '"string"')).status, 200);
    const latest = await http(gw.url, 'POST', '/compatibility/subjects/t-value/versions/latest', { body: { schema: record([{ name: 'a', type: 'int' }]) }, type });
    assert.deepEqual(latest.json, { is_compatible: true });
    // The same schema text under two subjects shares one global id.
    const ids = await http(gw.url, 'GET', '/schemas/ids/1/versions');
    assert.deepEqual(ids.json, [{ subject: 't-value', version: 1 }, { subject: 'u-value', version: 1 }]);
    assert.deepEqual((await http(gw.url, 'DELETE', '/config/u-value')).json, { compatibilityLevel: 'NONE' });
    const after = await http(gw.url, 'GET', '/config/u-value?defaultToGlobal=true');
    assert.deepEqual(after.json, { compatibilityLevel: 'BACKWARD' });
    // Modes: READONLY refuses writes with 42205.
    await http(gw.url, 'PUT', '/mode/t-value', { body: { mode: 'READONLY' }, type });
    const ro = await register('t-value', record([{ name: 'a', type: 'int' }, { name: 'c', type: 'int', default: 1 }]));
    assert.deepEqual([ro.status, (ro.json as { error_code: number }).error_code], [422, 42205]);
    assert.deepEqual((await http(gw.url, 'GET', '/mode/t-value')).json, { mode: 'READONLY' });
    assert.deepEqual((await http(gw.url, 'DELETE', '/mode/t-value')).json, { mode: 'READONLY' });
  });
});

describe('schema references', () => {
  let gw: TestGateway;
  const type = 'application/vnd.schemaregistry.v1+json';
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => gw?.close());

  test('Avro and JSON Schema references resolve, are served, and block deleting what they use', async () => {
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] });
    assert.equal((await http(gw.url, 'POST', '/subjects/address/versions', { body: { schema: address }, type })).status, 200);
    const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'name', type: 'string' }, { name: 'home', type: 'shop.Address' }] });
    const references = [{ name: 'shop.Address', subject: 'address', version: 1 }];
    const registered = await http(gw.url, 'POST', '/subjects/customer-value/versions', { body: { schema: customer, references }, type });
    assert.equal(registered.status, 200, registered.text);
    const id = (registered.json as { id: number }).id;
    assert.deepEqual((await http(gw.url, 'GET', `/schemas/ids/${id}`)).json, { references, schema: customer });
    assert.deepEqual((await http(gw.url, 'GET', '/subjects/address/versions/1/referencedby')).json, [id]);
    const refused = await http(gw.url, 'DELETE', '/subjects/address');
    assert.deepEqual([refused.status, (refused.json as { error_code: number }).error_code], [422, 42206]);
    // Without the reference the named type is unknown: 42201.
    const unresolved = await http(gw.url, 'POST', '/subjects/orphan/versions', { body: { schema: customer }, type });
    assert.deepEqual([unresolved.status, (unresolved.json as { error_code: number }).error_code], [422, 42201]);

    const money = JSON.stringify({ type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } }, required: ['amount'] });
    await http(gw.url, 'POST', '/subjects/money/versions', { body: { schemaType: 'JSON', schema: money }, type });
    const order = JSON.stringify({ type: 'object', properties: { total: { $ref: 'money.json' } } });
    const json = await http(gw.url, 'POST', '/subjects/order-value/versions', { body: { schemaType: 'JSON', schema: order, references: [{ name: 'money.json', subject: 'money', version: 1 }] }, type });
    assert.equal(json.status, 200, json.text);
  });
});
