// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them (KIP-84): the credential
// kept per user and mechanism (salt, iteration count, StoredKey, ServerKey; never the password) and
// the server side of the exchange:
//   client-first  gs2-header n=<user>,r=<client nonce>[,extensions]
//   server-first  r=<client nonce + server nonce>,s=<salt>,i=<iterations>
//   client-final  c=<base64 gs2-header>,r=<nonce>,p=<ClientProof>
//   server-final  v=<ServerSignature>
// ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey), ServerKey =
// HMAC(SaltedPassword, "Server Key"), SaltedPassword = PBKDF2(password, salt, i). The proof is
// checked as H(proof XOR HMAC(StoredKey, AuthMessage)) == StoredKey in constant time.
// An unknown user gets a made-up salt (stable per name) and fails at the proof, so a client cannot
// tell unknown users from wrong passwords (RFC 5802 section 9).
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslExchange } from './session.js';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramMechanism {
  name: ScramMechanismName;
  /** Kafka's code in Describe/AlterUserScramCredentials. */
  code: number;
  hash: 'sha256' | 'sha512';
  keyLength: number;
}

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [
  { name: 'SCRAM-SHA-256', code: 1, hash: 'sha256', keyLength: 32 },
  { name: 'SCRAM-SHA-512', code: 2, hash: 'sha512', keyLength: 64 },
];

/** Kafka's bounds on the iteration count (ScramMechanism.minIterations / maxIterations). */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

export function scramMechanism(nameOrCode: string | number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === nameOrCode || m.code === nameOrCode);
}

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (m: ScramMechanism, key: Buffer, data: string | Buffer): Buffer => createHmac(m.hash, key).update(data).digest();
const digest = (m: ScramMechanism, data: Buffer): Buffer => createHash(m.hash).update(data).digest();

export function saltPassword(m: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, m.keyLength, m.hash, (e, key) => (e ? reject(e) : resolve(key))));
}

/** The credential kept for a salted password (what AlterUserScramCredentials sends). */
export function credentialFromSalted(m: ScramMechanism, saltedPassword: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(m, saltedPassword, 'Client Key');
  return { salt, iterations, storedKey: digest(m, clientKey), serverKey: hmac(m, saltedPassword, 'Server Key') };
}

export async function createCredential(m: ScramMechanism, password: string, iterations = MIN_ITERATIONS): Promise<ScramCredential> {
  const salt = randomBytes(32);
  return credentialFromSalted(m, await saltPassword(m, password, salt, iterations), salt, iterations);
}

/** Whether `password` is the one `credential` was made from (PLAIN against SCRAM credentials). */
export async function passwordMatches(m: ScramMechanism, credential: ScramCredential, password: string): Promise<boolean> {
  const salted = await saltPassword(m, password, credential.salt, credential.iterations);
  return timingSafeEqual(credentialFromSalted(m, salted, credential.salt, credential.iterations).storedKey, credential.storedKey);
}

/** RFC 5802 saslname: "=2C" is ",", "=3D" is "="; any other "=" is malformed. */
function decodeSaslName(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

const fail = (why: string): never => {
  throw new SaslAuthenticationError(why);
};

export class ScramServerExchange implements SaslExchange {
  private step: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private credential: ScramCredential | null = null;
  private gs2Header = '';
  private nonce = '';
  private clientFirstBare = '';
  private serverFirst = '';

  constructor(
    private readonly m: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
    /** A secret of this broker, so made-up salts for unknown users are stable yet unguessable. */
    private readonly fakeSaltKey: Buffer,
  ) {}

  get mechanism(): string {
    return this.m.name;
  }

  evaluate(message: Buffer): Promise<{ response: Buffer; user: string | null }> {
    try {
      if (this.step === 'first') return Promise.resolve({ response: Buffer.from(this.first(message.toString('utf8'))), user: null });
      if (this.step === 'final') return Promise.resolve({ response: Buffer.from(this.final(message.toString('utf8'))), user: this.user });
      return fail('the SCRAM exchange is already complete');
    } catch (e) {
      this.step = 'done';
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private first(text: string): string {
    // gs2-header: "n," / "y," (no channel binding; "p=" needs binding Kafka does not offer), then [a=authzid] ","
    const m = /^([ny]),(a=[^,]*)?,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(text);
    if (!m) return fail('malformed SCRAM client-first message');
    const user = decodeSaslName(m[4]!);
    if (user === null || user === '') return fail('malformed SCRAM user name');
    if (m[2] !== undefined && decodeSaslName(m[2].slice(2)) !== user) return fail('an authorization id different from the user name is not allowed');
    if (/(^|,)tokenauth=true(,|$)/.test(m[3]!)) return fail('delegation token authentication is not supported');
    this.user = user;
    this.gs2Header = `${m[1]!},${m[2] ?? ''},`;
    this.clientFirstBare = m[3]!;
    this.credential = this.lookup(user) ?? null;
    const salt = this.credential?.salt ?? createHmac('sha256', this.fakeSaltKey).update(user).digest();
    const iterations = this.credential?.iterations ?? MIN_ITERATIONS;
    // Letters and digits only, as Kafka's own server nonce: librdkafka mis-handles some printable characters.
    this.nonce = m[5]! + randomBytes(24).toString('hex');
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.step = 'final';
    return this.serverFirst;
  }

  private final(text: string): string {
    this.step = 'done';
    const m = /^c=([^,]*),r=([^,]*)(?:,[^p][^,]*)*,p=([^,]+)$/.exec(text);
    if (!m) return fail('malformed SCRAM client-final message');
    if (Buffer.from(m[1]!, 'base64').toString('utf8') !== this.gs2Header) return fail('SCRAM channel binding does not match');
    // Kafka's ScramSaslServer accepts any final nonce that ends with the combined nonce (client nonce +
    // server nonce): librdkafka up to 2.x sends its client nonce again in front of it. The same here; the
    // fresh server nonce is still required, and the proof signs the message as sent.
    if (!m[2]!.endsWith(this.nonce)) return fail('SCRAM nonce does not match');
    const credential = this.credential;
    const proof = Buffer.from(m[3]!, 'base64');
    const withoutProof = text.slice(0, text.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    if (!credential || proof.length !== this.m.keyLength) return fail('invalid credentials');
    const signature = hmac(this.m, credential.storedKey, authMessage);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(digest(this.m, clientKey), credential.storedKey)) return fail('invalid credentials');
    return `v=${hmac(this.m, credential.serverKey, authMessage).toString('base64')}`;
  }
}
