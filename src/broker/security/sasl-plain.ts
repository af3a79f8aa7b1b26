// SASL PLAIN (RFC 4616): one message, "authzid NUL authcid NUL password", checked against the
// user's stored SCRAM credential (as Redpanda does), so one user list serves PLAIN and SCRAM and no
// password is ever stored. PLAIN sends the password itself: use it over SASL_SSL.
import { SaslAuthenticationError, type SaslExchange } from './session.js';

export class PlainServerExchange implements SaslExchange {
  readonly mechanism = 'PLAIN';
  private done = false;

  constructor(private readonly verify: (user: string, password: string) => Promise<boolean>) {}

  async evaluate(message: Buffer): Promise<{ response: Buffer; user: string | null }> {
    if (this.done) throw new SaslAuthenticationError('the PLAIN exchange is already complete');
    this.done = true;
    const first = message.indexOf(0);
    const second = first < 0 ? -1 : message.indexOf(0, first + 1);
    if (first < 0 || second < 0 || message.indexOf(0, second + 1) >= 0) throw new SaslAuthenticationError('malformed PLAIN message');
    const authzid = message.subarray(0, first).toString('utf8');
    const user = message.subarray(first + 1, second).toString('utf8');
    const password = message.subarray(second + 1).toString('utf8');
    if (user === '' || password === '') throw new SaslAuthenticationError('PLAIN needs a user name and a password');
    if (authzid !== '' && authzid !== user) throw new SaslAuthenticationError('an authorization id different from the user name is not allowed');
    if (!(await this.verify(user, password))) throw new SaslAuthenticationError('invalid user name or password');
    return { response: Buffer.alloc(0), user };
  }
}
