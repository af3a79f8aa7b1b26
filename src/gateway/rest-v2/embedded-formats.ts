// REST Proxy v2 embedded formats: how keys and values travel inside the JSON bodies.
//   binary      base64 strings
//   json        any JSON value, stored as its JSON text
//   avro        JSON values encoded with an Avro schema from the registry (wire format)
//   jsonschema  JSON values validated against a JSON Schema from the registry (wire format)
// For avro/jsonschema, a produce request names the schemas by id (key_schema_id /
// value_schema_id) or gives them inline (key_schema / value_schema), which registers them
// under "<topic>-key" / "<topic>-value" as kafka-rest does; the answer echoes the ids.
import { HttpError, rest } from '../http-error.js';
import type { RegistryService } from '../registry/registry-service.js';
import { decodeWithSchema, encodeWithSchema } from '../registry/wire-format.js';
import type { EmbeddedFormat } from '../content-types.js';
import { decodeBase64 } from '../rest-v3/record-data.js';

export interface V2ProduceBody {
  records: { key?: unknown; value?: unknown; partition?: number | null }[];
  key_schema?: string | null;
  key_schema_id?: number | null;
  value_schema?: string | null;
  value_schema_id?: number | null;
}

export interface SchemaIds {
  key: number | null;
  value: number | null;
}

/** Resolves (registering inline schemas) the ids a schema-format produce uses; 42201/42202 when missing. */
export async function schemaIdsFor(format: EmbeddedFormat, body: V2ProduceBody, topic: string, registry: RegistryService | null): Promise<SchemaIds> {
  if (format !== 'avro' && format !== 'jsonschema') return { key: null, value: null };
  if (format === 'avro' || format === 'jsonschema') {
    if (!registry) throw new HttpError(422, 42205, 'The schema registry is turned off in this gateway');
  }
  const hasKeys = body.records.some((r) => r.key !== undefined && r.key !== null);
  const hasValues = body.records.some((r) => r.value !== undefined && r.value !== null);
  const schemaType = format === 'avro' ? 'AVRO' : 'JSON';
  const resolve = async (inline: string | null | undefined, id: number | null | undefined, subject: string): Promise<number | null> => {
    if (id !== undefined && id !== null) {
      if (!registry!.store.state.schemaById(id)) throw new HttpError(404, 40403, `Schema ${id} not found`);
      return id;
    }
    if (inline === undefined || inline === null) return null;
    return (await registry!.register(subject, { schema: inline, schemaType })).id;
  };
  const key = await resolve(body.key_schema, body.key_schema_id, `${topic}-key`);
  const value = await resolve(body.value_schema, body.value_schema_id, `${topic}-value`);
  if (hasKeys && key === null) throw rest.keySchemaMissing();
  if (hasValues && value === null) throw rest.valueSchemaMissing();
  return { key, value };
}

/** One key or value of a produce request to bytes. */
export function toBytes(format: EmbeddedFormat, v: unknown, schemaId: number | null, registry: RegistryService | null, what: string): Buffer | null {
  if (v === undefined || v === null) return null;
  switch (format) {
    case 'binary':
      return decodeBase64(v, what);
    case 'json':
      return Buffer.from(JSON.stringify(v));
    case 'avro':
    case 'jsonschema':
      return encodeWithSchema(registry!, schemaId!, v);
    default:
      throw new HttpError(415, 415, `The ${format} embedded format is not supported by this gateway`);
  }
}

/** One key or value of a fetched record in the instance's format. */
export function fromBytes(format: EmbeddedFormat, b: Buffer | null, registry: RegistryService | null): unknown {
  if (b === null) return null;
  switch (format) {
    case 'binary':
      return b.toString('base64');
    case 'json':
      try {
        return JSON.parse(b.toString('utf8')) as unknown;
      } catch {
        throw rest.kafka('a record is not JSON; read it with the binary format');
      }
    case 'avro':
    case 'jsonschema': {
      const decoded = registry ? decodeWithSchema(registry, b) : undefined;
      if (decoded === undefined) throw rest.kafka('a record is not in the schema registry wire format or its schema is unknown');
      return decoded;
    }
    default:
      return b.toString('base64');
  }
}
