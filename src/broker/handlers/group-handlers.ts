// Handlers of consumer groups and committed offsets.
import type { AnyHandler } from './handler.js';

export const groupHandlers: readonly AnyHandler[] = [];
