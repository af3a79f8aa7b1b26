// Handlers of topic and cluster administration: configs, deletion, partitions, log dirs.
import type { AnyHandler } from './handler.js';

export const adminHandlers: readonly AnyHandler[] = [];
