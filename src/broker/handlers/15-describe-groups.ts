// DescribeGroups (key 15): members, assignments, state and protocol of each group. v3+ may ask for
// the authorized operations (KIP-430, from the broker's authorizer: topics/authorized-operations.ts); v4+
// group.instance.id per member (KIP-345).
import { apis } from '../../protocol/messages/index.js';
import { describeGroup } from '../groups/group-admin.js';
import { ANONYMOUS, requestedOperations } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const { broker } = ctx;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((id) => ({
        ...describeGroup(broker.groups, id),
        authorizedOperations: requestedOperations(request.includeAuthorizedOperations, broker.authorizer, ANONYMOUS, 'group', id),
      })),
    };
  },
});
