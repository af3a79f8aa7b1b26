// Handlers for the broker's identity and topic creation.
import type { AnyHandler } from './handler.js';
import metadata from './03-metadata.js';
import apiVersions from './18-api-versions.js';
import createTopics from './19-create-topics.js';

export const coreHandlers: readonly AnyHandler[] = [metadata, apiVersions, createTopics];
