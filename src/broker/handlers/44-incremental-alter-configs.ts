// IncrementalAlterConfigs (key 44, KIP-339): SET/DELETE/APPEND/SUBTRACT per key on a topic's
// overrides or a broker scope's dynamic values (this node, or "" for cluster-wide defaults).
// Dynamic broker changes are persisted and reach existing topics without an override.
import { apis } from '../../protocol/messages/index.js';
import { alterEachResource, checkAndReplace, currentValues, definitionFor } from '../config/config-alteration.js';
import { applyIncrementalOps } from '../config/incremental-ops.js';
import { isResourceError } from '../config/resource-types.js';
import { configAccessDenied } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { broker } = ctx;
    const responses = await alterEachResource(broker, request.resources, async (r, target) => {
      const denied = configAccessDenied(ctx, r.resourceType, r.resourceName, true);
      if (denied) return denied;
      const values = applyIncrementalOps(currentValues(broker, target), r.configs, (name) => definitionFor(target, name));
      if (isResourceError(values)) return values;
      return checkAndReplace(broker, target, values, request.validateOnly);
    });
    return { throttleTimeMs: 0, responses };
  },
});
