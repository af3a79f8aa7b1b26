// AlterConfigs (key 33), the legacy API: each resource's given values replace its whole set
// (a topic's overrides, or a broker scope's dynamic values); keys left out are removed, and null
// values are ignored, as in Kafka. validateOnly checks without changing anything.
import { apis } from '../../protocol/messages/index.js';
import { alterEachResource, checkAndReplace } from '../config/config-alteration.js';
import { configAccessDenied } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const { broker } = ctx;
    const responses = await alterEachResource(broker, request.resources, async (r, target) => {
      const denied = configAccessDenied(ctx, r.resourceType, r.resourceName, true);
      if (denied) return denied;
      const values: Record<string, string> = {};
      for (const c of r.configs) if (c.value !== null) values[c.name] = c.value;
      return checkAndReplace(broker, target, values, request.validateOnly);
    });
    return { throttleTimeMs: 0, responses };
  },
});
