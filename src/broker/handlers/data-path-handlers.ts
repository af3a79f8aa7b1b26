// Handlers of the data path: produce, fetch, offsets, idempotent producers.
import type { AnyHandler } from './handler.js';

export const dataPathHandlers: readonly AnyHandler[] = [];
