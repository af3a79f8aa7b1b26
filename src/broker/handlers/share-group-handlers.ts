// Handlers of share groups (KIP-932): membership, fetch and acknowledgement, and their offsets.
import type { AnyHandler } from './handler.js';
import shareGroupHeartbeat from './76-share-group-heartbeat.js';
import shareGroupDescribe from './77-share-group-describe.js';
import shareFetch from './78-share-fetch.js';
import shareAcknowledge from './79-share-acknowledge.js';
import describeShareGroupOffsets from './90-describe-share-group-offsets.js';
import alterShareGroupOffsets from './91-alter-share-group-offsets.js';
import deleteShareGroupOffsets from './92-delete-share-group-offsets.js';

export const shareGroupHandlers: readonly AnyHandler[] = [
  shareGroupHeartbeat,
  shareGroupDescribe,
  shareFetch,
  shareAcknowledge,
  describeShareGroupOffsets,
  alterShareGroupOffsets,
  deleteShareGroupOffsets,
];
