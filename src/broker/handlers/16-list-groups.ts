// ListGroups (key 16): every group this coordinator knows: classic, KIP-848 consumer and share (KIP-932)
// groups, through the group-kind registry (groups/group-kinds.ts). v4+ filter by state (KIP-518), v5+ by
// group type ("classic", "consumer", "share"; KIP-848).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const groups = ctx.broker.groups.kinds.list(v >= 4 ? request.statesFilter : [], v >= 5 ? request.typesFilter : []);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
});
