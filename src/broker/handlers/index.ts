// The handler list: one module per API key. Adding an API is adding a file here;
// ApiVersions advertises exactly these, with each handler's declared version range.
import type { AnyHandler } from './handler.js';
import metadata from './03-metadata.js';
import apiVersions from './18-api-versions.js';
import createTopics from './19-create-topics.js';

export const handlers: readonly AnyHandler[] = [metadata, apiVersions, createTopics];
