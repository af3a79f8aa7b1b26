// Turns a handler's response value into the bytes of one response frame (size prefix,
// response header, body). Kept apart from the connection so the encoding strategy (one
// buffer, or header bytes plus stored record slices for Fetch) can change in one place.
import type { ApiDefinition } from '../../protocol/primitives/codec.js';
import type { RequestHeader } from '../../protocol/headers.js';
import { encodeResponseFrame } from '../../protocol/headers.js';

export function encodeResponse(api: ApiDefinition<unknown, unknown>, header: RequestHeader, body: unknown): Buffer[] {
  return [encodeResponseFrame(header.apiKey, header.apiVersion, header.correlationId, api.response, body as never)];
}
