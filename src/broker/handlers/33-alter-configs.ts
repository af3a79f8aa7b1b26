// AlterConfigs (key 33), the legacy API: each resource's given values replace its whole set
// (a topic's overrides, or a broker scope's dynamic values); keys left out are removed, and null
// values are ignored, as in Kafka. validateOnly checks without changing anything.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { alterTarget, checkValues, duplicateResources, replaceValues, resourceKey } from '../config/config-alteration.js';
import { isResourceError, resourceError } from '../config/resource-types.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const { broker } = ctx;
    const duplicates = duplicateResources(request.resources);
    const responses = [];
    // Resources in order, each change after every other (also across requests): see exclusive().
    for (const r of request.resources) {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const outcome = await broker.dynamicConfig.exclusive(async () => {
        if (duplicates.has(resourceKey(r))) return resourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
        const target = alterTarget(broker, r.resourceType, r.resourceName);
        if (isResourceError(target)) return target;
        const values: Record<string, string> = {};
        for (const c of r.configs) if (c.value !== null) values[c.name] = c.value;
        const invalid = checkValues(broker, target, values);
        if (invalid || request.validateOnly) return invalid;
        return replaceValues(broker, target, values);
      });
      responses.push({ ...base, errorCode: outcome?.errorCode ?? ErrorCode.NONE, errorMessage: outcome?.errorMessage ?? null });
    }
    return { throttleTimeMs: 0, responses };
  },
});
