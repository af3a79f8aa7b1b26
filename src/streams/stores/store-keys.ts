// Changelog key formats of windowed and session stores (values are the value serde's bytes):
//
//   window store:   [key bytes][window start: int64 big-endian]                 (Kafka's WindowKeySchema,
//                                                                               without its sequence number)
//   session store:  [key bytes][session end: int64 BE][session start: int64 BE] (Kafka's SessionKeySchema;
//                                                                               end is exclusive here)
//
// The fixed-width suffix is read from the end, so key bytes need no length prefix.

export function windowKey(key: Buffer, start: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 8);
  key.copy(out, 0);
  out.writeBigInt64BE(BigInt(start), key.length);
  return out;
}

export function parseWindowKey(bytes: Buffer): { key: Buffer; start: number } {
  if (bytes.length < 8) throw new RangeError(`window store changelog key too short (${bytes.length} bytes)`);
  const at = bytes.length - 8;
  return { key: bytes.subarray(0, at), start: Number(bytes.readBigInt64BE(at)) };
}

export function sessionKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 16);
  key.copy(out, 0);
  out.writeBigInt64BE(BigInt(end), key.length);
  out.writeBigInt64BE(BigInt(start), key.length + 8);
  return out;
}

export function parseSessionKey(bytes: Buffer): { key: Buffer; start: number; end: number } {
  if (bytes.length < 16) throw new RangeError(`session store changelog key too short (${bytes.length} bytes)`);
  const at = bytes.length - 16;
  return {
    key: bytes.subarray(0, at),
    end: Number(bytes.readBigInt64BE(at)),
    start: Number(bytes.readBigInt64BE(at + 8)),
  };
}
