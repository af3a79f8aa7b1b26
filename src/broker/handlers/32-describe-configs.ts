// DescribeConfigs (key 32): topic and broker resources with Kafka's names, values and sources.
// v1+: configSource and, when includeSynonyms, the values each one was chosen from (KIP-226);
// v3+: configType and, when includeDocumentation, the documentation (KIP-569). v0 has only isDefault.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { describeResource } from '../config/config-description.js';
import { isResourceError } from '../config/resource-types.js';
import { configAccessDenied } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const results = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const denied = configAccessDenied(ctx, r.resourceType, r.resourceName, false);
      if (denied) return { ...base, ...denied, configs: [] };
      const described = describeResource(ctx.broker, r.resourceType, r.resourceName, {
        keys: r.configurationKeys,
        includeSynonyms: request.includeSynonyms,
        includeDocumentation: request.includeDocumentation,
      });
      if (isResourceError(described)) return { ...base, ...described, configs: [] };
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: described };
    });
    return { throttleTimeMs: 0, results };
  },
});
