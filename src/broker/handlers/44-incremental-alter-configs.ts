// IncrementalAlterConfigs (key 44, KIP-339): SET/DELETE/APPEND/SUBTRACT per key on a topic's
// overrides or a broker scope's dynamic values (this node, or "" for cluster-wide defaults).
// Dynamic broker changes are persisted and reach existing topics without an override.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { alterTarget, checkValues, currentValues, definitionFor, duplicateResources, replaceValues, resourceKey } from '../config/config-alteration.js';
import { applyIncrementalOps } from '../config/incremental-ops.js';
import { isResourceError, resourceError } from '../config/resource-types.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
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
        const values = applyIncrementalOps(currentValues(broker, target), r.configs, (name) => definitionFor(target, name));
        if (isResourceError(values)) return values;
        const invalid = checkValues(broker, target, values);
        if (invalid || request.validateOnly) return invalid;
        return replaceValues(broker, target, values);
      });
      responses.push({ ...base, errorCode: outcome?.errorCode ?? ErrorCode.NONE, errorMessage: outcome?.errorMessage ?? null });
    }
    return { throttleTimeMs: 0, responses };
  },
});
