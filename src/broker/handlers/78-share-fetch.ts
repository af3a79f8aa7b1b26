// ShareFetch (key 78, v1-2; KIP-932, v2 adds ShareAcquireMode (KIP-1206) and Renew acknowledgements
// (KIP-1222)): acquire records for a share-group member, with piggy-backed acknowledgements and
// share sessions (groups/share/share-fetch.ts).
import { apis } from '../../protocol/messages/index.js';
import { handleShareFetch } from '../groups/share/share-fetch.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ShareFetch,
  minVersion: 1,
  maxVersion: 2,
  handle(request, ctx) {
    return handleShareFetch(ctx.broker.shareGroups, request, ctx);
  },
});
