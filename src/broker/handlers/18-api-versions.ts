// ApiVersions (key 18): the versions this broker serves, derived from the handler list.
// v3+ clients send their software name and version (KIP-511), which we log once per connection.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    if (ctx.header.apiVersion >= 3) {
      ctx.logger.debug('client software', { name: request.clientSoftwareName, version: request.clientSoftwareVersion });
    }
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.broker.supportedApis(),
      throttleTimeMs: 0,
    };
  },
});
