// v3 produce request data (`key` / `value` objects) to bytes, as REST Proxy v3 defines them:
//   {"type":"BINARY","data":"<base64>"}   raw bytes
//   {"type":"STRING","data":"text"}       UTF-8
//   {"type":"JSON","data":<any JSON>}     JSON text, no schema
//   {"type":"AVRO"|"JSONSCHEMA","data":<JSON>, "schema_id":N | "subject":S?, "schema_version":V?}
//                                          registry wire format; without an id the subject
//                                          (default "<topic>-key"/"<topic>-value", the
//                                          TopicNameStrategy) and version (default latest) decide
//   {"type":"AVRO"|"JSONSCHEMA","schema":"<text>","data":...} registers (or finds) the schema under
//                                          the subject first, as kafka-rest does
//   no "type": the schema named by schema_id/schema_version, else the subject's latest schema
//   when the subject exists (the "latest_schema" form), else JSON.
import { HttpError } from '../http-error.js';
import type { RegistryService } from '../registry/registry-service.js';
import { encodeWithSchema } from '../registry/wire-format.js';

export interface V3Data {
  type?: string;
  data?: unknown;
  schema_id?: number;
  schema_version?: number;
  subject?: string;
  subject_name_strategy?: string;
  schema?: string;
}

export interface EncodedData {
  bytes: Buffer | null;
  type: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64(text: unknown, what: string): Buffer {
  if (typeof text !== 'string' || text.length % 4 === 1 || !BASE64.test(text.replace(/\s/g, ''))) throw new HttpError(400, 400, `${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

export async function encodeData(d: V3Data | null | undefined, topic: string, isKey: boolean, registry: RegistryService | null): Promise<EncodedData> {
  if (d === null || d === undefined) return { bytes: null, type: 'BINARY' };
  if (typeof d !== 'object' || Array.isArray(d)) throw new HttpError(400, 400, `${isKey ? 'key' : 'value'} must be an object with type and data`);
  const subject = d.subject ?? `${topic}-${isKey ? 'key' : 'value'}`;
  let type = d.type?.toUpperCase();
  if (type === undefined) {
    const named = d.schema_id !== undefined || d.schema_version !== undefined || d.schema !== undefined;
    type = named || (registry !== null && registry.store.state.versions(subject, false).length > 0) ? 'SCHEMA' : 'JSON';
  }
  if (d.data === undefined || d.data === null) return { bytes: null, type: type === 'SCHEMA' ? 'JSON' : type };
  switch (type) {
    case 'BINARY':
      return { bytes: decodeBase64(d.data, isKey ? 'key.data' : 'value.data'), type };
    case 'STRING':
      if (typeof d.data !== 'string') throw new HttpError(400, 400, 'STRING data must be a string');
      return { bytes: Buffer.from(d.data, 'utf8'), type };
    case 'JSON':
      return { bytes: Buffer.from(JSON.stringify(d.data)), type };
    case 'AVRO':
    case 'JSONSCHEMA':
    case 'PROTOBUF':
    case 'SCHEMA': {
      if (!registry) throw new HttpError(400, 40002, 'The schema registry is turned off in this gateway');
      let id: number;
      if (d.schema !== undefined && d.schema_id === undefined) {
        const schemaType = type === 'JSONSCHEMA' ? 'JSON' : type === 'PROTOBUF' ? 'PROTOBUF' : 'AVRO';
        id = (await registry.register(subject, { schema: d.schema, schemaType })).id;
      } else id = schemaIdFor(registry, d, subject);
      const s = registry.store.state.schemaById(id)!;
      const actual = s.schemaType === 'JSON' ? 'JSONSCHEMA' : s.schemaType;
      if (type !== 'SCHEMA' && type !== actual) throw new HttpError(400, 40002, `Schema ${id} is ${actual}, not ${type}`);
      return { bytes: encodeWithSchema(registry, id, d.data), type: actual };
    }
    default:
      throw new HttpError(400, 400, `Unknown data type ${d.type}`);
  }
}

function schemaIdFor(registry: RegistryService, d: V3Data, subject: string): number {
  if (d.schema_id !== undefined) {
    if (!registry.store.state.schemaById(d.schema_id)) throw new HttpError(404, 40403, `Schema ${d.schema_id} not found.`);
    return d.schema_id;
  }
  return registry.getVersion(subject, d.schema_version ?? 'latest').id;
}
