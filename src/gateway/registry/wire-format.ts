// Confluent's serialized-record framing, used by every Schema Registry serializer (Java, librdkafka,
// confluent-kafka-python, @kafkajs/confluent-schema-registry):
//   byte 0      magic byte 0
//   bytes 1-4   schema id, big-endian int32
//   bytes 5..   Avro binary encoding, or the JSON document as UTF-8 text (JSON Schema)
// (Protobuf adds message indexes after the id; the gateway does not encode Protobuf.)
import { registry as err, rest } from '../http-error.js';
import type { RegistryService } from './registry-service.js';

export const MAGIC_BYTE = 0;

export function frame(id: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(id, 1);
  payload.copy(out, 5);
  return out;
}

/** The schema id and payload of a framed value, or undefined when it is not framed. */
export function unframe(bytes: Buffer): { id: number; payload: Buffer } | undefined {
  if (bytes.length < 5 || bytes[0] !== MAGIC_BYTE) return undefined;
  return { id: bytes.readInt32BE(1), payload: bytes.subarray(5) };
}

/** Encodes a JSON value with schema `id` (AVRO or JSON); 42203/42205 REST errors when it does not fit. */
export function encodeWithSchema(registry: RegistryService, id: number, value: unknown): Buffer {
  const s = registry.store.state.schemaById(id);
  if (!s) throw err.schemaNotFound(`Schema ${id} not found`);
  const parsed = registry.store.state.parse(id);
  if (parsed.avro) {
    let bytes: Buffer;
    try {
      bytes = parsed.avro.toBuffer(parsed.avro.clone(value, { coerceBuffers: true, wrapUnions: false }));
    } catch (e) {
      throw rest.jsonConversion(e instanceof Error ? e.message : String(e));
    }
    return frame(id, bytes);
  }
  if (parsed.validate) {
    if (!parsed.validate(value)) throw rest.unprocessable(`Value does not match schema ${id}: ${parsed.validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
    return frame(id, Buffer.from(JSON.stringify(value)));
  }
  throw rest.unprocessable(`Schema ${id} is ${s.schemaType}; the gateway encodes AVRO and JSON only`);
}

/** Decodes a framed value to JSON (AVRO, JSON); undefined when it is not framed or its schema is unknown. */
export function decodeWithSchema(registry: RegistryService, bytes: Buffer): unknown {
  const f = unframe(bytes);
  if (!f || !registry.store.state.schemaById(f.id)) return undefined;
  const parsed = registry.store.state.parse(f.id);
  // Avro bytes and fixed values come back as Buffers; their JSON form (as Avro's JSON encoding
  // and kafka-rest write them) is a string of the byte values as code points.
  if (parsed.avro) return JSON.parse(JSON.stringify(parsed.avro.fromBuffer(f.payload), (_k, v: unknown) => (isBufferJson(v) ? Buffer.from(v.data).toString('latin1') : v)));
  if (parsed.validate) return JSON.parse(f.payload.toString('utf8'));
  return undefined;
}

/** Buffer.toJSON()'s shape, which JSON.stringify hands a replacer instead of the Buffer itself. */
function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);
}
