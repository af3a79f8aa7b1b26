// ListGroups (key 16): every group this coordinator knows. v4+ filter by state (KIP-518),
// v5+ by group type (KIP-848: always "classic" here).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { listGroups } from '../groups/group-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const groups = listGroups(ctx.broker.groups, v >= 4 ? request.statesFilter : [], v >= 5 ? request.typesFilter : []);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
});
