// DescribeGroups (key 15): members, assignments, state and protocol of each group. v3+ may ask for
// the authorized operations (KIP-430; no ACLs yet, so every group operation is allowed); v4+
// group.instance.id per member (KIP-345).
import { apis } from '../../protocol/messages/index.js';
import { describeGroup } from '../groups/group-admin.js';
import { NOT_REQUESTED } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

// READ (3), DELETE (6), DESCRIBE (8): the operations Kafka defines on a group resource.
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export default defineHandler({
  api: apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const ops = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((id) => ({ ...describeGroup(ctx.broker.groups, id), authorizedOperations: ops })),
    };
  },
});
