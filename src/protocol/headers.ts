// Request and response headers. The header version depends on the API and its version
// (messages/index.ts: requestHeaderVersion, responseHeaderVersion):
//
//   request header v0: api_key int16 | api_version int16 | correlation_id int32
//   request header v1: v0 + client_id nullable string (int16 length, never compact: even in v2)
//   request header v2: v1 + tagged fields
//   response header v0: correlation_id int32
//   response header v1: v0 + tagged fields (we never send any: one 0 byte)
import { DecodeError } from './decode-error.js';
import { ByteReader } from './primitives/byte-reader.js';
import { ByteWriter, nullableStringSize, takeRecordsContentBytes } from './primitives/byte-writer.js';
import { GatherWriter } from './primitives/gather-writer.js';
import type { MessageCodec, MessageInput } from './primitives/codec.js';
import { requestHeaderVersion, responseHeaderVersion } from './messages/index.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null in header v0 or when the client sent a null id. */
  clientId: string | null;
  /** 0, 1 or 2, chosen from apiKey and apiVersion. */
  headerVersion: number;
  /** Where the request body starts in the decoded buffer. */
  bodyOffset: number;
}

/**
 * Decodes the request header at `offset` of a frame (the frame without its size prefix). Unknown
 * API keys and versions still decode (as header v1 / by flexibility of the known key), so the
 * broker can answer them with UNSUPPORTED_VERSION using the correlation id.
 */
export function decodeRequestHeader(frame: Buffer, offset = 0): RequestHeader {
  const r = new ByteReader(frame, offset);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const clientId = headerVersion >= 1 ? r.nullableString(false) : null;
  if (headerVersion >= 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, headerVersion, bodyOffset: r.pos };
}

/** Decodes a request body that starts at `header.bodyOffset` of `frame`. */
export function decodeRequestBody<T>(frame: Buffer, header: RequestHeader, codec: MessageCodec<T>): T {
  if (header.bodyOffset > frame.length) throw new DecodeError('truncated', 'request body offset past the frame');
  return codec.read(new ByteReader(frame, header.bodyOffset), header.apiVersion);
}

export function responseHeaderSize(headerVersion: number): number {
  return headerVersion >= 1 ? 5 : 4;
}

export function writeResponseHeader(w: ByteWriter, correlationId: number, headerVersion: number): void {
  w.int32(correlationId);
  if (headerVersion >= 1) w.uvarint(0);
}

/**
 * A whole response frame in one allocation: int32 size, response header, body. The header
 * version is derived from the API (ApiVersions always v0).
 */
export function encodeResponseFrame<T>(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  codec: MessageCodec<T>,
  body: MessageInput<T>,
): Buffer {
  const hv = responseHeaderVersion(apiKey, apiVersion);
  return writeWholeFrame(responseHeaderSize(hv) + codec.size(body, apiVersion), correlationId, hv, codec, body, apiVersion);
}

/** The frame of a response whose size (header and body, without the length prefix) is known. */
function writeWholeFrame<T>(size: number, correlationId: number, hv: number, codec: MessageCodec<T>, body: MessageInput<T>, apiVersion: number): Buffer {
  const w = new ByteWriter(Buffer.allocUnsafe(4 + size));
  w.int32(size);
  writeResponseHeader(w, correlationId, hv);
  codec.write(w, body, apiVersion);
  if (w.pos !== w.buf.length) throw new Error(`response encoder wrote ${w.pos} bytes, sized ${w.buf.length}`);
  return w.buf;
}

/**
 * Frames up to this size are encoded as one Buffer even when they carry records (copied in): the
 * connection writes responses that small as one piece anyway (server/response-queue.ts).
 */
export const GATHER_MIN_BYTES = 16 * 1024;

/**
 * The same frame as encodeResponseFrame, as a list of Buffers for one writev: the non-records bytes
 * live in one allocation (sliced around the records fields), and each `records` field contributes
 * the caller's Buffers themselves, in order, never copied; except in a frame of at most
 * GATHER_MIN_BYTES, which comes back as one Buffer with its records copied in. A records field may
 * be given as one Buffer or as a list of stored batch slices. Concatenating the list gives the
 * copying encoding.
 *
 *   socket.cork(); for (const b of encodeResponseFrameGather(...)) socket.write(b); socket.uncork();
 */
export function encodeResponseFrameGather<T>(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  codec: MessageCodec<T>,
  body: MessageInput<T>,
): Buffer[] {
  const hv = responseHeaderVersion(apiKey, apiVersion);
  takeRecordsContentBytes(); // restart the count: a size pass that threw may have left some
  const size = responseHeaderSize(hv) + codec.size(body, apiVersion);
  const recordsBytes = takeRecordsContentBytes();
  if (recordsBytes === 0 || 4 + size <= GATHER_MIN_BYTES) {
    // Small: one buffer, the few record bytes copied in. Cheaper than the slices and list of a
    // gathered frame (a long poll answering a few records), and the socket gets one piece anyway.
    return [writeWholeFrame(size, correlationId, hv, codec, body, apiVersion)];
  }
  const w = new GatherWriter(Buffer.allocUnsafe(4 + size - recordsBytes));
  w.int32(size);
  writeResponseHeader(w, correlationId, hv);
  codec.write(w, body, apiVersion);
  if (w.pos !== w.buf.length) throw new Error(`response encoder wrote ${w.pos} bytes, sized ${w.buf.length}`);
  return w.chunks();
}

/** A whole request frame (size, header, body) as a client would send it; used by tests and tools. */
export function encodeRequestFrame<T>(
  header: { apiKey: number; apiVersion: number; correlationId: number; clientId: string | null },
  codec: MessageCodec<T>,
  body: MessageInput<T>,
): Buffer {
  const hv = requestHeaderVersion(header.apiKey, header.apiVersion);
  const headerSize = 8 + (hv >= 1 ? nullableStringSize(header.clientId, false) : 0) + (hv >= 2 ? 1 : 0);
  const size = headerSize + codec.size(body, header.apiVersion);
  const w = new ByteWriter(Buffer.allocUnsafe(4 + size));
  w.int32(size);
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  if (hv >= 1) w.nullableString(header.clientId, false);
  if (hv >= 2) w.uvarint(0);
  codec.write(w, body, header.apiVersion);
  return w.buf;
}

/** Decodes a response header (client side / tests); returns the correlation id and body offset. */
export function decodeResponseHeader(
  frame: Buffer,
  headerVersion: number,
  offset = 0,
): { correlationId: number; bodyOffset: number } {
  const r = new ByteReader(frame, offset);
  const correlationId = r.int32();
  if (headerVersion >= 1) r.skipTaggedFields();
  return { correlationId, bodyOffset: r.pos };
}
