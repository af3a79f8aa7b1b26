// Every handler, one module per API key, gathered from one list per area so each area's
// list can grow on its own. ApiVersions advertises exactly these.
import type { AnyHandler } from './handler.js';
import { adminHandlers } from './admin-handlers.js';
import { coreHandlers } from './core-handlers.js';
import { dataPathHandlers } from './data-path-handlers.js';
import { groupHandlers } from './group-handlers.js';
import { shareGroupHandlers } from './share-group-handlers.js';
import { transactionHandlers } from './transaction-handlers.js';
import { securityHandlers } from './security-handlers.js';

export const handlers: readonly AnyHandler[] = [...coreHandlers, ...dataPathHandlers, ...adminHandlers, ...groupHandlers, ...transactionHandlers, ...shareGroupHandlers, ...securityHandlers];
