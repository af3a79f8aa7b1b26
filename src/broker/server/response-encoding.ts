// Turns a handler's response value into the bytes of one response frame (size prefix,
// response header, body), as a list of Buffers the response queue writes corked (one writev).
// Kept apart from the connection so the encoding strategy lives in one place.
//
// Gather encoding: the non-records bytes are one allocation, and every `records` field (Fetch) is
// the stored batch slices themselves, so record bytes are not copied on the way out, except in a
// frame of at most GATHER_MIN_BYTES, which is one buffer (docs/ARCHITECTURE.md, Performance notes: Fetch).
import type { ApiDefinition } from '../../protocol/primitives/codec.js';
import type { RequestHeader } from '../../protocol/headers.js';
import { encodeResponseFrameGather } from '../../protocol/headers.js';

export function encodeResponse(api: ApiDefinition<unknown, unknown>, header: RequestHeader, body: unknown): Buffer[] {
  return encodeResponseFrameGather(header.apiKey, header.apiVersion, header.correlationId, api.response, body as never);
}
