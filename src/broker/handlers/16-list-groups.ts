// ListGroups (key 16): every group this coordinator knows: classic, KIP-848 consumer and share (KIP-932)
// groups. v4+ filter by state (KIP-518), v5+ by group type ("classic", "consumer", "share"; KIP-848).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { listGroups } from '../groups/group-admin.js';
import { listShareGroups } from '../groups/share/share-group-listing.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const states = v >= 4 ? request.statesFilter : [];
    const types = v >= 5 ? request.typesFilter : [];
    const groups = [...listGroups(ctx.broker.groups, states, types), ...listShareGroups(ctx.broker.shareGroups, states, types)];
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
});
