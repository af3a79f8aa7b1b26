// Handlers of authentication and authorisation: SASL and SCRAM credentials (docs/security.md).
import type { AnyHandler } from './handler.js';
import saslHandshake from './17-sasl-handshake.js';
import saslAuthenticate from './36-sasl-authenticate.js';
import describeUserScramCredentials from './50-describe-user-scram-credentials.js';
import alterUserScramCredentials from './51-alter-user-scram-credentials.js';

export const securityHandlers: readonly AnyHandler[] = [saslHandshake, saslAuthenticate, describeUserScramCredentials, alterUserScramCredentials];
