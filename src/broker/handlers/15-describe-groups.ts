// DescribeGroups (key 15): members, assignments, state and protocol of each classic group (a KIP-848
// consumer group is answered as Dead, as Kafka does: ConsumerGroupDescribe describes it). v3+ may ask for
// the authorized operations (KIP-430, from the broker's authorizer: topics/authorized-operations.ts); v4+
// group.instance.id per member (KIP-345); v6+ answers GROUP_ID_NOT_FOUND for a group that does not
// exist, or is not a classic group (a KIP-848 consumer group or a share group: groups/group-kinds.ts),
// where older versions describe it Dead, as Kafka does.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { describeGroup } from '../groups/group-admin.js';
import { authorize, operationsFor } from './authorize.js';
import { AclOperation, NOT_REQUESTED } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const { broker } = ctx;
    const v6 = ctx.header.apiVersion >= 6;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((id) => {
        // DESCRIBE on the group, per group (KafkaApis.handleDescribeGroupsRequest): nothing about it leaks.
        if (!authorize(ctx, AclOperation.DESCRIBE, 'group', id)) {
          return { groupId: id, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NOT_REQUESTED };
        }
        const authorizedOperations = operationsFor(ctx, request.includeAuthorizedOperations, 'group', id);
        const dead = { groupId: id, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations };
        const kind = broker.groups.kinds.typeOf(id);
        if (kind !== undefined && kind !== 'classic') {
          return v6 ? { ...dead, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${id} is not a classic group.` } : { ...dead, errorCode: ErrorCode.NONE, errorMessage: null };
        }
        const described = describeGroup(broker.groups, id);
        if (v6 && described.errorCode === ErrorCode.NONE && !broker.groups.groups.has(id)) {
          return { ...dead, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${id} not found.` };
        }
        return { ...described, errorMessage: null, authorizedOperations };
      }),
    };
  },
});
