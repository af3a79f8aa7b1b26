// Handlers of authentication and authorisation: SASL, SCRAM credentials and ACLs (docs/security.md).
import type { AnyHandler } from './handler.js';
import saslHandshake from './17-sasl-handshake.js';
import saslAuthenticate from './36-sasl-authenticate.js';
import describeAcls from './29-describe-acls.js';
import createAcls from './30-create-acls.js';
import deleteAcls from './31-delete-acls.js';
import describeUserScramCredentials from './50-describe-user-scram-credentials.js';
import alterUserScramCredentials from './51-alter-user-scram-credentials.js';
import describeClientQuotas from './48-describe-client-quotas.js';
import alterClientQuotas from './49-alter-client-quotas.js';

export const securityHandlers: readonly AnyHandler[] = [saslHandshake, saslAuthenticate, describeAcls, createAcls, deleteAcls, describeUserScramCredentials, alterUserScramCredentials, describeClientQuotas, alterClientQuotas];
