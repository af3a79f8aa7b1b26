// Serdes that use a Confluent-compatible schema registry and its wire format, so brook/streams
// applications exchange records with any Schema Registry client (Java, Python, Go, Node):
//
//   const registry = new SchemaRegistryClient({ url: 'http://localhost:8080' });
//   const orders = await avro<Order>(registry, { subject: 'orders-value', schema: ORDER_AVSC });
//   app.stream('orders', { key: string, value: orders })
//
// avro():       writes with the given schema (registered, or looked up when autoRegister is off);
//               reads records written with any schema id by Avro schema resolution into the given
//               (reader) schema, as Kafka Streams' SpecificAvroSerde does.
// jsonSchema(): writes JSON validated by ajv against the given JSON Schema; reads JSON text
//               (validating too unless `validateOnRead: false`).
import avsc from 'avsc';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Serde } from '../serdes.js';
import type { SchemaRegistryClient } from './registry-client.js';
import { frame, unframe } from './wire-format.js';

export interface RegistrySerdeOptions {
  /** The subject, e.g. "<topic>-value" (Confluent's TopicNameStrategy). */
  subject: string;
  /** The schema this serde writes with (and, for Avro, reads into). */
  schema: string | object;
  /** Register the schema if it is new (default true); else it must be registered already. */
  autoRegister?: boolean;
}

function schemaText(schema: string | object): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}

async function writerId(registry: SchemaRegistryClient, subject: string, schema: string, type: 'AVRO' | 'JSON', autoRegister: boolean): Promise<number> {
  if (autoRegister) return registry.register(subject, schema, type);
  const all = await registry.allVersions(subject);
  const canonical = JSON.stringify(JSON.parse(schema));
  const found = all.find((s) => s.schemaType === type && JSON.stringify(JSON.parse(s.schema)) === canonical);
  if (!found) throw new Error(`schema not registered under subject ${subject} (autoRegister is off)`);
  return found.id;
}

export async function avro<T>(registry: SchemaRegistryClient, options: RegistrySerdeOptions): Promise<Serde<T>> {
  const text = schemaText(options.schema);
  const reader = avsc.Type.forSchema(JSON.parse(text) as avsc.Schema);
  const id = await writerId(registry, options.subject, text, 'AVRO', options.autoRegister ?? true);
  // Older writers of the subject are known up front; others are fetched on first sight.
  await registry.allVersions(options.subject).catch(() => []);
  const resolvers = new Map<number, avsc.Resolver | null>([[id, null]]);
  const resolverFor = (writer: number): avsc.Resolver | null => {
    let r = resolvers.get(writer);
    if (r === undefined) {
      const s = registry.byIdSync(writer);
      if (s.schemaType !== 'AVRO') throw new TypeError(`schema ${writer} is ${s.schemaType}, not AVRO`);
      r = reader.createResolver(avsc.Type.forSchema(JSON.parse(s.schema) as avsc.Schema));
      resolvers.set(writer, r);
    }
    return r;
  };
  return {
    name: `avro(${options.subject})`,
    serialize: (value) => frame(id, reader.toBuffer(value)),
    deserialize: (bytes) => {
      const { id: writer, payload } = unframe(bytes);
      const resolver = resolverFor(writer);
      return (resolver ? reader.fromBuffer(payload, resolver) : reader.fromBuffer(payload)) as T;
    },
  };
}

export interface JsonSchemaSerdeOptions extends RegistrySerdeOptions {
  /** Validate records read as well as written (default true). */
  validateOnRead?: boolean;
}

export async function jsonSchema<T>(registry: SchemaRegistryClient, options: JsonSchemaSerdeOptions): Promise<Serde<T>> {
  const text = schemaText(options.schema);
  const validate: ValidateFunction = new Ajv({ strict: false }).compile(JSON.parse(text) as object);
  const id = await writerId(registry, options.subject, text, 'JSON', options.autoRegister ?? true);
  const check = (value: unknown): void => {
    if (!validate(value)) throw new TypeError(`value does not match the JSON Schema of ${options.subject}: ${(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  };
  return {
    name: `jsonSchema(${options.subject})`,
    serialize: (value) => {
      check(value);
      return frame(id, Buffer.from(JSON.stringify(value)));
    },
    deserialize: (bytes) => {
      const value = JSON.parse(unframe(bytes).payload.toString('utf8')) as unknown;
      if (options.validateOnRead ?? true) check(value);
      return value as T;
    },
  };
}
