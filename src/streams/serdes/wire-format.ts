// Confluent's serialized-record framing: magic byte 0, the schema id as a big-endian int32, then
// the payload (Avro binary, or JSON text for JSON Schema). Every Schema Registry serializer writes
// it (Java, librdkafka, confluent-kafka-python, @kafkajs/confluent-schema-registry, Brook's gateway).

export function frame(id: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = 0;
  out.writeInt32BE(id, 1);
  payload.copy(out, 5);
  return out;
}

export function unframe(bytes: Buffer): { id: number; payload: Buffer } {
  if (bytes.length < 5 || bytes[0] !== 0) throw new RangeError('not in the schema registry wire format (magic byte 0 + schema id)');
  return { id: bytes.readInt32BE(1), payload: bytes.subarray(5) };
}
