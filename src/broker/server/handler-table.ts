// Looks handlers up by API key and builds the ApiVersions key list from them.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { encodeResponseFrame, type RequestHeader } from '../../protocol/headers.js';
import type { ApiVersionRange } from '../broker-state.js';
import type { AnyHandler, HandlerLookup } from '../handlers/handler.js';

export class HandlerTable implements HandlerLookup {
  private readonly byKey = new Map<number, AnyHandler>();
  readonly versions: readonly ApiVersionRange[];

  constructor(handlers: readonly AnyHandler[]) {
    for (const h of handlers) {
      if (this.byKey.has(h.api.apiKey)) throw new Error(`two handlers for API key ${h.api.apiKey}`);
      if (h.minVersion < h.api.minVersion || h.maxVersion > h.api.maxVersion) {
        throw new Error(`${h.api.name} handler declares versions outside the definitions`);
      }
      this.byKey.set(h.api.apiKey, h);
    }
    this.versions = [...this.byKey.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  handlerFor(apiKey: number): AnyHandler | undefined {
    return this.byKey.get(apiKey);
  }

  /** KIP-511: a version we do not know is answered in v0 with UNSUPPORTED_VERSION and our key list. */
  unsupportedApiVersions(header: RequestHeader): Buffer {
    return encodeResponseFrame(18, 0, header.correlationId, apis.ApiVersions.response, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [...this.versions],
    });
  }
}
