// ConsumerGroupDescribe (key 69, KIP-848): epochs, state and assignor of consumer groups and, per
// member, its epoch, subscription, current and target assignment. A classic group, or an unknown id,
// is GROUP_ID_NOT_FOUND (admin clients then fall back to DescribeGroups, as with Kafka). v0+ may ask
// for the authorized operations (KIP-430, from the broker's authorizer); v1 adds nothing we answer
// differently (it allows TOPIC_AUTHORIZATION_FAILED, which an allow-all authorizer never raises).
import { apis } from '../../protocol/messages/index.js';
import { describeConsumerGroup, notFound } from '../groups/consumer/consumer-describe.js';
import { authorize, operationsFor } from './authorize.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation, NOT_REQUESTED } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { broker } = ctx;
    const groups = broker.groups;
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((id) => {
        // DESCRIBE on the group, per group (KafkaApis.handleConsumerGroupDescribe).
        if (!authorize(ctx, AclOperation.DESCRIBE, 'group', id)) return { ...notFound(id, ''), errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, authorizedOperations: NOT_REQUESTED };
        const group = groups.consumerGroup(id);
        const described = group
          ? describeConsumerGroup(group, groups.consumerGroups.assignors.defaultName, groups.topicsView)
          : notFound(id, groups.groups.has(id) ? `Group ${id} is not a consumer group.` : `Group ${id} not found.`);
        return { ...described, authorizedOperations: operationsFor(ctx, request.includeAuthorizedOperations, 'group', id) };
      }),
    };
  },
});
