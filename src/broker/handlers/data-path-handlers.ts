// Handlers of the data path: produce, fetch, offsets, idempotent producers.
import type { AnyHandler } from './handler.js';
import produce from './00-produce.js';
import fetch from './01-fetch.js';
import listOffsets from './02-list-offsets.js';
import deleteRecords from './21-delete-records.js';
import initProducerId from './22-init-producer-id.js';
import offsetForLeaderEpoch from './23-offset-for-leader-epoch.js';

export const dataPathHandlers: readonly AnyHandler[] = [produce, fetch, listOffsets, deleteRecords, initProducerId, offsetForLeaderEpoch];
